// @vitest-environment node
import { VaultLocked } from '../src/store/vault';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setUnlocked } from '../src/device/lock';
import { runOnce, resetSyncForTests } from '../src/net/sync';
import { householdSearchKey } from '../src/store/search';
import { ensureDeviceId, NotOnDevice, saveHousehold, saveMember, searchHouseholds } from '../src/store/repo';
import type { SignedOutboxRow } from '../src/store/outbox';
import { decodeSignedMutation } from '../src/sync/mutations';
import { HH, loggedIn, MEMBER, teardown, type World } from './sync-helpers';

let w: World;
const T0 = '2024-01-01T00:00:00.000Z';
const H2 = '55555555-5555-4555-8555-555555555555';
const H3 = '66666666-6666-4666-8666-666666666666';

beforeEach(async () => {
  resetSyncForTests();
  w = await loggedIn();
  await w.d.households.bulkAdd([
    { id: HH, village_id: 'v1', head_name: 'Nguyễn Văn An', address: 'Xóm Đồng', search_key: householdSearchKey('Nguyễn Văn An', 'Xóm Đồng', []), updated_at: T0, version: 4, members: [MEMBER] },
    { id: H2, village_id: 'v1', head_name: 'Trần Thị Bình', address: 'Xóm Chùa', search_key: householdSearchKey('Trần Thị Bình', 'Xóm Chùa', []), updated_at: T0, version: 1 },
    { id: H3, village_id: 'v2', head_name: 'Nguyễn Văn Ba', address: 'Xóm Đồng', search_key: householdSearchKey('Nguyễn Văn Ba', 'Xóm Đồng', []), updated_at: T0, version: 1 },
  ]);
  await w.d.members.add({ id: MEMBER, household_id: HH, full_name: 'Nguyễn Văn An', relationship: 'chu_ho', phone: '0912345678', search_key: 'nguyen van an', version: 2, updated_at: T0 });
});
afterEach(() => {
  resetSyncForTests();
  teardown(w);
});

/** The signed mutation of an outbox row, verified with the device's public key. */
async function signed(row: unknown): Promise<Record<string, unknown>> {
  const r = row as SignedOutboxRow;
  expect(r.payload).toBeTypeOf('string');
  return (await decodeSignedMutation(r.payload, r.sig, w.device.alg, w.device.public_key)) as unknown as Record<string, unknown>;
}

describe('household search', () => {
  it('finds households of one village by accent-free tokens', async () => {
    expect((await searchHouseholds('v1', 'xom dong', w.d)).map((h) => h.id)).toEqual([HH]);
    expect((await searchHouseholds('v1', '', w.d)).map((h) => h.id)).toEqual([HH, H2]);
  });

  it('finds a household by a member added later', async () => {
    await saveMember(H2, undefined, { full_name: 'Lê Văn Cường', relationship: 'con' }, w.d);
    expect((await searchHouseholds('v1', 'cuong', w.d)).map((h) => h.id)).toEqual([H2]);
  });
});

describe('saveMember: a new member', () => {
  it('is one signed create (base 0, household_id, only non-empty fields) stored with the row', async () => {
    const m = await saveMember(HH, undefined, { full_name: '  Nguyễn Thị Hoa ', relationship: 'con', phone: '' }, w.d);
    expect(m).toMatchObject({ household_id: HH, full_name: 'Nguyễn Thị Hoa', search_key: 'nguyen thi hoa', pending: true });
    const outbox = await w.d.outbox.toArray();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ entity: 'member', entity_id: m.id, op: 'create', base: 0, n: 1, state: 'pending' });
    const mutation = await signed(outbox[0]);
    expect(mutation).toMatchObject({ entity: 'member', entity_id: m.id, op: 'create', base: 0, n: 1, device: w.device.id });
    expect(mutation['fields']).toEqual({ full_name: 'Nguyễn Thị Hoa', relationship: 'con', household_id: HH });
    expect(await w.d.members.get(m.id)).toMatchObject({ pending: true, full_name: 'Nguyễn Thị Hoa' });
  });

  it('joins the local members union list of the household; no separate household mutation (the server adds it)', async () => {
    const m = await saveMember(HH, undefined, { full_name: 'Nguyễn Thị Hoa', relationship: 'con' }, w.d);
    expect((await w.d.households.get(HH))?.members).toEqual([MEMBER, m.id].sort());
    expect((await w.d.outbox.toArray()).map((r) => r.entity)).toEqual(['member']);
  });

  it('becomes the head name when it is the head of a household without one', async () => {
    await saveMember(H3, undefined, { full_name: 'Vàng Thị Dính', relationship: 'chu_ho' }, w.d);
    expect((await w.d.households.get(H3))?.head_name).toBe('Vàng Thị Dính');
  });
});

describe('saveMember: an edit', () => {
  it('is a signed update based on the server version seen, with only the changed fields (null = cleared)', async () => {
    await saveMember(HH, MEMBER, { full_name: 'Nguyễn Văn An', relationship: 'chu_ho', date_of_birth: '1980-02-03' }, w.d);
    const [row] = await w.d.outbox.toArray();
    const mutation = await signed(row);
    expect(mutation).toMatchObject({ op: 'update', base: 2, entity: 'member', entity_id: MEMBER });
    expect(mutation['fields']).toEqual({ date_of_birth: '1980-02-03', phone: null });
    const stored = await w.d.members.get(MEMBER);
    expect(stored).not.toHaveProperty('phone');
    expect(stored).toMatchObject({ date_of_birth: '1980-02-03', pending: true, version: 2 });
  });

  it('of a member created on this device (no version yet) is based on version 1, the one its create makes', async () => {
    const m = await saveMember(HH, undefined, { full_name: 'Nguyễn Thị Hoa', relationship: 'con' }, w.d);
    await saveMember(HH, m.id, { full_name: 'Nguyễn Thị Hoa', relationship: 'con', ethnicity: 'Kinh' }, w.d);
    const rows = await w.d.outbox.orderBy('seq').toArray();
    expect(rows.map((r) => [r.op, r.base, r.n])).toEqual([
      ['create', 0, 1],
      ['update', 1, 2],
    ]);
    expect((await signed(rows[1]))['fields']).toEqual({ ethnicity: 'Kinh' });
  });

  it('is based on the row the form was loaded from, and keeps later pulled values of untouched fields', async () => {
    const loaded = (await w.d.members.get(MEMBER))!;
    // A pull lands while the form is open: version 3 with a new note.
    await w.d.members.update(MEMBER, { version: 3, notes: 'Đi làm xa' });
    await saveMember(HH, MEMBER, { full_name: 'Nguyễn Văn An', relationship: 'chu_ho', phone: '0987654321' }, w.d, loaded);
    const mutation = await signed((await w.d.outbox.toArray())[0]);
    expect(mutation).toMatchObject({ base: 2, fields: { phone: '0987654321' } });
    expect(await w.d.members.get(MEMBER)).toMatchObject({ phone: '0987654321', notes: 'Đi làm xa', version: 3 });
  });

  it('that changes nothing queues nothing', async () => {
    await saveMember(HH, MEMBER, { full_name: 'Nguyễn Văn An', relationship: 'chu_ho', phone: '0912345678', notes: undefined }, w.d);
    expect(await w.d.outbox.count()).toBe(0);
  });

  it('renaming the head updates the household name and search key in the same write', async () => {
    await saveMember(HH, MEMBER, { full_name: 'Nguyễn Văn Ân', relationship: 'chu_ho', phone: '0912345678' }, w.d);
    const h = await w.d.households.get(HH);
    expect(h?.head_name).toBe('Nguyễn Văn Ân');
    expect((await searchHouseholds('v1', 'nguyen van an', w.d)).map((x) => x.id)).toEqual([HH]);
  });
});

describe('saveMember refuses and writes nothing', () => {
  it('for a household that is not on the device', async () => {
    await expect(saveMember('nope', undefined, { full_name: 'A', relationship: 'con' }, w.d)).rejects.toBeInstanceOf(NotOnDevice);
    expect(await w.d.outbox.count()).toBe(0);
    expect(await w.d.members.count()).toBe(1);
  });

  it('for a member of another household', async () => {
    await expect(saveMember(H2, MEMBER, { full_name: 'A', relationship: 'con' }, w.d)).rejects.toBeInstanceOf(NotOnDevice);
    expect(await w.d.outbox.count()).toBe(0);
  });

  it('while the app is locked (no signature, so no row either)', async () => {
    setUnlocked(false);
    const err = await saveMember(HH, undefined, { full_name: 'Nguyễn Thị Hoa', relationship: 'con' }, w.d).catch((e: unknown) => e);
    // Locking forgets the data key (branch vault): the household cannot even be read.
    expect(err).toBeInstanceOf(VaultLocked);
    expect(await w.d.outbox.count()).toBe(0);
    expect(await w.d.members.count()).toBe(1);
  });
});

describe('saveHousehold', () => {
  it('is one signed update of the changed fields based on the version seen', async () => {
    const h = await saveHousehold(HH, { address: 'Xóm  Đồng Mới', notes: 'Nhà sàn' }, w.d);
    expect(h).toMatchObject({ address: 'Xóm  Đồng Mới', notes: 'Nhà sàn', pending: true, version: 4 });
    const mutation = await signed((await w.d.outbox.toArray())[0]);
    expect(mutation).toMatchObject({ entity: 'household', entity_id: HH, op: 'update', base: 4, fields: { address: 'Xóm  Đồng Mới', notes: 'Nhà sàn' } });
    expect((await searchHouseholds('v1', 'moi', w.d)).map((x) => x.id)).toEqual([HH]);
  });

  it('sends a cleared field as null and leaves absent fields alone', async () => {
    await w.d.households.update(HH, { notes: 'cũ' });
    await saveHousehold(HH, { notes: '' }, w.d);
    const mutation = await signed((await w.d.outbox.toArray())[0]);
    expect(mutation['fields']).toEqual({ notes: null });
    expect(await w.d.households.get(HH)).toMatchObject({ address: 'Xóm Đồng' });
    expect(await w.d.households.get(HH)).not.toHaveProperty('notes');
  });

  it('queues nothing when nothing changes', async () => {
    await saveHousehold(HH, { address: 'Xóm Đồng' }, w.d);
    expect(await w.d.outbox.count()).toBe(0);
  });
});

describe('the sync loop', () => {
  it('pushes member edits exactly as signed at save time (it signs nothing itself)', async () => {
    const m = await saveMember(HH, undefined, { full_name: 'Nguyễn Thị Hoa', relationship: 'con' }, w.d);
    const before = (await w.d.outbox.toArray())[0]!;
    await runOnce(w.d);
    const stored = [...w.server.stored.values()].map((x) => x.payload);
    expect(stored).toEqual([before.payload]);
    expect(await w.d.outbox.get(before.seq!)).toMatchObject({ state: 'done', payload: before.payload });
    expect((await w.d.members.get(m.id))?.pending).toBe(false);
  });

  it('signs rows an earlier app version left unsigned, once, before pushing them in chain order', async () => {
    // As repo.saveMember of schema v1–v3 queued it: no payload, no signature.
    await w.d.outbox.add({ entity: 'member', entity_id: MEMBER, op: 'update', fields: { notes: 'Cũ' }, created_at: T0 });
    await runOnce(w.d);
    const rows = await w.d.outbox.orderBy('seq').toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ n: 1, base: 2, state: 'done' });
    const mutation = await signed(rows[0]);
    expect(mutation).toMatchObject({ op: 'update', base: 2, fields: { notes: 'Cũ' } });
    expect(w.server.stored.size).toBe(1);
  });
});

describe('device id', () => {
  it('is created once and then stable', async () => {
    const a = await ensureDeviceId(w.d);
    expect(await ensureDeviceId(w.d)).toBe(a);
  });
});
