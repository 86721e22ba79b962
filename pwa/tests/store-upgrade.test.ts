import { describe, expect, it } from 'vitest';
import { CURRENT_VERSION, SCHEMA_HISTORY } from '../src/store/schema';
import { upgradeFrom } from './store-harness';

describe('schema history', () => {
  it('starts at version 1 and increases by one each step', () => {
    SCHEMA_HISTORY.forEach((v, i) => {
      expect(v.version).toBe(i + 1);
    });
    expect(CURRENT_VERSION).toBe(SCHEMA_HISTORY.length);
  });

  it('declares every table the app uses in version 1', () => {
    expect(Object.keys(SCHEMA_HISTORY[0]!.stores).sort()).toEqual(
      ['blobs', 'conflicts', 'dossiers', 'households', 'members', 'meta', 'outbox', 'procedures', 'receipts', 'villages'].sort(),
    );
  });
});

describe('upgrade from v1 to the current version', () => {
  it('keeps v1 rows, including the outbox and its sequence numbers', async () => {
    const db = await upgradeFrom(1, async (old) => {
      await old.table('meta').put({ key: 'device_id', value: 'dev-1' });
      await old.table('households').add({ id: 'h1', village_id: 'v1', head_name: 'Nguyễn Văn A', address: 'Xóm 1', search_key: 'nguyen van a xom 1', updated_at: '2024-01-01T00:00:00.000Z' });
      await old.table('members').add({ id: 'm1', household_id: 'h1', full_name: 'Nguyễn Văn A', relationship: 'chu_ho', search_key: 'nguyen van a', updated_at: '2024-01-01T00:00:00.000Z' });
      await old.table('outbox').add({ entity: 'member', entity_id: 'm1', op: 'create', fields: { full_name: 'Nguyễn Văn A' }, created_at: '2024-01-01T00:00:00.000Z' });
      await old.table('outbox').add({ entity: 'member', entity_id: 'm1', op: 'update', fields: { phone: '0912345678' }, created_at: '2024-01-01T00:00:01.000Z' });
    });

    expect(db.verno).toBe(CURRENT_VERSION);
    expect((await db.meta.get('device_id'))?.value).toBe('dev-1');
    expect(await db.households.where('village_id').equals('v1').count()).toBe(1);
    expect(await db.members.where('household_id').equals('h1').count()).toBe(1);
    const outbox = await db.outbox.orderBy('seq').toArray();
    expect(outbox.map((o) => [o.seq, o.op])).toEqual([
      [1, 'create'],
      [2, 'update'],
    ]);
    // New entries continue the sequence instead of reusing numbers.
    const next = await db.outbox.add({ entity: 'member', entity_id: 'm1', op: 'update', fields: {}, created_at: '2024-01-02T00:00:00.000Z' });
    expect(next).toBe(3);
    db.close();
  });
});

describe('schema v2 (outbox state, tasks, results)', () => {
  it('v2 marks every v1 outbox row pending (none is lost or treated as sent) and opens v1 conflicts', async () => {
    const db = await upgradeFrom(1, async (old) => {
      await old.table('outbox').add({ entity: 'member', entity_id: 'm1', op: 'create', fields: { full_name: 'Lò Văn Hùng' }, created_at: '2024-01-01T00:00:00.000Z' });
      await old.table('outbox').add({ entity: 'member', entity_id: 'm1', op: 'update', fields: { phone: '0912345678' }, created_at: '2024-01-01T00:00:01.000Z' });
      await old.table('conflicts').add({ id: 'c1', entity: 'member', entity_id: 'm1', local: 'a', remote: 'b', created_at: '2024-01-01T00:00:00.000Z' });
    });
    expect(await db.outbox.where('state').equals('pending').count()).toBe(2);
    expect((await db.outbox.orderBy('seq').toArray()).map((r) => r.fields)).toEqual([{ full_name: 'Lò Văn Hùng' }, { phone: '0912345678' }]);
    expect(await db.conflicts.where('status').equals('open').count()).toBe(1);
    await db.tasks.put({ id: 't1', dossier_id: 'd1', kind: 'supplement_request', status: 'open', version: 1 });
    await db.results.put({ id: 'r1', dossier_id: 'd1', version: 1, data: {} });
    expect(await db.tasks.where('dossier_id').equals('d1').count()).toBe(1);
    expect(await db.results.where('dossier_id').equals('d1').count()).toBe(1);
    db.close();
  });
});
