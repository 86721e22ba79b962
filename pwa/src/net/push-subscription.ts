/**
 * Web Push subscription of this browser: subscribe / unsubscribe with the PushManager of the
 * service worker, using the server's VAPID key, and register it with the backend
 * (backend/push/routes.py: GET /api/push/vapid-public-key, POST/DELETE /api/push/subscriptions).
 * The notifications themselves are shown by the service worker (public/push-handler.js).
 *
 * Invariants:
 *  - Network calls only when online and logged in (bearer token of the stored session).
 *  - A subscription belongs to the user who turned it on (remembered in localStorage, which
 *    survives logout). When another user is logged in on this browser, the earlier user's
 *    subscription is dropped from the browser, never silently handed over: the push service then
 *    answers 410 and the server deletes that row.
 *  - Failures are PushSetupError with a stable `code`; the UI shows its Vietnamese text.
 */
import type { VapidKeyOut } from '../api/wire';
import { requestSync } from './sync';
import { HttpError, OfflineError, request, requestJson } from '../api/http';
import { getSession } from '../store/repo';

export type PushErrorCode =
  | 'unsupported' // no service worker / PushManager / Notification API
  | 'no_worker' // the app's service worker is not installed (yet)
  | 'denied' // notifications blocked, or the permission prompt was dismissed
  | 'offline'
  | 'not_logged_in'
  | 'push_service' // PushManager.subscribe failed (the browser's push service is unreachable…)
  | 'server'; // the backend refused (problem+json message in message_vi / message_en)

export class PushSetupError extends Error {
  constructor(
    readonly code: PushErrorCode,
    readonly message_vi?: string,
    readonly message_en?: string,
    cause?: unknown,
  ) {
    super(message_en ?? code, { cause });
    this.name = 'PushSetupError';
  }
}

/** What the settings toggle shows. `on` means: subscribed here, for the logged-in user. */
export type PushState = 'unsupported' | 'denied' | 'off' | 'on';

/** localStorage record of who turned push on here and which endpoint the server knows. */
export const RECORD_KEY = 'langso.push';
interface PushRecord {
  userId: string;
  endpoint: string;
}

const READY_TIMEOUT_MS = 10_000;
/**
 * How long PushManager.subscribe may take. Without a route to its push service (FCM for Chrome)
 * Chromium does not fail, it keeps waiting (minutes, seen in headless tests): give up and say so.
 * Mutable for tests.
 */
export const timeouts = { subscribeMs: 30_000 };

function readRecord(): PushRecord | undefined {
  try {
    const raw = globalThis.localStorage?.getItem(RECORD_KEY);
    const v: unknown = raw ? JSON.parse(raw) : undefined;
    if (v && typeof v === 'object' && typeof (v as PushRecord).userId === 'string' && typeof (v as PushRecord).endpoint === 'string') {
      return v as PushRecord;
    }
  } catch {
    /* unreadable: as if none */
  }
  return undefined;
}

function writeRecord(record: PushRecord | undefined): void {
  try {
    if (record) globalThis.localStorage?.setItem(RECORD_KEY, JSON.stringify(record));
    else globalThis.localStorage?.removeItem(RECORD_KEY);
  } catch {
    /* storage blocked (private mode): the toggle reads "off" and the next start drops the subscription */
  }
}

export function pushSupported(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    'serviceWorker' in navigator &&
    typeof globalThis.PushManager !== 'undefined' &&
    typeof globalThis.Notification !== 'undefined'
  );
}

function isOnline(): boolean {
  return typeof navigator === 'undefined' || navigator.onLine !== false;
}

function permission(): NotificationPermission {
  return globalThis.Notification.permission;
}

/** base64url (no padding) → bytes, for applicationServerKey. */
export function b64urlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const b64 = value.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (value.length % 4)) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function sameBytes(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a) return false;
  const x = new Uint8Array(a);
  return x.length === b.length && x.every((v, i) => v === b[i]);
}

/**
 * The app's service-worker registration, once active. Undefined when there is none (dev mode, or
 * the first visit has not finished installing) — `ready` alone would wait forever then.
 */
async function registration(): Promise<ServiceWorkerRegistration | undefined> {
  const reg = await navigator.serviceWorker.getRegistration();
  if (!reg) return undefined;
  if (reg.active) return reg;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), READY_TIMEOUT_MS);
  });
  try {
    return await Promise.race([navigator.serviceWorker.ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function currentSubscription(): Promise<PushSubscription | null> {
  const reg = await registration();
  return reg ? reg.pushManager.getSubscription() : null;
}

/** Toggle state for the logged-in user (reads the browser only, no network). */
export async function getPushState(userId: string): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  if (permission() === 'denied') return 'denied';
  if (permission() !== 'granted') return 'off';
  const sub = await currentSubscription().catch(() => null);
  const record = readRecord();
  return sub && record?.userId === userId && record.endpoint === sub.endpoint ? 'on' : 'off';
}

function asSetupError(error: unknown): PushSetupError {
  if (error instanceof PushSetupError) return error;
  if (error instanceof OfflineError) return new PushSetupError('offline', undefined, undefined, error);
  if (error instanceof HttpError) return new PushSetupError('server', error.message_vi, error.problem.message_en ?? error.message, error);
  return new PushSetupError('server', undefined, error instanceof Error ? error.message : String(error), error);
}

async function loggedInUser(): Promise<string> {
  const session = await getSession();
  if (!session?.token) throw new PushSetupError('not_logged_in');
  return session.user.id;
}

async function register(sub: PushSubscription, userId: string): Promise<void> {
  await request('/api/push/subscriptions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(sub.toJSON()),
  });
  writeRecord({ userId, endpoint: sub.endpoint });
}

/** Subscribe with the server's current key; an old subscription under another key is replaced. */
async function subscribe(reg: ServiceWorkerRegistration): Promise<PushSubscription> {
  const { public_key } = await requestJson<VapidKeyOut>('/api/push/vapid-public-key');
  const key = b64urlToBytes(public_key);
  const existing = await reg.pushManager.getSubscription();
  if (existing && sameBytes(existing.options.applicationServerKey, key)) return existing;
  if (existing) await existing.unsubscribe().catch(() => false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`PushManager.subscribe: no answer after ${timeouts.subscribeMs} ms`)), timeouts.subscribeMs);
  });
  try {
    return await Promise.race([reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }), timeout]);
  } catch (error) {
    // NotAllowedError here means the permission was withdrawn meanwhile.
    if (error instanceof DOMException && error.name === 'NotAllowedError') throw new PushSetupError('denied', undefined, undefined, error);
    throw new PushSetupError('push_service', undefined, error instanceof Error ? error.message : String(error), error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Turn notices on for the logged-in user: asks the notification permission (call from a tap),
 * subscribes, registers the subscription with the server.
 * @throws PushSetupError (unsupported, no_worker, denied, offline, not_logged_in, push_service, server)
 */
export async function enablePush(): Promise<void> {
  if (!pushSupported()) throw new PushSetupError('unsupported');
  if (!isOnline()) throw new PushSetupError('offline');
  // Ask first, while the tap's user activation is still fresh.
  const granted = permission() === 'granted' || (await globalThis.Notification.requestPermission()) === 'granted';
  if (!granted) throw new PushSetupError('denied');
  const userId = await loggedInUser();
  const reg = await registration();
  if (!reg) throw new PushSetupError('no_worker');
  try {
    await register(await subscribe(reg), userId);
  } catch (error) {
    throw asSetupError(error);
  }
}

/**
 * Turn notices off here: the server forgets the subscription (when reachable) and the browser
 * drops it. Offline, only the browser drops it; the server deletes its row on the push
 * service's 410 the next time it sends.
 * @throws PushSetupError ('server' when the server refuses for a reason other than 404)
 */
export async function disablePush(): Promise<void> {
  if (!pushSupported()) return writeRecord(undefined);
  const sub = await currentSubscription();
  if (sub) {
    const session = await getSession();
    if (session?.token && isOnline()) {
      try {
        await request(`/api/push/subscriptions?endpoint=${encodeURIComponent(sub.endpoint)}`, { method: 'DELETE', accept: [404] });
      } catch (error) {
        if (!(error instanceof OfflineError)) throw asSetupError(error);
      }
    }
    await sub.unsubscribe().catch(() => false);
  }
  writeRecord(undefined);
}

export type SyncOutcome = 'skipped' | 'unchanged' | 'registered' | 'dropped';

/**
 * Keep the server in step with this browser's subscription (app start, `online`, and when the
 * service worker reports `pushsubscriptionchange`). Only acts when online and logged in with the
 * permission granted. Never asks for a permission, never throws.
 *  - subscription of another user (or of nobody we know) → dropped from the browser;
 *  - endpoint differs from the one the server knows → registered again;
 *  - the push service dropped it while the user had it on → subscribed again and registered.
 */
export async function syncPushSubscription(): Promise<SyncOutcome> {
  try {
    if (!pushSupported() || !isOnline() || permission() !== 'granted') return 'skipped';
    const session = await getSession();
    if (!session?.token) return 'skipped';
    const reg = await registration();
    if (!reg) return 'skipped';
    const record = readRecord();
    const sub = await reg.pushManager.getSubscription();
    if (!record || record.userId !== session.user.id) {
      writeRecord(undefined);
      if (!sub) return 'unchanged';
      await sub.unsubscribe().catch(() => false);
      return 'dropped';
    }
    if (sub && sub.endpoint === record.endpoint) return 'unchanged';
    await register(sub ?? (await subscribe(reg)), session.user.id);
    return 'registered';
  } catch {
    return 'skipped'; // tried again at the next start or `online`
  }
}

/** What the service worker may post to the app (public/push-handler.js). */
export type WorkerMessage =
  | { type: 'langso:push'; notice?: string | null }
  | { type: 'langso:navigate'; route: string }
  | { type: 'langso:push-subscription-changed' };

/** Routes the worker may move the app to: our own hash paths only. */
export function isAppRoute(route: unknown): route is string {
  return typeof route === 'string' && /^\/[A-Za-z0-9?&=/_-]*$/.test(route) && !route.includes('//');
}

/** Acts on one message from the service worker. Exposed for tests. */
export function handleWorkerMessage(data: unknown): void {
  if (!data || typeof data !== 'object') return;
  const msg = data as Partial<WorkerMessage> & { route?: unknown };
  if (msg.type === 'langso:push') {
    // A push proves the network works: 'online' also skips a pending back-off.
    void requestSync('online');
  } else if (msg.type === 'langso:navigate' && isAppRoute(msg.route)) {
    window.location.hash = msg.route;
  } else if (msg.type === 'langso:push-subscription-changed') {
    void syncPushSubscription();
  }
}

let started = false;

/**
 * Listen to the service worker (sync on push, navigate on notification click, re-register on
 * subscription change) and check the subscription now and whenever the browser comes online.
 * Idempotent; returns a stop function (tests).
 */
export function startPushClient(): () => void {
  if (started || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return () => undefined;
  started = true;
  const onMessage = (event: MessageEvent): void => handleWorkerMessage(event.data);
  const onOnline = (): void => void syncPushSubscription();
  navigator.serviceWorker.addEventListener('message', onMessage);
  window.addEventListener('online', onOnline);
  void syncPushSubscription();
  return () => {
    navigator.serviceWorker.removeEventListener('message', onMessage);
    window.removeEventListener('online', onOnline);
    started = false;
  };
}
