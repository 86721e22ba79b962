// @vitest-environment node
/**
 * applyPullPage reads and writes entity rows in bulk (one bulkGet / bulkPut per table per page,
 * docs/benchmarks.md "Village load and search (PWA)"); these pin that the result is the same as
 * applying the changes one by one, in page order.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPullPage, type PullChange } from '../src/store/apply-pull';
import type { LangsoDB } from '../src/store/db';
import { searchHouseholds } from '../src/store/repo';
import { META_KEYS } from '../src/store/types';
import { freshDb } from './store-harness';

let d: LangsoDB;
beforeEach(() => {
  d = freshDb();
});
afterEach(() => d.close());

const V = 'v1';
const household = (id: string, version: number, head: string, extra: Record<string, unknown> = {}): PullChange => ({
  entity: 'household',
  id,
  version,
  data: { village_id: V, address: 'Bản Nậm Khăn', head_member_id: head, notes: null, members: [head], ...extra },
});
const member = (id: string, household_id: string, version: number, full_name: string, relationship = 'con'): PullChange => ({
  entity: 'member',
  id,
  version,
  data: { household_id, full_name, date_of_birth: null, sex: null, cccd: null, phone: null, relationship, ethnicity: 'Mông', notes: null },
});

describe('applyPullPage in bulk', () => {
  it('loads a village page: every row, head names and search keys from members of the same page', async () => {
    const changes: PullChange[] = [];
    for (let i = 0; i < 50; i++) {
      changes.push(household(`h${i}`, 1, `h${i}-m0`));
      changes.push(member(`h${i}-m0`, `h${i}`, 1, `Giàng A Páo ${i}`, 'chu_ho'));
      changes.push(member(`h${i}-m1`, `h${i}`, 1, `Vàng Thị Dính ${i}`));
    }
    const result = await applyPullPage(changes, false, 'c1', d);
    expect(result).toEqual({ applied: 150, skipped: 0 });
    expect(await d.households.count()).toBe(50);
    expect(await d.members.count()).toBe(100);
    expect(await d.households.get('h7')).toMatchObject({ head_name: 'Giàng A Páo 7', version: 1 });
    expect((await searchHouseholds(V, 'dinh 7', d)).map((h) => h.id)).toEqual(['h7']);
    expect((await d.meta.get(META_KEYS.cursor))?.value).toBe('c1');
  });

  it('applies repeated changes of one row in page order (the later version wins, an older one is skipped)', async () => {
    const result = await applyPullPage(
      [household('h1', 1, 'm1'), member('m1', 'h1', 1, 'Lò Văn A', 'chu_ho'), member('m1', 'h1', 3, 'Lò Văn Ba', 'chu_ho'), member('m1', 'h1', 2, 'Lò Văn Cũ', 'chu_ho')],
      false,
      'c1',
      d,
    );
    expect(result).toEqual({ applied: 3, skipped: 1 });
    expect(await d.members.get('m1')).toMatchObject({ full_name: 'Lò Văn Ba', version: 3 });
    expect((await d.households.get('h1'))?.head_name).toBe('Lò Văn Ba');
  });

  it('a delete after a put in the same page removes the row, and the household forgets the name', async () => {
    await applyPullPage([household('h1', 1, 'm1'), member('m1', 'h1', 1, 'Lò Văn A', 'chu_ho'), member('m2', 'h1', 1, 'Tẩn Thị Mẩy')], false, 'c1', d);
    expect((await searchHouseholds(V, 'may', d)).map((h) => h.id)).toEqual(['h1']);
    await applyPullPage([member('m2', 'h1', 2, 'Tẩn Thị Mẩy'), { entity: 'member', id: 'm2', version: 3, data: null, deleted: true }], false, 'c2', d);
    expect(await d.members.get('m2')).toBeUndefined();
    expect(await searchHouseholds(V, 'may', d)).toEqual([]);
  });

  it('a member moving to another household refreshes both households', async () => {
    await applyPullPage(
      [household('h1', 1, 'm1'), household('h2', 1, 'm2'), member('m1', 'h1', 1, 'Lò Văn A', 'chu_ho'), member('m2', 'h2', 1, 'Sùng A Lềnh', 'chu_ho'), member('m3', 'h1', 1, 'Lò Thị Xuân')],
      false,
      'c1',
      d,
    );
    await applyPullPage([member('m3', 'h2', 2, 'Lò Thị Xuân')], false, 'c2', d);
    expect((await searchHouseholds(V, 'xuan', d)).map((h) => h.id)).toEqual(['h2']);
  });
});
