/**
 * The sync loop's HTTP layer: bearer token from the stored session, a timeout on every request,
 * problem+json errors with their Vietnamese message, gzip request bodies. Tests swap the
 * transport with setTransport (a fake server), nothing else changes.
 */
import type { Problem } from '../api/client';
import { db, type LangsoDB } from '../store/db';
import { META_KEYS, type Session } from '../store/types';

let transport: typeof fetch = (input, init) => globalThis.fetch(input, init);

export function setTransport(next: typeof fetch | undefined): void {
  transport = next ?? ((input, init) => globalThis.fetch(input, init));
}

export function currentTransport(): typeof fetch {
  return transport;
}

/** The server could not be reached (offline, dropped connection, timeout). Retry later. */
export class OfflineError extends Error {
  constructor(cause?: unknown) {
    super('offline', { cause });
    this.name = 'OfflineError';
  }
}

/** The server answered with an error status; `problem` is its problem+json body (maybe empty). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem & { errors?: Record<string, unknown>[] },
    readonly headers: Headers,
  ) {
    super(problem.message_en ?? problem.title ?? `HTTP ${status}`);
    this.name = 'HttpError';
  }

  get message_vi(): string {
    return this.problem.message_vi ?? this.problem.detail ?? `Máy chủ báo lỗi (HTTP ${this.status}).`;
  }
}

export interface RequestOptions extends RequestInit {
  timeoutMs?: number;
  /** Status codes returned to the caller instead of thrown (e.g. 409 for uploads). */
  accept?: readonly number[];
  d?: LangsoDB;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export async function sessionToken(d: LangsoDB = db()): Promise<string | undefined> {
  const session = (await d.meta.get(META_KEYS.session))?.value as Session | undefined;
  return session?.token;
}

async function readProblem(response: Response): Promise<Problem & { errors?: Record<string, unknown>[] }> {
  try {
    const body: unknown = await response.json();
    return body && typeof body === 'object' ? (body as Problem) : {};
  } catch {
    return {};
  }
}

/**
 * One request. Resolves with the Response for 2xx (and `accept`ed codes); rejects with HttpError
 * otherwise, OfflineError when the network fails or the timeout fires.
 */
export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, accept = [], d, ...init } = options;
  const headers = new Headers(init.headers);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json, application/problem+json');
  const token = await sessionToken(d);
  if (token && !headers.has('Authorization')) headers.set('Authorization', `Bearer ${token}`);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response: Response;
  try {
    response = await transport(path, { ...init, headers, signal: controller.signal });
  } catch (error) {
    throw new OfflineError(error);
  } finally {
    clearTimeout(timer);
  }
  if (response.ok || accept.includes(response.status)) return response;
  throw new HttpError(response.status, await readProblem(response), response.headers);
}

export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await request(path, options);
  try {
    return (await response.json()) as T;
  } catch (error) {
    // A body cut off mid-way is a network failure, not a server verdict.
    throw new OfflineError(error);
  }
}

/** gzip with CompressionStream, or null where the browser lacks it (send uncompressed). */
export async function gzip(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer> | null> {
  if (typeof CompressionStream === 'undefined') return null;
  try {
    const stream = new Blob([data]).stream().pipeThrough(new CompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch {
    return null;
  }
}
