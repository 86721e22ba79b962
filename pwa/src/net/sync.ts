/**
 * THE sync loop — the only code that talks to the server after login (src/net/**).
 *
 * Triggers: app start, the `online` event, every TIMER_MS while the page is visible, returning to
 * the page, and "Đồng bộ ngay" (requestSync('manual')). Requests coalesce: while a run is going,
 * further requests make exactly one more run afterwards.
 *
 * One run, in this order (form data always before photos, AT10):
 *   1. (once per page load) sign rows an earlier app version left unsigned;  2. push pending mutations in batches;  3. upload queued photos
 *   (resumable);  4. pull with the cursor;  5. reference data, open conflicts, receipts still
 *   unverified, signed results (checked offline, their PDFs fetched once: results.ts);  6. device-health report (skipped silently where the server lacks it);
 *   7. forget acknowledged outbox rows older than 30 days.
 * A failure backs off exponentially with jitter (BASE_MS · 2^attempt, capped at CAP_MS, "equal
 * jitter": half fixed, half random); a manual request ignores the back-off.
 */
import { liveQuery } from 'dexie';
import { getEnrolledDevice } from '../device/keystore';
import { db, type LangsoDB } from '../store/db';
import { pendingSummary, pruneAcknowledged, sealLegacyDrafts } from '../store/outbox';
import { META_KEYS } from '../store/types';
import { reverifyPending } from '../verify/receipts';
import { refreshConflicts } from './conflicts';
import { HttpError, OfflineError, request } from '../api/http';
import { pullAll, type PullProgress, type PullReport } from './pull';
import { pushPending, SyncStop, type PushReport } from './push';
import { refreshKeys } from './keys';
import { refreshReference } from './reference';
import { checkResults } from './results';
import { uploadPending, type UploadReport } from './upload';
import { checkWipeOrder, wipeDevice } from './wipe';
import { onVaultChange, vaultOpen } from '../store/vault';
import { evictReceiptedPhotos, purgeClosedDossiers } from '../store/retention';

export const TIMER_MS = 60_000;
export const BASE_MS = 5_000;
export const CAP_MS = 5 * 60_000;
const STATUS_META_KEY = 'sync_status';

export type SyncPhase = 'idle' | 'syncing' | 'offline' | 'error';

export interface SyncStatus {
  phase: SyncPhase;
  /** ms since epoch of the last run that completed without error. */
  lastSuccessAt: number | null;
  lastAttemptAt: number | null;
  error_vi: string | null;
  error_en: string | null;
  errorCode: string | null;
  /** True when the server refused the token (401): the user must log in again (same account). */
  authExpired: boolean;
  nextRetryAt: number | null;
  attempt: number;
  last?: RunReport;
  /** While a pull runs: bytes received and the estimate (shown in the status bar). */
  pulling?: PullProgress | null;
}

export interface RunReport {
  push?: PushReport;
  upload?: UploadReport;
  pull?: PullReport;
}

export type SyncReason = 'start' | 'online' | 'timer' | 'visible' | 'manual' | 'retry' | 'queued' | 'conflict' | string;

let status: SyncStatus = {
  phase: 'idle',
  lastSuccessAt: null,
  lastAttemptAt: null,
  error_vi: null,
  error_en: null,
  errorCode: null,
  authExpired: false,
  nextRetryAt: null,
  attempt: 0,
};
const listeners = new Set<(s: SyncStatus) => void>();
let database: (() => LangsoDB) | undefined;
let running: Promise<void> | null = null;
let rerun = false;
let rerunManual = false;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let healthUnsupported = false;

const dbOf = (): LangsoDB => (database ?? db)();

function set(patch: Partial<SyncStatus>): void {
  status = { ...status, ...patch };
  for (const listener of listeners) listener(status);
}

export function getSyncStatus(): SyncStatus {
  return status;
}

/** Subscribe to status changes (called at once with the current status); returns unsubscribe. */
export function subscribe(listener: (s: SyncStatus) => void): () => void {
  listeners.add(listener);
  listener(status);
  return () => listeners.delete(listener);
}

/** Exponential back-off with equal jitter: in [d/2, d] for d = min(cap, base·2^attempt). */
export function backoffDelay(attempt: number, random: () => number = Math.random, base = BASE_MS, cap = CAP_MS): number {
  const d = Math.min(cap, base * 2 ** Math.max(0, attempt));
  return Math.round(d / 2 + random() * (d / 2));
}

function online(): boolean {
  return typeof navigator === 'undefined' || navigator.onLine !== false;
}

/** Databases whose legacy unsigned rows were signed in this page load (see sealLegacyDrafts). */
const legacySealed = new WeakSet<LangsoDB>();

async function reportHealth(d: LangsoDB, deviceId: string): Promise<void> {
  if (healthUnsupported) return;
  const s = await pendingSummary(d);
  const pending = s.mutations + s.blobs;
  try {
    await request('/api/monitoring/device-health', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ device_id: deviceId, pending, oldest_pending_at: pending > 0 && s.oldestAt !== null ? new Date(s.oldestAt).toISOString() : null }),
      d,
    });
  } catch (error) {
    if (error instanceof HttpError && (error.status === 404 || error.status === 405)) healthUnsupported = true;
    else if (!(error instanceof HttpError)) throw error;
    // other refusals (422…): not worth failing a run over
  }
}

/**
 * One complete run against the server. Throws OfflineError / SyncStop / HttpError on failure;
 * an item-level push refusal still lets photos and pull proceed, then is rethrown.
 */
export async function runOnce(d: LangsoDB = dbOf()): Promise<RunReport | null> {
  const device = await getEnrolledDevice(d);
  // Not logged in / no device (officer, or after logout): nothing to do, and no "success" either.
  if (!device || !(await d.meta.get(META_KEYS.session))) return null;
  // The lost-phone drill comes first and needs no key; while locked nothing else can run: the
  // outbox and every personal table are encrypted (src/store/encrypted.ts).
  if (await checkWipeOrder(d, device.id)) return null;
  if (!vaultOpen()) return null;
  const report: RunReport = {};
  // Every change is signed when made; only rows from an earlier app version can be unsigned.
  if (!legacySealed.has(d)) {
    await sealLegacyDrafts(d);
    legacySealed.add(d);
  }
  await refreshKeys(d).catch((e: unknown) => {
    if (e instanceof OfflineError) throw e;
  });
  let deferred: SyncStop | undefined;
  try {
    report.push = await pushPending(d);
  } catch (error) {
    if (error instanceof SyncStop && error.code === 'device_wipe') {
      await wipeDevice(d, device.id);
      return null;
    }
    // Auth and revocation stop everything; a refused item does not stop photos and pull.
    if (!(error instanceof SyncStop) || error.status === 401 || error.code === 'device_revoked') throw error;
    deferred = error;
  }
  report.upload = await uploadPending(d);
  try {
    report.pull = await pullAll(d, (pulling) => set({ pulling }));
  } finally {
    set({ pulling: null });
  }
  await refreshReference(d).catch((e: unknown) => {
    if (e instanceof OfflineError) throw e;
  });
  await refreshConflicts(d).catch((e: unknown) => {
    if (e instanceof OfflineError) throw e;
  });
  await reverifyPending(d);
  await checkResults(d);
  await reportHealth(d, device.id);
  await pruneAcknowledged(30, d);
  // After the receipts were verified: photos the server holds leave the phone, old closed dossiers go.
  await evictReceiptedPhotos(d);
  await purgeClosedDossiers(d);
  if (deferred) throw deferred;
  return report;
}

function scheduleRetry(): void {
  clearTimeout(retryTimer);
  const delay = backoffDelay(status.attempt);
  set({ nextRetryAt: Date.now() + delay, attempt: status.attempt + 1 });
  retryTimer = setTimeout(() => void requestSync('retry'), delay);
}

async function runGuarded(manual: boolean): Promise<void> {
  if (!manual && status.nextRetryAt !== null && Date.now() < status.nextRetryAt) return; // backing off
  if (!online()) {
    set({ phase: 'offline' });
    return;
  }
  clearTimeout(retryTimer);
  const startedAt = Date.now();
  set({ phase: 'syncing', lastAttemptAt: startedAt, nextRetryAt: null });
  try {
    const last = await runOnce();
    if (last === null) {
      set({ phase: 'idle' });
      return;
    }
    const lastSuccessAt = Date.now();
    set({ phase: 'idle', lastSuccessAt, error_vi: null, error_en: null, errorCode: null, authExpired: false, attempt: 0, last });
    await dbOf().meta.put({ key: STATUS_META_KEY, value: { lastSuccessAt } }).catch(() => undefined);
  } catch (error) {
    if (error instanceof OfflineError) {
      set({ phase: 'offline', error_vi: null, error_en: null, errorCode: 'offline' });
    } else if (error instanceof SyncStop) {
      set({ phase: 'error', error_vi: error.message_vi, error_en: error.message_en, errorCode: error.code, authExpired: error.status === 401 });
    } else if (error instanceof HttpError) {
      set({ phase: 'error', error_vi: error.message_vi, error_en: error.problem.message_en ?? error.message, errorCode: error.problem.code ?? `http_${error.status}`, authExpired: error.status === 401 });
    } else {
      const text = error instanceof Error ? error.message : String(error);
      set({ phase: 'error', error_vi: `Lỗi khi đồng bộ: ${text}`, error_en: `Sync failed: ${text}`, errorCode: 'client_error' });
    }
    scheduleRetry();
  }
}

/**
 * Ask for a sync run. Coalesces: during a run, any number of requests cause ONE more run. The
 * promise resolves when the run that covers this request has finished (it never rejects; read
 * the status). 'manual' and 'online' ignore the current back-off.
 */
export function requestSync(reason: SyncReason = 'manual'): Promise<void> {
  const manual = reason === 'manual' || reason === 'online' || reason === 'queued' || reason === 'conflict';
  if (running) {
    rerun = true;
    rerunManual ||= manual;
    return running;
  }
  running = (async () => {
    try {
      let force = manual;
      do {
        rerun = false;
        await runGuarded(force);
        force = rerunManual;
        rerunManual = false;
      } while (rerun);
    } finally {
      running = null;
    }
  })();
  return running;
}

let started = false;

/**
 * Start the loop once (later calls are no-ops): loads the last success time, listens for
 * `online` / visibility, runs the timer, and runs now. Returns a stop function (tests).
 */
export function startSync(options: { db?: () => LangsoDB } = {}): () => void {
  if (options.db) database = options.db;
  if (started) return () => undefined;
  started = true;
  void dbOf()
    .meta.get(STATUS_META_KEY)
    .then((row) => {
      const v = row?.value as { lastSuccessAt?: number } | undefined;
      if (v?.lastSuccessAt && status.lastSuccessAt === null) set({ lastSuccessAt: v.lastSuccessAt });
    })
    .catch(() => undefined);
  const onOnline = (): void => void requestSync('online');
  const onOffline = (): void => set({ phase: 'offline' });
  const onVisible = (): void => {
    if (document.visibilityState === 'visible') void requestSync('visible');
  };
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  document.addEventListener('visibilitychange', onVisible);
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') void requestSync('timer');
  }, TIMER_MS);
  // A newly queued mutation (any screen) is sent soon, without the screen knowing about the loop.
  let lastPending = -1;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  const watch = liveQuery(() => dbOf().outbox.where('state').equals('pending').count()).subscribe({
    next: (count) => {
      if (lastPending >= 0 && count > lastPending) {
        clearTimeout(debounce);
        debounce = setTimeout(() => void requestSync('queued'), 1_500);
      }
      lastPending = count;
    },
    error: () => undefined,
  });
  // Locked, a run only checks for a wipe order: the unlock (the first PIN included) is the moment
  // the real work can start.
  const offVault = onVaultChange((open) => {
    if (open) void requestSync('unlock');
  });
  void requestSync('start');
  return () => {
    offVault();
    watch.unsubscribe();
    clearTimeout(debounce);
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    document.removeEventListener('visibilitychange', onVisible);
    clearInterval(timer);
    clearTimeout(retryTimer);
    started = false;
  };
}

/** Reset module state (tests only). */
export function resetSyncForTests(): void {
  clearTimeout(retryTimer);
  running = null;
  rerun = false;
  rerunManual = false;
  healthUnsupported = false;
  database = undefined;
  status = { phase: 'idle', lastSuccessAt: null, lastAttemptAt: null, error_vi: null, error_en: null, errorCode: null, authExpired: false, nextRetryAt: null, attempt: 0 };
}
