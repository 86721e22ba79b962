// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAST_PAGE_MS, PULL_LIMIT, PULL_LIMIT_CATCH_UP, pullAll, resetPullPagingForTests } from '../src/net/pull';
import { queueMutation } from '../src/store/outbox';
import { searchHouseholds } from '../src/store/repo';
import { META_KEYS } from '../src/store/types';
import { DOSSIER, HH, loggedIn, MEMBER, teardown, type World } from './sync-helpers';

let w: World | undefined;
beforeEach(async () => {
  w = await loggedIn();
});
afterEach(() => {
  teardown(w);
  w = undefined;
  resetPullPagingForTests();
  vi.restoreAllMocks();
});

const V = 'v0000000-0000-4000-8000-000000000001';
const household = (version: number, extra: Record<string, unknown> = {}) => ({
  entity: 'household',
  id: HH,
  version,
  data: { village_id: V, address: 'Bản Nậm Khăn', head_member_id: MEMBER, notes: null, members: [MEMBER], ...extra },
});
const member = (version: number, extra: Record<string, unknown> = {}) => ({
  entity: 'member',
  id: MEMBER,
  version,
  data: { household_id: HH, full_name: 'Giàng A Páo', date_of_birth: '1990-05-12', sex: 'male', cccd: null, phone: '0912345678', relationship: 'chu_ho', ethnicity: 'Mông', notes: null, ...extra },
});

describe('pull', () => {
  it('applies households, members, dossiers, tasks and results, page by page, and stores the cursor', async () => {
    const { d, server } = w!;
    server.changes = [
      household(1),
      member(1),
      { entity: 'dossier', id: DOSSIER, version: 3, data: { procedure_code: 'khai-sinh', procedure_version: 1, applicant_member_id: MEMBER, household_id: HH, village_id: V, status: 'supplement_requested', outcome: null, official_code: '123-260302-0001', received_at: '2026-03-02T08:00:00Z', due_date: '2026-03-09', form_data: { child_full_name: 'Giàng A Lử' }, components: {}, revision: 'ab'.repeat(32) } },
      { entity: 'task', id: 'task-1', version: 1, data: { kind: 'supplement_request', dossier_id: DOSSIER, status: 'open', reason: 'Ảnh giấy chứng sinh bị mờ', items: [], requested_at: '2026-03-03T08:00:00Z', requested_by_name: 'Cán bộ', closed_at: null, official_code: null } },
      { entity: 'result', id: 'res-1', version: 1, data: { dossier_id: DOSSIER, outcome: 'approved' } },
      { entity: 'something_new', id: 'x', version: 1, data: {} },
    ];
    const { setTransport } = await import('../src/api/http');
    const pages: string[] = [];
    setTransport(async (input, init) => {
      pages.push(String(input));
      return server.fetch(String(input).replace(/limit=\d+/, 'limit=2'), init);
    });
    const report = await pullAll(d);
    expect(report).toMatchObject({ pages: 3, changes: 6, reset: false });
    expect(pages[1]).toContain('cursor=2');
    expect((await d.meta.get(META_KEYS.cursor))?.value).toBe('6');
    expect(await d.households.get(HH)).toMatchObject({ village_id: V, head_name: 'Giàng A Páo', version: 1, pending: false });
    expect((await searchHouseholds(V, 'giang pao', d)).map((h) => h.id)).toEqual([HH]);
    expect(await d.members.get(MEMBER)).toMatchObject({ full_name: 'Giàng A Páo', phone: '0912345678', version: 1 });
    expect((await d.members.get(MEMBER))?.cccd).toBeUndefined();
    expect(await d.dossiers.get(DOSSIER)).toMatchObject({ status: 'supplement_requested', sync_state: 'synced', values: { child_full_name: 'Giàng A Lử' }, server: { version: 3, official_code: '123-260302-0001' } });
    expect(await d.tasks.get('task-1')).toMatchObject({ dossier_id: DOSSIER, reason: 'Ảnh giấy chứng sinh bị mờ', status: 'open' });
    expect(await d.results.get('res-1')).toMatchObject({ dossier_id: DOSSIER });

    // Next pull starts at the stored cursor and finds nothing new.
    pages.length = 0;
    expect((await pullAll(d)).changes).toBe(0);
    expect(pages[0]).toContain('cursor=6');
  });

  it('keeps local pending fields on top of the server values', async () => {
    const { d, server } = w!;
    server.changes = [household(1), member(1)];
    await pullAll(d);
    await queueMutation({ entity: 'member', entity_id: MEMBER, op: 'update', base: 1, fields: { phone: '0987654321' } }, {}, d);
    server.changes.push(member(2, { phone: '0911111111', ethnicity: 'Thái' }));
    await pullAll(d);
    expect(await d.members.get(MEMBER)).toMatchObject({ phone: '0987654321', ethnicity: 'Thái', version: 2, pending: true });
  });

  it('ignores a server delete of a row with pending work, and older versions', async () => {
    const { d, server } = w!;
    server.changes = [household(1), member(3)];
    await pullAll(d);
    server.changes.push(member(2, { full_name: 'Cũ' }));
    await pullAll(d);
    expect((await d.members.get(MEMBER))?.full_name).toBe('Giàng A Páo');
    await queueMutation({ entity: 'member', entity_id: MEMBER, op: 'update', base: 3, fields: { notes: 'x' } }, {}, d);
    server.changes.push({ entity: 'member', id: MEMBER, version: 4, data: null, deleted: true });
    await pullAll(d);
    expect(await d.members.get(MEMBER)).toBeDefined();
  });

  it('on reset, rebuilds the replica but keeps pending work and local drafts', async () => {
    const { d, server } = w!;
    const other = '55555555-5555-4555-8555-555555555555';
    server.changes = [household(1), member(1), { ...household(1), id: other }];
    await pullAll(d);
    await d.dossiers.put({ id: 'draft-1', household_id: HH, procedure_code: 'x', procedure_version: 1, status: 'draft', sync_state: 'local', values: {}, updated_at: '2026-01-01T00:00:00.000Z' });
    await queueMutation({ entity: 'member', entity_id: MEMBER, op: 'update', base: 1, fields: { notes: 'giữ lại' } }, { write: async () => void (await d.members.update(MEMBER, { notes: 'giữ lại' })) }, d);
    // The server's history was pruned; the other household is no longer visible to this user.
    server.changes = [household(2)];
    server.resetNext = true;
    const report = await pullAll(d);
    expect(report.reset).toBe(true);
    expect(await d.households.get(other)).toBeUndefined();
    expect(await d.households.get(HH)).toMatchObject({ version: 2 });
    expect(await d.members.get(MEMBER)).toMatchObject({ notes: 'giữ lại', pending: true });
    expect(await d.dossiers.get('draft-1')).toBeDefined();
    expect((await d.meta.get(META_KEYS.cursor))?.value).toBe('1');
  });
});

describe('pull page size', () => {
  const members = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ ...member(1, { full_name: `Người ${i}` }), id: `m-${String(i).padStart(4, '0')}` }));

  /** Routes pulls to the fake server, recording each asked limit; each request "takes" `ms(i)`. */
  async function recordLimits(ms: (i: number) => number, fail?: (i: number) => boolean): Promise<number[]> {
    const { server } = w!;
    const limits: number[] = [];
    let clock = 1_000_000;
    vi.spyOn(Date, 'now').mockImplementation(() => clock);
    const { setTransport } = await import('../src/api/http');
    setTransport(async (input, init) => {
      const i = limits.length;
      limits.push(Number(new URL(String(input), 'http://x').searchParams.get('limit')));
      clock += ms(i);
      if (fail?.(i)) throw new TypeError('network down');
      return server.fetch(String(input), init);
    });
    return limits;
  }

  it('asks for the server maximum after a fast page: 1,300 changes in 3 requests instead of 7', async () => {
    const { d, server } = w!;
    server.changes = members(1_300);
    const limits = await recordLimits(() => 50);
    const report = await pullAll(d);
    expect(limits).toEqual([PULL_LIMIT, PULL_LIMIT_CATCH_UP, PULL_LIMIT_CATCH_UP]);
    expect(report).toMatchObject({ pages: 3, changes: 1_300 });
    expect(await d.members.count()).toBe(1_300);
  }, 30_000);

  it('keeps small pages on a slow link, and drops back to them after a slow big page', async () => {
    const { d, server } = w!;
    server.changes = members(500);
    const slow = await recordLimits(() => FAST_PAGE_MS + 1);
    await pullAll(d);
    // Slow pages are sized to about 64 KB at the bytes per change seen (here ~270 B uncompressed).
    const sized = slow[1]!;
    expect(sized).toBeGreaterThanOrEqual(PULL_LIMIT);
    expect(sized).toBeLessThan(PULL_LIMIT_CATCH_UP);
    expect(slow).toEqual([PULL_LIMIT, sized, sized]);

    server.changes.push(...members(2_000).slice(500));
    const mixed = await recordLimits((i) => (i === 1 ? FAST_PAGE_MS * 5 : 10));
    await pullAll(d);
    expect([mixed[0], mixed[1], mixed[3]]).toEqual([PULL_LIMIT, PULL_LIMIT_CATCH_UP, PULL_LIMIT_CATCH_UP]);
    expect(Math.abs(mixed[2]! - sized)).toBeLessThanOrEqual(2); // back to the sized page (names differ in length)
    expect(await d.members.count()).toBe(2_000);
  }, 30_000);

  it('after a big page fails, keeps to small pages, and the failed page is pulled again', async () => {
    const { d, server } = w!;
    server.changes = members(1_500);
    const first = await recordLimits(() => 10, (i) => i === 1);
    await expect(pullAll(d)).rejects.toThrow();
    expect(first).toEqual([PULL_LIMIT, PULL_LIMIT_CATCH_UP]);
    expect(await d.members.count()).toBe(PULL_LIMIT);

    const again = await recordLimits(() => 10);
    await pullAll(d);
    expect(again.every((l) => l === PULL_LIMIT)).toBe(true);
    expect(await d.members.count()).toBe(1_500);
  }, 30_000);
});

describe('pull pipelining', () => {
  it('requests the next page while writing the current one, and never applies past a failed page', async () => {
    const { d, server } = w!;
    server.changes = [household(1), member(1), household(2), member(2)];
    const { setTransport } = await import('../src/api/http');
    const store = await import('../src/store/apply-pull');
    const requested: string[] = [];
    let secondRequested: () => void = () => undefined;
    const second = new Promise<void>((resolve) => (secondRequested = resolve));
    setTransport(async (input, init) => {
      requested.push(String(input));
      if (requested.length === 2) secondRequested();
      return server.fetch(String(input).replace(/limit=\d+/, 'limit=1'), init);
    });
    let calls = 0;
    const real = store.applyPullPage;
    const spy = vi.spyOn(store, 'applyPullPage').mockImplementation(async (...args) => {
      calls++;
      // page 1 is not written until page 2 has been requested: without the overlap this times out
      if (calls === 1) {
        await Promise.race([second, new Promise((_, reject) => setTimeout(() => reject(new Error('no prefetch')), 2000))]);
      }
      if (calls === 2) throw new Error('disk full');
      return real(...args);
    });
    await expect(pullAll(d)).rejects.toThrow('disk full');
    expect(spy).toHaveBeenCalledTimes(2);
    // only page 1 was applied, with its cursor: the next pull resumes from there
    expect((await d.meta.get(META_KEYS.cursor))?.value).toBe('1');
  });
});
