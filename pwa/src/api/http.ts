/**
 * The PWA's one HTTP client: the volunteer's sync loop, the login and enrolment, the officer
 * console. Answers are typed by the generated wire types (./wire).
 *
 * - Bearer token from the stored session (none on login; tests replace the source).
 * - A timeout on every sync request (DEFAULT_TIMEOUT_MS; `timeoutMs: 0` leaves it to the
 *   browser, as the console and the login do).
 * - Errors: HttpError carries the server's problem+json (`message_vi` first); OfflineError when
 *   the server cannot be reached, the timeout fires or a body is cut off. The sync loop backs off
 *   and retries on OfflineError (net/sync.ts); nothing here retries by itself, except:
 * - The console's access reason: a read outside the officer's queue answers 428
 *   `access_reason_required`; the reason is asked once per subject (the prompt is the console's,
 *   setAccessReasonPrompt) and the request is sent again with `X-Access-Reason`.
 * - Cross-site refusal (backend/lib/csrf.py): bearer requests pass; the console's cookie
 *   (EventSource cannot send headers) stays same-origin, and JSON bodies say
 *   `Content-Type: application/json`.
 * - gzip request bodies (push).
 * - The transport is swappable (tests: a fake server), for all requests or for one.
 */
import { db, type LangsoDB } from '../store/db';
import { META_KEYS, type Session } from '../store/types';
import type { Problem } from './wire';

export type { Problem };

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
    readonly problem: Problem,
    readonly headers: Headers,
  ) {
    super(problem.message_en ?? problem.title ?? `HTTP ${status}`);
    this.name = 'HttpError';
  }

  get code(): string | undefined {
    return this.problem.code;
  }

  get message_vi(): string {
    return this.problem.message_vi ?? this.problem.detail ?? `Máy chủ báo lỗi (HTTP ${this.status}).`;
  }
}

export interface RequestOptions extends RequestInit {
  /** 0: no timeout of our own. */
  timeoutMs?: number;
  /** Status codes returned to the caller instead of thrown (e.g. 409 for uploads); 'any': all. */
  accept?: readonly number[] | 'any';
  /** The store whose session's token is sent. */
  d?: LangsoDB;
  /** Send this token instead of the stored one; null: none. */
  token?: string | null;
  /** This request only, instead of the module's transport. */
  transport?: typeof fetch;
  /** A 428 `access_reason_required` asks for the reason and sends the request again. */
  askReason?: boolean;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export async function sessionToken(d: LangsoDB = db()): Promise<string | undefined> {
  const session = (await d.meta.get(META_KEYS.session))?.value as Session | undefined;
  return session?.token;
}

type TokenSource = () => Promise<string | undefined>;
let tokenSource: TokenSource = () => sessionToken();

/** Tests replace the token source of requests that name no store (the default reads the Dexie session). */
export function setTokenSource(source: TokenSource | undefined): void {
  tokenSource = source ?? (() => sessionToken());
}

async function readProblem(response: Response): Promise<Problem> {
  try {
    const body: unknown = await response.json();
    return body && typeof body === 'object' ? (body as Problem) : {};
  } catch {
    return {};
  }
}

async function send(via: typeof fetch, path: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  const controller = timeoutMs > 0 ? new AbortController() : undefined;
  const timer = controller ? setTimeout(() => controller.abort(), timeoutMs) : undefined;
  try {
    return await via(path, controller ? { ...init, signal: controller.signal } : init);
  } catch (error) {
    throw new OfflineError(error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One request. Resolves with the Response for 2xx (and `accept`ed codes); rejects with HttpError
 * otherwise, OfflineError when the network fails or the timeout fires.
 */
export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, accept = [], d, token, transport: via, askReason = false, ...init } = options;
  const headers = new Headers(init.headers);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json, application/problem+json');
  const bearer = token === undefined ? await (d ? sessionToken(d) : tokenSource()) : token;
  if (bearer && !headers.has('Authorization')) headers.set('Authorization', `Bearer ${bearer}`);
  const response = await send(via ?? transport, path, { ...init, headers }, timeoutMs);
  if (askReason && response.status === 428 && !headers.has('X-Access-Reason')) {
    const problem = await readProblem(response);
    const reason = problem.code === 'access_reason_required' ? await reasonFor(path) : undefined;
    if (!reason) throw new HttpError(response.status, problem, response.headers);
    headers.set('X-Access-Reason', encodeURIComponent(reason));
    return request(path, { ...options, headers });
  }
  if (response.ok || accept === 'any' || accept.includes(response.status)) return response;
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

// ---- login ----

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
 * POST /api/auth/login (LoginResponse), without a token and without a timeout of our own.
 * @throws HttpError on a non-2xx answer (401: wrong credentials), OfflineError when unreachable,
 *   HttpError(502) when a 200 body is not a session.
 */
export async function login(username: string, password: string, via?: typeof fetch): Promise<Session> {
  const response = await request('/api/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: username.normalize('NFC').trim(), password }),
    token: null,
    timeoutMs: 0,
    ...(via ? { transport: via } : {}),
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!isSession(body)) throw new HttpError(502, { title: 'Malformed login response' }, response.headers);
  return body;
}

// ---- the officer console (online only, at the commune office) ----

type Answer = string | null | undefined;
type ReasonPrompt = () => Answer | Promise<Answer>;
let reasonPrompt: ReasonPrompt | undefined;
const reasons = new Map<string, string>();
const asking = new Map<string, Promise<string | undefined>>();

/** The console's question for an access reason (its dialog and words live in the console). */
export function setAccessReasonPrompt(prompt: ReasonPrompt | undefined): void {
  reasonPrompt = prompt;
}

/**
 * Reading a person or dossier outside the officer's own queue needs a stated reason, kept in
 * the access log (docs/privacy.md). Asked once per subject for the page's life; requests for a
 * subject already being asked about wait for that one answer.
 */
async function reasonFor(path: string): Promise<string | undefined> {
  const subject = path.split('?')[0]!.split('/').slice(0, 5).join('/');
  const known = reasons.get(subject);
  if (known) return known;
  const pending = asking.get(subject);
  if (pending) return pending;
  const question = (async (): Promise<string | undefined> => {
    const answer = (await reasonPrompt?.())?.normalize('NFC').trim();
    if (!answer) return undefined;
    reasons.set(subject, answer.slice(0, 500));
    return reasons.get(subject);
  })();
  asking.set(subject, question);
  try {
    return await question;
  } finally {
    asking.delete(subject);
  }
}

/**
 * A console request: the stored token (a store that cannot be read sends none), the
 * same-origin session cookie, no timeout of our own, the access-reason question.
 */
export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const token = await tokenSource().catch(() => undefined);
  return request(path, { credentials: 'same-origin', ...init, token: token ?? null, timeoutMs: 0, askReason: true });
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
