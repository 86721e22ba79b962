/**
 * HTTP for the officer console (online only, at the commune office). Bearer token from the
 * stored session, plus the same-origin session cookie (needed by EventSource, which cannot send
 * headers). Errors carry the server's problem+json, shown to the officer with `message_vi`.
 */
import { sessionToken } from '../net/http';
import { ot } from './i18n';

export interface ProblemBody {
  code?: string;
  title?: string;
  detail?: string;
  message_vi?: string;
  message_en?: string;
  errors?: Record<string, unknown>[];
}

export class OfficerApiError extends Error {
  constructor(
    /** 0 when the server could not be reached. */
    readonly status: number,
    readonly problem: ProblemBody,
  ) {
    super(problem.message_en ?? problem.title ?? `HTTP ${status}`);
    this.name = 'OfficerApiError';
  }

  get code(): string | undefined {
    return this.problem.code;
  }

  /** What to show: the server's Vietnamese message first. */
  get messageVi(): string {
    if (this.status === 0) return ot('error.network');
    return this.problem.message_vi ?? this.problem.detail ?? ot('error.http', { status: this.status });
  }
}

type TokenSource = () => Promise<string | undefined>;
let tokenSource: TokenSource = () => sessionToken().catch(() => undefined);

/** Tests replace the token source (the default reads the Dexie session). */
export function setTokenSource(source: TokenSource | undefined): void {
  tokenSource = source ?? (() => sessionToken().catch(() => undefined));
}

async function readProblem(response: Response): Promise<ProblemBody> {
  try {
    const body: unknown = await response.json();
    return body && typeof body === 'object' ? (body as ProblemBody) : {};
  } catch {
    return {};
  }
}

/** One request; resolves with a 2xx Response, rejects with OfficerApiError otherwise. */
export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json, application/problem+json');
  const token = await tokenSource();
  if (token && !headers.has('Authorization')) headers.set('Authorization', `Bearer ${token}`);
  let response: Response;
  try {
    response = await globalThis.fetch(path, { credentials: 'same-origin', ...init, headers });
  } catch {
    throw new OfficerApiError(0, {});
  }
  if (response.status === 428 && !headers.has('X-Access-Reason')) {
    const problem = await readProblem(response);
    const reason = problem.code === 'access_reason_required' ? askReason(path) : undefined;
    if (!reason) throw new OfficerApiError(response.status, problem);
    headers.set('X-Access-Reason', encodeURIComponent(reason));
    return call(path, { ...init, headers });
  }
  if (!response.ok) throw new OfficerApiError(response.status, await readProblem(response));
  return response;
}

/**
 * Reading a person or dossier outside the officer's own queue needs a stated reason, kept in
 * the access log (docs/privacy.md). Asked once per subject for the page's life.
 */
const reasons = new Map<string, string>();

function askReason(path: string): string | undefined {
  const subject = path.split('?')[0]!.split('/').slice(0, 5).join('/');
  const known = reasons.get(subject);
  if (known) return known;
  if (typeof globalThis.prompt !== 'function') return undefined;
  const answer = globalThis.prompt(ot('privacy.reason_prompt'))?.trim();
  if (!answer) return undefined;
  reasons.set(subject, answer.slice(0, 500));
  return reasons.get(subject);
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await call(path)).json()) as T;
}

export async function sendJson<T>(path: string, body: unknown, method = 'POST'): Promise<T> {
  const response = await call(path, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as T;
}

export async function getBlob(path: string): Promise<Blob> {
  return (await call(path, { headers: { Accept: '*/*' } })).blob();
}

/** Message to show for any failure. */
export function errorText(error: unknown): string {
  if (error instanceof OfficerApiError) return error.messageVi;
  return ot('error.unexpected', { message: error instanceof Error ? error.message : String(error) });
}

/** Fetch a file with the session and save it under `filename`. */
export async function download(path: string, filename: string): Promise<void> {
  const blob = await getBlob(path);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Open a PDF (or any file) fetched with the session in a new tab. The tab is opened before the
 * request so the popup blocker sees a user gesture; it is closed again when the request fails.
 */
export async function openFile(path: string): Promise<void> {
  const tab = window.open('', '_blank');
  try {
    const blob = await getBlob(path);
    const url = URL.createObjectURL(blob);
    if (tab) tab.location.href = url;
    else window.location.assign(url);
    setTimeout(() => URL.revokeObjectURL(url), 5 * 60_000);
  } catch (error) {
    tab?.close();
    throw error;
  }
}
