/**
 * Push: send pending signed mutations in chain order, in batches, and apply the per-mutation
 * results (docs/protocol.md "Push" and §12; backend/sync_api/service.py).
 *
 * - Batches sized by the measured throughput (batch-size.ts), at most BATCH_MAX items,
 *   deflated with the shipped preset dictionary (push-body.ts; gzip after a server's 415),
 *   pipelined: the next batch leaves while the
 *   previous answer is awaited; answers are applied in chain order. A batch that reached the
 *   server before its predecessor is refused whole (`chain_gap`) and sent again after it.
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
import { batchCount, BATCH_MAX_ITEMS, LinkMeter, mayLaunch } from './batch-size';
import { HttpError, OfflineError, requestJson } from '../api/http';
import { encodeBody, refuseDictionary } from './push-body';
import { cachedKeys, verifyReceipt, type CommuneKey } from '../verify/receipts';
import { refreshKeys } from './keys';

export const BATCH_MAX = BATCH_MAX_ITEMS;
/** Rows planned per round of the pipeline (a round restarts after a reset or a refusal). */
export const ROUND_ROWS = 2_000;
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

/** An answer of one pipelined batch, never a rejection (the order of handling is ours). */
type Settled = { ok: true; body: PushResponse } | { ok: false; error: unknown };

interface InFlight {
  rows: SignedOutboxRow[];
  bytes: number;
  /** Was another batch of this round unanswered when this one left? */
  behind: boolean;
  answer: Promise<Settled>;
}

/** Why a round of the pipeline ended before the rows it planned were all answered. */
type RoundEnd = 'done' | 'again' | 'idle';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * One round: batches of the pending rows, pipelined (batch-size.ts), answers handled strictly in
 * chain order. Returns 'again' when the round must restart from the first unacknowledged row (a
 * batch overtook its predecessor, a reset, 413), 'idle' when the server processed nothing.
 */
async function pushRound(deviceId: string, rows: SignedOutboxRow[], meter: LinkMeter, limits: { maxItems: number; firstItems: number }, report: PushReport, d: LangsoDB): Promise<RoundEnd> {
  const items = rows.map((r) => ({ p: compactPayload(r.payload), s: r.sig }));
  const sizes = items.map((item) => JSON.stringify(item).length + 1);
  const inFlight: InFlight[] = [];
  let next = 0;
  let answered = false;

  const launch = async (): Promise<void> => {
    const cap = next === 0 && limits.firstItems > 0 ? Math.min(limits.firstItems, limits.maxItems) : limits.maxItems;
    const count = batchCount(sizes, next, meter.targetBytes(Date.now()), meter.ratio, cap);
    const batch = rows.slice(next, next + count);
    const envelope = { protocol: PROTOCOL, device_id: deviceId, n: batch[0]!.n, prev: batch[0]!.prev, mutations: items.slice(next, next + count) };
    next += count;
    const { data, coding } = await encodeBody(envelope);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (coding) headers['Content-Encoding'] = coding;
    meter.sent(sizes.slice(next - count, next).reduce((a, b) => a + b, 0), data.byteLength, Date.now());
    const answer = requestJson<PushResponse>('/api/sync/push', { method: 'POST', headers, body: data, d, timeoutMs: 60_000 }).then(
      (body): Settled => ({ ok: true, body }),
      (error: unknown): Settled => ({ ok: false, error }),
    );
    inFlight.push({ rows: batch, bytes: data.byteLength, behind: inFlight.length > 0, answer });
  };

  while (next < rows.length || inFlight.length > 0) {
    // Fill the pipeline (at most ~64 KB and four batches unanswered).
    while (next < rows.length && mayLaunch(inFlight.map((f) => f.bytes), meter.targetBytes(Date.now()), answered)) await launch();
    const head = inFlight.shift()!;
    const settled = await head.answer;
    if (!settled.ok) {
      const { error } = settled;
      if (!(error instanceof HttpError)) throw error; // OfflineError: the caller resumes
      // The server does not know our dictionary (nothing was written): gzip from now on.
      if (error.status === 415 && refuseDictionary()) return 'again';
      if (error.status === 413 && limits.maxItems > 1) {
        limits.maxItems = Math.max(1, Math.floor(head.rows.length / 2));
        return 'again';
      }
      // This batch overtook one still unanswered: nothing was written, send it again after.
      if (error.problem.code === 'chain_gap' && head.behind) {
        return 'again';
      }
      await refuseItem(error, head.rows, limits, d);
      return 'again';
    }
    answered = true;
    meter.acknowledged(head.bytes);
    const results = await expandAnswer(head.rows, settled.body, d);
    const summary = await applyPushResults(head.rows, results, await receiptsOf(head.rows, results, d), d);
    report.batches++;
    report.acknowledged += summary.acknowledged;
    report.rejected += summary.rejected;
    report.conflicts += summary.conflicts;
    report.stillPending = summary.stillPending;
    const lastHlc = [...results].reverse().find((r) => typeof r['hlc'] === 'string')?.['hlc'];
    if (typeof lastHlc === 'string') await observeServerClock(lastHlc, d);
    // Nothing acknowledged ('not_processed'): try again on the next run, not in a tight loop.
    if (summary.acknowledged === 0) return 'idle';
    // Items left unprocessed: the batches behind them cannot apply; start again from them.
    if (summary.stillPending > 0) return 'again';
  }
  return 'done';
}

/**
 * A batch refused at item i (bad signature, chain error…): the item keeps the reason; the items
 * before it go alone next (`firstItems`); a refusal of the first item stops the run.
 */
async function refuseItem(error: HttpError, rows: readonly SignedOutboxRow[], limits: { firstItems: number }, d: LangsoDB): Promise<void> {
  const index = error.problem.errors?.[0]?.['index'];
  if (typeof index !== 'number' || index < 0 || index >= rows.length) throw stopFor(error);
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
    limits.firstItems = index; // the items before the bad one are fine: send them alone
    return;
  }
  // No HTTP status on this stop: a refused item (bad_signature is a 401 by the protocol) is not an
  // expired session, so it must neither ask for a new login nor stop photos and pull.
  throw new SyncStop(error.problem.code ?? 'item_refused', vi, error.problem.message_en ?? error.message);
}

/**
 * Push everything pending (or until a stop), pipelined with adaptive batches (batch-size.ts).
 * After a batch of this run was acknowledged, a dropped connection is a reset on a weak link: the
 * run resumes at once from the first unacknowledged row, then every RESUME_EVERY_MS for up to
 * RESUME_WINDOW_MS (replays are answered from the stored results).
 */
export async function pushPending(d: LangsoDB = db()): Promise<PushReport> {
  const report: PushReport = { acknowledged: 0, stillPending: 0, rejected: 0, conflicts: 0, batches: 0 };
  const device = await getEnrolledDevice(d);
  if (!device) return report;
  const meter = new LinkMeter();
  const limits = { maxItems: BATCH_MAX, firstItems: 0 };
  let resumes = 0;
  let resumeUntil = 0;
  for (;;) {
    const rows = await pendingSigned(ROUND_ROWS, d);
    if (rows.length === 0) return report;
    const firstItems = limits.firstItems;
    const before = report.batches;
    let end: RoundEnd;
    try {
      end = await pushRound(device.id, rows, meter, limits, report, d);
    } catch (error) {
      if (!(error instanceof OfflineError) || report.batches === 0) throw error;
      if (resumes === 0 || report.batches > before) {
        resumes = 0;
        resumeUntil = Date.now() + RESUME_WINDOW_MS;
      } else if (Date.now() >= resumeUntil) throw error;
      else await sleep(RESUME_EVERY_MS);
      resumes++;
      continue;
    }
    if (limits.firstItems === firstItems) limits.firstItems = 0;
    if (end === 'idle') return report;
    if (end === 'done') {
      resumes = 0;
      limits.maxItems = BATCH_MAX;
    }
  }
}
