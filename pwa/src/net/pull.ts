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
import { requestJson } from '../api/http';

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
/**
 * Set when a catch-up page failed (timeout, dropped link): later pulls of this app session keep to
 * PULL_LIMIT, so a link that cannot carry big pages is never retried into the same failure.
 */
let catchUpFailed = false;
const MAX_PAGES = 500;

/** The answer as the server types it (PullOut); its `changes` are applied as PullChange. */
type PullBody = Omit<PullAnswer, 'changes'> & { changes?: PullChange[] };

export interface PullReport {
  pages: number;
  changes: number;
  reset: boolean;
}

/** Forget a failed catch-up page (tests only). */
export function resetPullPagingForTests(): void {
  catchUpFailed = false;
}

interface FetchedPage {
  body: PullBody;
  ms: number;
}

async function fetchPage(cursor: unknown, limit: number, d: LangsoDB): Promise<FetchedPage> {
  const params = new URLSearchParams({ limit: String(limit) });
  if (typeof cursor === 'string' && cursor) params.set('cursor', cursor);
  const started = Date.now();
  try {
    const body = await requestJson<PullBody>(`/api/sync/pull?${params.toString()}`, { d, timeoutMs: 60_000 });
    return { body, ms: Date.now() - started };
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
export async function pullAll(d: LangsoDB = db()): Promise<PullReport> {
  const report: PullReport = { pages: 0, changes: 0, reset: false };
  const stored = (await d.relaxed().meta.get(META_KEYS.cursor))?.value;
  let next: Promise<FetchedPage> = fetchPage(stored, PULL_LIMIT, d);
  for (let page = 0; page < MAX_PAGES; page++) {
    const { body, ms } = await next;
    if (typeof body.cursor !== 'string' || !Array.isArray(body.changes)) throw new Error('malformed pull answer');
    // Grow only after a fast page; any slow page (of either size) goes back to small ones.
    const limit = !catchUpFailed && ms < FAST_PAGE_MS ? PULL_LIMIT_CATCH_UP : PULL_LIMIT;
    if (body.more) {
      next = fetchPage(body.cursor, limit, d);
      next.catch(() => undefined); // observed below, or abandoned if this page fails to apply
    }
    const changes = body.changes;
    await applyPullPage(changes, body.reset === true, body.cursor, d);
    report.pages++;
    report.changes += changes.length;
    report.reset ||= body.reset === true;
    if (!body.more) break;
  }
  return report;
}
