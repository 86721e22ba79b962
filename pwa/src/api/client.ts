/**
 * The few online calls the UI itself makes (login). Everything else goes through the sync loop.
 * Errors from the server are RFC 9457 problem+json with a Vietnamese message (`message_vi`).
 */
import type { Session } from '../store/types';

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  message_vi?: string;
  message_en?: string;
}

/** The server answered with an error. `problem` is whatever problem+json it sent (maybe empty). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

/** The server could not be reached at all (offline, DNS, TLS, CORS…). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('network error', { cause });
    this.name = 'NetworkError';
  }
}

async function readProblem(response: Response): Promise<Problem> {
  try {
    const body: unknown = await response.json();
    return body && typeof body === 'object' ? (body as Problem) : {};
  } catch {
    return {};
  }
}

function isSession(value: unknown): value is Session {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<Session>;
  return (
    typeof v.token === 'string' &&
    !!v.user &&
    typeof v.user.id === 'string' &&
    typeof v.user.role === 'string' &&
    Array.isArray(v.user.village_ids)
  );
}

/**
 * POST /api/auth/login.
 * @throws ApiError on a non-2xx answer (401: wrong credentials), NetworkError when unreachable,
 *   ApiError(502) when a 200 body is not a session.
 */
export async function login(username: string, password: string, fetchImpl: typeof fetch = fetch): Promise<Session> {
  let response: Response;
  try {
    response = await fetchImpl('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json' },
      body: JSON.stringify({ username: username.normalize('NFC').trim(), password }),
    });
  } catch (error) {
    throw new NetworkError(error);
  }
  if (!response.ok) throw new ApiError(response.status, await readProblem(response));
  const body: unknown = await response.json().catch(() => undefined);
  if (!isSession(body)) throw new ApiError(502, { title: 'Malformed login response' });
  return body;
}
