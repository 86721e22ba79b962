/**
 * Push: send pending signed mutations in chain order, in batches, and apply the per-mutation
 * results (docs/protocol.md "Push"; backend/sync_api/service.py).
 *
 * - Batches of at most BATCH_MAX items, gzip-compressed when CompressionStream exists.
 * - 413 batch_too_large → halve the batch.
 * - A batch refused at item i (bad signature — e.g. a payload altered in local storage —, chain
 *   error…) is retried as its first i items, so everything before the bad item still syncs; the bad
 *   item keeps its Vietnamese reason on the outbox row and the dossier, and the run stops with
 *   that message (nothing after it can be accepted: the chain runs through it).
 * - 401 / 403 device_revoked / others stop the run with the server's message; network failures
 *   throw OfflineError (the loop backs off).
 */
import type { PushAnswerV2 } from '../api/wire';
import { getEnrolledDevice } from '../device/keystore';
import { db, type LangsoDB } from '../store/db';
import { applyPushResults, markRowError, observeServerClock, pendingSigned, type AckSummary, type SignedOutboxRow } from '../store/outbox';
import type { PushResult, ReceiptRow } from '../store/types';
import type { Json } from '../sync/canonical';
import { attachmentRefs, compactPayload, receiptRecord, type CompactReceipt } from '../sync/wire';
import { gzip, HttpError, OfflineError, requestJson } from '../api/http';
import { cachedKeys, verifyReceipt, type CommuneKey } from '../verify/receipts';
import { refreshKeys } from './keys';

export const BATCH_MAX = 100;
/**
 * After a batch of this run was acknowledged, a dropped connection is a reset on a weak link, not
 * "offline": resend at once, then every RESUME_EVERY_MS, for up to RESUME_WINDOW_MS (a typical
 * EDGE outage is a few seconds) before leaving it to the sync loop's back-off (docs/protocol.md §12).
 */
export const RESUME_EVERY_MS = 250;
export const RESUME_WINDOW_MS = 10_000;
/** Protocol 2: compact items and answers (docs/protocol.md §11, SPEC §WIRE). */
export const PROTOCOL = 2;

/** The run must stop; `message_vi` is shown in the sync status. */
export class SyncStop extends Error {
  constructor(
    readonly code: string,
    readonly message_vi: string,
    readonly message_en: string,
    readonly status?: number,
  ) {
    super(message_en);
    this.name = 'SyncStop';
  }
}

export interface PushReport extends AckSummary {
  batches: number;
}

/** The version-2 answer (PushOutV2); each result is kept in the outbox row as a PushResult. */
type PushResponse = PushAnswerV2;

/** The version-2 envelope for consecutive outbox rows (WIRE1: the server rebuilds n, prev, device). */
export function pushEnvelope(deviceId: string, rows: readonly SignedOutboxRow[]): Record<string, unknown> {
  return {
    protocol: PROTOCOL,
    device_id: deviceId,
    n: rows[0]!.n,
    prev: rows[0]!.prev,
    mutations: rows.map((r) => ({ p: compactPayload(r.payload), s: r.sig })),
  };
}

async function communeKeys(d: LangsoDB, keyIdWanted: string): Promise<readonly CommuneKey[]> {
  return (await refreshKeys(d, keyIdWanted).catch(() => cachedKeys(d)))?.keys ?? [];
}

/**
 * A version-2 answer in the version-1 shape the rest of the app stores: results are in item
 * order without echoes, so the row supplies id, n, entity and entity_id; a compact receipt is
 * rebuilt into the signed version-1 record (WIRE3) and then verified like any receipt; missing
 * attachments come as indices into the submission's attachment list (WIRE4).
 */
export async function expandAnswer(rows: readonly SignedOutboxRow[], body: PushResponse, d: LangsoDB): Promise<PushResult[]> {
  const results = Array.isArray(body.results) ? body.results : [];
  const out: PushResult[] = [];
  for (const [i, r] of results.entries()) {
    const row = rows[i];
    if (!row) break;
    const full: PushResult = { ...r, id: row.id, n: row.n, entity: row.entity, entity_id: row.entity_id };
    if (i === results.length - 1 && typeof body.hlc === 'string') full['hlc'] = body.hlc;
    const compact = r['receipt'] as CompactReceipt | undefined;
    if (compact && typeof compact.key_id === 'string' && typeof compact.at === 'number') {
      const keys = await communeKeys(d, compact.key_id);
      const commune = keys.find((k) => k.key_id === compact.key_id)?.commune_id ?? keys[0]?.commune_id ?? '';
      full['receipt'] = { payload: await receiptRecord(commune, row.entity_id, row.hash, compact.key_id, compact.at), sig: compact.sig };
      full['revision'] = row.hash;
    }
    const missing = r['missing'];
    if (Array.isArray(missing)) {
      const fields = (JSON.parse(row.payload) as { fields: { components?: Record<string, string[]>; consent: { signature_sha256: string } } }).fields;
      const refs = attachmentRefs(fields);
      full['missing_attachments'] = missing.flatMap((k: Json) => (typeof k === 'number' && refs[k] ? [refs[k]] : []));
      delete full['missing'];
    }
    out.push(full);
  }
  return out;
}

async function encodeBody(body: unknown): Promise<{ data: Uint8Array<ArrayBuffer>; gzipped: boolean }> {
  const raw = new TextEncoder().encode(JSON.stringify(body));
  const packed = await gzip(raw);
  return packed ? { data: packed, gzipped: true } : { data: raw, gzipped: false };
}

async function receiptsOf(rows: readonly SignedOutboxRow[], results: readonly PushResult[], d: LangsoDB): Promise<Map<string, ReceiptRow>> {
  const out = new Map<string, ReceiptRow>();
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const result of results) {
    const row = byId.get(result.id);
    if (row?.entity !== 'dossier' || result['receipt'] === undefined) continue;
    const receipt = result['receipt'] as { payload?: unknown };
    let keyIdWanted: string | undefined;
    try {
      keyIdWanted = typeof receipt.payload === 'string' ? (JSON.parse(receipt.payload) as { key_id?: string }).key_id : undefined;
    } catch {
      keyIdWanted = undefined;
    }
    // Fetch the commune key if we lack it; offline later, the receipt re-verifies from the cache.
    const keys = (await refreshKeys(d, keyIdWanted).catch(() => cachedKeys(d)))?.keys ?? [];
    out.set(row.id, await verifyReceipt(receipt, row.entity_id, row.hash, keys));
  }
  return out;
}

function stopFor(error: HttpError): SyncStop {
  const code = error.problem.code ?? `http_${error.status}`;
  if (error.status === 401 && code === 'not_authenticated') {
    return new SyncStop(code, 'Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại để đồng bộ (dữ liệu trên máy được giữ nguyên).', 'The session expired. Log in again to sync (local data is kept).', 401);
  }
  if (code === 'device_revoked') {
    const reason = error.problem.errors?.[0]?.['reason'];
    return new SyncStop(code, `${error.message_vi}${typeof reason === 'string' && reason ? ` Lý do: ${reason}` : ''}`, error.message, error.status);
  }
  // Only `not_authenticated` means "log in again"; other 401s (e.g. a refused signature) do not.
  const status = error.status === 401 ? undefined : error.status;
  return new SyncStop(code, error.message_vi, error.problem.message_en ?? error.message, status);
}

/** The server's item message without its technical "Mục N:" prefix, ending in a full stop. */
export function itemMessage(messageVi: string): string {
  const text = messageVi.replace(/^Mục \d+:\s*/u, '').trim();
  return /[.!?…]$/u.test(text) ? text : `${text}.`;
}

async function sendResuming<T>(send: () => Promise<T>, resume: boolean): Promise<T> {
  const until = Date.now() + RESUME_WINDOW_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof OfflineError) || !resume || Date.now() >= until) throw error;
      // Replays are safe: items the server committed before the reset come back with their stored results.
      if (attempt > 0) await new Promise((r) => setTimeout(r, RESUME_EVERY_MS));
    }
  }
}

/** Push everything pending (or until a stop). */
export async function pushPending(d: LangsoDB = db()): Promise<PushReport> {
  const report: PushReport = { acknowledged: 0, stillPending: 0, rejected: 0, conflicts: 0, batches: 0 };
  const device = await getEnrolledDevice(d);
  if (!device) return report;
  let batch = BATCH_MAX;
  for (;;) {
    const rows = await pendingSigned(batch, d);
    if (rows.length === 0) return report;
    const { data, gzipped } = await encodeBody(pushEnvelope(device.id, rows));
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (gzipped) headers['Content-Encoding'] = 'gzip';
    let body: PushResponse;
    try {
      body = await sendResuming(() => requestJson<PushResponse>('/api/sync/push', { method: 'POST', headers, body: data, d, timeoutMs: 60_000 }), report.batches > 0);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      if (error.status === 413 && batch > 1) {
        batch = Math.max(1, Math.floor(batch / 2));
        continue;
      }
      const index = error.problem.errors?.[0]?.['index'];
      if (typeof index === 'number' && index >= 0 && index < rows.length) {
        const bad = rows[index]!;
        const vi = `${itemMessage(error.message_vi)} Dữ liệu này có thể đã bị thay đổi sau khi ký trên máy, nên máy chủ từ chối.`;
        await markRowError(bad.seq, vi, error.problem.message_en ?? error.message, d);
        if (bad.entity === 'dossier' && (await d.dossiers.get(bad.entity_id))) {
          await d.dossiers.update(bad.entity_id, {
            // the server holds no submission of it: locally it is a draft again, not "submitted"
            status: 'draft',
            sync_state: 'rejected',
            sync_result: { status: 'refused', code: error.problem.code ?? `http_${error.status}`, message_vi: vi, at: new Date().toISOString() },
          });
        }
        if (index > 0) {
          batch = index; // the items before the bad one are fine: send them alone
          continue;
        }
        // No HTTP status on this stop: a refused item (bad_signature is a 401 by the protocol) is not an
        // expired session, so it must neither ask for a new login nor stop photos and pull.
        throw new SyncStop(error.problem.code ?? 'item_refused', vi, error.problem.message_en ?? error.message);
      }
      throw stopFor(error);
    }
    const results = await expandAnswer(rows, body, d);
    const summary = await applyPushResults(rows, results, await receiptsOf(rows, results, d), d);
    report.batches++;
    report.acknowledged += summary.acknowledged;
    report.rejected += summary.rejected;
    report.conflicts += summary.conflicts;
    report.stillPending = summary.stillPending;
    const lastHlc = [...results].reverse().find((r) => typeof r['hlc'] === 'string')?.['hlc'];
    if (typeof lastHlc === 'string') await observeServerClock(lastHlc, d);
    // Nothing acknowledged ('not_processed'): try again on the next run, not in a tight loop.
    if (summary.acknowledged === 0) return report;
    batch = BATCH_MAX;
  }
}
