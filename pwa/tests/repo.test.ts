import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LangsoDB } from '../src/store/db';
import { householdSearchKey } from '../src/store/search';
import { ensureDeviceId, saveMember, searchHouseholds } from '../src/store/repo';
import { freshDb } from './store-harness';

let db: LangsoDB;
const T0 = '2024-01-01T00:00:00.000Z';

beforeEach(async () => {
  db = freshDb();
  await db.households.bulkAdd([
    { id: 'h1', village_id: 'v1', head_name: 'Nguyễn Văn An', address: 'Xóm Đồng', search_key: householdSearchKey('Nguyễn Văn An', 'Xóm Đồng', []), updated_at: T0 },
    { id: 'h2', village_id: 'v1', head_name: 'Trần Thị Bình', address: 'Xóm Chùa', search_key: householdSearchKey('Trần Thị Bình', 'Xóm Chùa', []), updated_at: T0 },
    { id: 'h3', village_id: 'v2', head_name: 'Nguyễn Văn Ba', address: 'Xóm Đồng', search_key: householdSearchKey('Nguyễn Văn Ba', 'Xóm Đồng', []), updated_at: T0 },
  ]);
});
afterEach(() => db.close());

describe('household search', () => {
  it('finds households of one village by accent-free tokens', async () => {
    expect((await searchHouseholds('v1', 'xom dong', db)).map((h) => h.id)).toEqual(['h1']);
    expect((await searchHouseholds('v1', '', db)).map((h) => h.id)).toEqual(['h1', 'h2']);
  });

  it('finds a household by a member added later', async () => {
    await saveMember('h2', undefined, { full_name: 'Lê Văn Cường', relationship: 'con' }, db);
    expect((await searchHouseholds('v1', 'cuong', db)).map((h) => h.id)).toEqual(['h2']);
  });
});

describe('saveMember', () => {
  it('writes the member and an unsigned create draft to the outbox', async () => {
    const m = await saveMember('h1', undefined, { full_name: '  Nguyễn Thị Hoa ', relationship: 'con', phone: '' }, db);
    expect(m).toMatchObject({ household_id: 'h1', full_name: 'Nguyễn Thị Hoa', search_key: 'nguyen thi hoa', pending: true });
    const outbox = await db.outbox.toArray();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      seq: 1,
      entity: 'member',
      entity_id: m.id,
      op: 'create',
      fields: { full_name: 'Nguyễn Thị Hoa', relationship: 'con', household_id: 'h1' },
    });
    expect(outbox[0]!.fields).not.toHaveProperty('phone');
  });

  it('queues only changed fields on update, and null for a cleared field', async () => {
    const m = await saveMember('h1', undefined, { full_name: 'Nguyễn Thị Hoa', relationship: 'con', phone: '0912345678' }, db);
    await saveMember('h1', m.id, { full_name: 'Nguyễn Thị Hoa', relationship: 'con', date_of_birth: '2001-02-03' }, db);
    const update = (await db.outbox.orderBy('seq').toArray())[1]!;
    expect(update.op).toBe('update');
    expect(update.fields).toEqual({ date_of_birth: '2001-02-03', phone: null });
    expect(await db.members.get(m.id)).not.toHaveProperty('phone');
  });

  it('queues nothing when an edit changes nothing', async () => {
    const m = await saveMember('h1', undefined, { full_name: 'Nguyễn Thị Hoa', relationship: 'con' }, db);
    await saveMember('h1', m.id, { full_name: 'Nguyễn Thị Hoa', relationship: 'con', phone: undefined }, db);
    expect(await db.outbox.count()).toBe(1);
  });

  it('rejects a household that is not on the device and writes nothing', async () => {
    await expect(saveMember('nope', undefined, { full_name: 'A', relationship: 'con' }, db)).rejects.toThrow();
    expect(await db.outbox.count()).toBe(0);
    expect(await db.members.count()).toBe(0);
  });
});

describe('device id', () => {
  it('is created once and then stable', async () => {
    const a = await ensureDeviceId(db);
    expect(await ensureDeviceId(db)).toBe(a);
  });
});
