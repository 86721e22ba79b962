/**
 * Pull: GET /api/sync/pull from the stored cursor until `more` is false; each page is applied with
 * its cursor in one transaction (src/store/apply-pull.ts). `reset: true` → the replica is rebuilt
 * from that page on (pending work kept).
 */
import { applyPullPage, type PullChange } from '../store/apply-pull';
import { db, type LangsoDB } from '../store/db';
import { META_KEYS } from '../store/types';
import { requestJson } from './http';

export const PULL_LIMIT = 200;
const MAX_PAGES = 500;

interface PullBody {
  changes?: PullChange[];
  cursor?: string;
  more?: boolean;
  reset?: boolean;
}

export interface PullReport {
  pages: number;
  changes: number;
  reset: boolean;
}

export async function pullAll(d: LangsoDB = db()): Promise<PullReport> {
  const report: PullReport = { pages: 0, changes: 0, reset: false };
  for (let page = 0; page < MAX_PAGES; page++) {
    const cursor = (await d.meta.get(META_KEYS.cursor))?.value;
    const params = new URLSearchParams({ limit: String(PULL_LIMIT) });
    if (typeof cursor === 'string' && cursor) params.set('cursor', cursor);
    const body = await requestJson<PullBody>(`/api/sync/pull?${params.toString()}`, { d, timeoutMs: 60_000 });
    if (typeof body.cursor !== 'string' || !Array.isArray(body.changes)) throw new Error('malformed pull answer');
    const changes = body.changes;
    await applyPullPage(changes, body.reset === true, body.cursor, d);
    report.pages++;
    report.changes += changes.length;
    report.reset ||= body.reset === true;
    if (!body.more) break;
  }
  return report;
}
