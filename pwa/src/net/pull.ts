/**
 * Pull: GET /api/sync/pull from the stored cursor until `more` is false; each page is applied with
 * its cursor in one transaction (src/store/apply-pull.ts). `reset: true` → the replica is rebuilt
 * from that page on (pending work kept). The cursor is read through the same relaxed-durability
 * connection that writes it (LangsoDB.relaxed).
 */
import type { PullAnswer } from '../api/wire';
import { applyPullPage, type PullChange } from '../store/apply-pull';
import { db, type LangsoDB } from '../store/db';
import { META_KEYS } from '../store/types';
import { OfflineError, request } from '../api/http';

/** Page size of the first request of every pull: about 80 KB gzip even for dossier-heavy pages. */
export const PULL_LIMIT = 200;
/**
 * Page size while catching up over a fast link: the server's maximum (MAX_LIMIT in
 * backend/sync_api/pull.py). A village's first sync (2,500 changes) takes 4 round trips instead of
 * 13 (docs/benchmarks.md, "Village load and search (PWA)").
 */
export const PULL_LIMIT_CATCH_UP = 1000;
/**
 * Grow to PULL_LIMIT_CATCH_UP only after a page fetched faster than this. A 200-change page of
 * households and members is about 14 KB gzip: under 1 s means at least ~14 KB/s, so even a
 * 1,000-change page of dossiers (~400 KB gzip) stays well inside the 60 s request timeout. On GPRS
 * and EDGE (300–840 ms round trip, 50–240 kbit/s) a 200-change page takes longer and pages stay
 * small, so a dropped connection loses little.
 */
export const FAST_PAGE_MS = 1_000;
/** What a page should weigh on a slow link: an outage loses at most this much (as a push). */
export const PAGE_BYTES = 64 * 1024;

/**
 * The next page's limit: the largest after a fast page; on a slow link, about PAGE_BYTES at the
 * bytes per change of the last page (a lean page of households, members and closed rows is ~70 B
 * per change, so ~900 changes; whole dossiers are ~400 B, so the small page); never more than
 * PULL_LIMIT once a big page failed.
 */
export function nextPageLimit(bytes: number, changes: number, ms: number, failedBefore: boolean): number {
  if (failedBefore) return PULL_LIMIT;
  if (ms < FAST_PAGE_MS) return PULL_LIMIT_CATCH_UP;
  if (changes === 0 || bytes === 0) return PULL_LIMIT;
  return Math.max(PULL_LIMIT, Math.min(PULL_LIMIT_CATCH_UP, Math.floor(PAGE_BYTES / (bytes / changes))));
}

/**
 * Set when a catch-up page failed (timeout, dropped link): later pulls of this app session keep to
 * PULL_LIMIT, so a link that cannot carry big pages is never retried into the same failure.
 */
let catchUpFailed = false;
const MAX_PAGES = 500;

/** The answer as the server types it (PullOut); its `changes` are applied as PullChange. */
type PullBody = Omit<PullAnswer, 'changes'> & { changes?: PullChange[] };

/**
 * The lean view (docs/protocol.md §5, lean view): closed dossiers prepared by someone else come as one row
 * each (`closed`), fetched whole when opened (dossier-fetch.ts); `remaining` counts the change rows
 * still to come, for the estimate shown while a first pull runs.
 */
export const PULL_VIEW = 'lean';

/** One row of `closed`, in the order of CLOSED_COLUMNS (backend/sync_api/lean.py). */
type ClosedRow = NonNullable<PullAnswer['closed']>[number];

export interface PullReport {
  pages: number;
  changes: number;
  reset: boolean;
  /** Bytes received (compressed when the server said how many), for the progress line. */
  bytes: number;
}

/** What a running pull has received and how long the rest should take on this link. */
export interface PullProgress {
  bytes: number;
  changes: number;
  /** Seconds still to go at the bytes per change and the rate seen so far; null when unknown. */
  etaSeconds: number | null;
}

/** A closed row as the change the store applies: a dossier without its form (`summary`). */
export function closedChange(row: ClosedRow): PullChange {
  const [id, version, household_id, procedure_code, status, outcome, received_on] = row;
  return { entity: 'dossier', id, version, summary: true, data: { household_id, procedure_code, status, outcome, received_at: received_on } };
}

/** The estimate: bytes per change so far × changes still to come ÷ bytes per second so far. */
export function pullEta(bytes: number, changes: number, remaining: number | undefined, elapsedMs: number): number | null {
  if (remaining === undefined || changes === 0 || bytes === 0 || elapsedMs <= 0) return null;
  return Math.ceil(((bytes / changes) * remaining) / (bytes / (elapsedMs / 1000)));
}

/** Forget a failed catch-up page (tests only). */
export function resetPullPagingForTests(): void {
  catchUpFailed = false;
}

interface FetchedPage {
  body: PullBody;
  ms: number;
  bytes: number;
}

async function fetchPage(cursor: unknown, limit: number, d: LangsoDB): Promise<FetchedPage> {
  const params = new URLSearchParams({ limit: String(limit), view: PULL_VIEW });
  if (typeof cursor === 'string' && cursor) params.set('cursor', cursor);
  const started = Date.now();
  try {
    const response = await request(`/api/sync/pull?${params.toString()}`, { d, timeoutMs: 60_000 });
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new OfflineError(error); // a body cut off mid-way is a network failure
    }
    // What crossed the link: the compressed length when the server sent one.
    const bytes = Number(response.headers.get('Content-Length')) || new TextEncoder().encode(text).byteLength;
    return { body: JSON.parse(text) as PullBody, ms: Date.now() - started, bytes };
  } catch (error) {
    if (limit > PULL_LIMIT) catchUpFailed = true;
    throw error;
  }
}

/**
 * Pull until `more` is false. The next page is requested while the current one is written to
 * IndexedDB (the network and the database overlap); pages are still applied strictly in order,
 * each with its cursor, and a page whose application fails is never followed by the prefetched
 * one (it is dropped and pulled again next time from the stored cursor).
 */
export async function pullAll(d: LangsoDB = db(), onProgress?: (p: PullProgress) => void): Promise<PullReport> {
  const report: PullReport = { pages: 0, changes: 0, reset: false, bytes: 0 };
  const stored = (await d.relaxed().meta.get(META_KEYS.cursor))?.value;
  const started = Date.now();
  let next: Promise<FetchedPage> = fetchPage(stored, PULL_LIMIT, d);
  for (let page = 0; page < MAX_PAGES; page++) {
    const { body, ms, bytes } = await next;
    if (typeof body.cursor !== 'string' || !Array.isArray(body.changes)) throw new Error('malformed pull answer');
    const closed = Array.isArray(body.closed) ? body.closed.map(closedChange) : [];
    const limit = nextPageLimit(bytes, body.changes.length + closed.length, ms, catchUpFailed);
    if (body.more) {
      next = fetchPage(body.cursor, limit, d);
      next.catch(() => undefined); // observed below, or abandoned if this page fails to apply
    }
    const changes = closed.length > 0 ? [...body.changes, ...closed] : body.changes;
    await applyPullPage(changes, body.reset === true, body.cursor, d);
    report.pages++;
    report.changes += changes.length;
    report.bytes += bytes;
    report.reset ||= body.reset === true;
    onProgress?.({ bytes: report.bytes, changes: report.changes, etaSeconds: body.more ? pullEta(report.bytes, report.changes, body.remaining, Date.now() - started) : 0 });
    if (!body.more) break;
  }
  return report;
}
