// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchWholeDossier } from '../src/net/dossier-fetch';
import { setTransport } from '../src/api/http';
import { closedChange, pullAll, pullEta, resetPullPagingForTests, type PullProgress } from '../src/net/pull';
import { META_KEYS } from '../src/store/types';
import { DOSSIER, HH, loggedIn, teardown, type World } from './sync-helpers';

let w: World | undefined;
beforeEach(async () => {
  w = await loggedIn();
});
afterEach(() => {
  teardown(w);
  w = undefined;
  resetPullPagingForTests();
});

const json = (body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json', ...headers } });

const CLOSED = 'dddddddd-dddd-4ddd-8ddd-000000000001';

describe('lean pull', () => {
  it('asks for the lean view, stores closed dossiers as summaries and reports bytes and an estimate', async () => {
    const { d } = w!;
    const asked: string[] = [];
    const pages = [
      { changes: [{ entity: 'household', id: HH, version: 1, data: { village_id: 'v1', address: 'Bản Nậm Khăn', head_member_id: null, notes: null, members: [] } }], closed: [[CLOSED, 4, HH, 'khai-sinh', 'result_returned', 'approved', '2025-11-03']], cursor: 'c1', more: true, remaining: 3 },
      { changes: [], closed: [], cursor: 'c2', more: false, remaining: 0 },
    ];
    setTransport(async (input) => {
      asked.push(String(input));
      return json(pages[asked.length - 1], { 'Content-Length': '1000' });
    });
    const progress: PullProgress[] = [];
    const report = await pullAll(d, (p) => progress.push(p));
    expect(asked.every((u) => u.includes('view=lean'))).toBe(true);
    expect(report).toMatchObject({ pages: 2, changes: 2, bytes: 2000 });
    // After the first page: 2 changes in 1,000 B, 3 rows to come → an estimate; none after the last page.
    expect(progress[0]).toMatchObject({ bytes: 1000, changes: 2 });
    expect(progress[0]!.etaSeconds).not.toBeNull();
    expect(progress[1]).toMatchObject({ bytes: 2000, etaSeconds: 0 });
    expect(await d.dossiers.get(CLOSED)).toMatchObject({
      household_id: HH, procedure_code: 'khai-sinh', status: 'result_returned', sync_state: 'synced', values: {},
      server: { version: 4, outcome: 'approved', received_at: '2025-11-03', summary: true },
    });
    expect((await d.meta.get(META_KEYS.cursor))?.value).toBe('c2');
  });

  it('fetches a closed dossier whole on demand, without moving the cursor', async () => {
    const { d } = w!;
    setTransport(async () => json({ changes: [], closed: [[DOSSIER, 2, HH, 'khai-sinh', 'withdrawn', null, null]], cursor: 'c1', more: false, remaining: 0 }));
    await pullAll(d);
    expect((await d.dossiers.get(DOSSIER))?.server?.summary).toBe(true);
    const asked: string[] = [];
    setTransport(async (input) => {
      asked.push(String(input));
      return json({ entity: 'dossier', id: DOSSIER, version: 2, deleted: false, data: { procedure_code: 'khai-sinh', procedure_version: 1, applicant_member_id: null, household_id: HH, village_id: 'v1', status: 'withdrawn', outcome: null, official_code: null, received_at: null, due_date: null, form_data: { child_full_name: 'Giàng A Lử' }, components: {}, revision: null } });
    });
    expect(await fetchWholeDossier(DOSSIER, d)).toBe(true);
    expect(asked).toEqual([`/api/sync/dossiers/${DOSSIER}`]);
    const row = await d.dossiers.get(DOSSIER);
    expect(row).toMatchObject({ status: 'withdrawn', values: { child_full_name: 'Giàng A Lử' }, server: { version: 2 } });
    expect(row?.server?.summary).toBeUndefined();
    expect((await d.meta.get(META_KEYS.cursor))?.value).toBe('c1');
  });

  it('a closed row is a dossier change marked as a summary; the estimate needs what is left', () => {
    expect(closedChange([CLOSED, 3, HH, 'khai-tu', 'stopped', null, null])).toEqual({
      entity: 'dossier', id: CLOSED, version: 3, summary: true,
      data: { household_id: HH, procedure_code: 'khai-tu', status: 'stopped', outcome: null, received_at: null },
    });
    // 100 changes in 30,000 B over 1 s (30 KB/s), 900 to come at 300 B each: 9 s.
    expect(pullEta(30_000, 100, 900, 1_000)).toBe(9);
    expect(pullEta(30_000, 100, undefined, 1_000)).toBeNull();
  });
});

describe('page sizes on a slow link', () => {
  it('about 64 KB per page at the bytes per change seen, between 200 and 1,000', async () => {
    const { nextPageLimit, PAGE_BYTES, PULL_LIMIT, PULL_LIMIT_CATCH_UP } = await import('../src/net/pull');
    expect(nextPageLimit(14_000, 200, 3_000, false)).toBe(Math.floor(PAGE_BYTES / 70)); // lean: 936
    expect(nextPageLimit(80_000, 200, 3_000, false)).toBe(PULL_LIMIT); // whole dossiers: stay small
    expect(nextPageLimit(2_000, 200, 3_000, false)).toBe(PULL_LIMIT_CATCH_UP); // tiny changes: the most
    expect(nextPageLimit(80_000, 200, 500, false)).toBe(PULL_LIMIT_CATCH_UP); // a fast link
    expect(nextPageLimit(14_000, 200, 500, true)).toBe(PULL_LIMIT); // a big page failed before
  });
});
