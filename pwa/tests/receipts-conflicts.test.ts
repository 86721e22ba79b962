// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openConflicts, refreshConflicts, resolveConflict } from '../src/net/conflicts';
import { refreshKeys } from '../src/net/keys';
import { KEYS_META_KEY, reverifyPending, verifyReceipt } from '../src/verify/receipts';
import { GENESIS } from '../src/sync/hashing';
import type { Mutation } from '../src/sync/mutations';
import { DOSSIER, HH, loggedIn, MEMBER, teardown, type World } from './sync-helpers';

let w: World | undefined;
beforeEach(async () => {
  w = await loggedIn();
});
afterEach(() => {
  teardown(w);
  w = undefined;
});

const HASH = 'ab'.repeat(32);
const fakeSubmit = { entity_id: DOSSIER, hash: HASH } as unknown as Mutation;

describe('receipts, verified offline', () => {
  it('valid with the cached commune key; tampering with any covered fact makes it invalid', async () => {
    const { d, server } = w!;
    const keys = (await refreshKeys(d))!.keys;
    const receipt = await server.receiptFor(fakeSubmit);
    expect((await verifyReceipt(receipt, DOSSIER, HASH, keys)).verdict).toBe('valid');
    expect((await verifyReceipt(receipt, DOSSIER, GENESIS, keys)).verdict).toBe('invalid'); // other content
    expect((await verifyReceipt(receipt, HH, HASH, keys)).verdict).toBe('invalid'); // other dossier
    const edited = { ...receipt, payload: receipt.payload.replace('08:00:00.000Z', '09:00:00.000Z') };
    expect(await verifyReceipt(edited, DOSSIER, HASH, keys)).toMatchObject({ verdict: 'invalid', reason_vi: expect.stringContaining('Chữ ký') });
    expect((await verifyReceipt({ payload: 1 }, DOSSIER, HASH, keys)).verdict).toBe('invalid');
  });

  it('is "unverified" until the key is known, then re-verified from the cache without the network', async () => {
    const { d, server } = w!;
    const receipt = await server.receiptFor(fakeSubmit);
    const row = await verifyReceipt(receipt, DOSSIER, HASH, []);
    expect(row.verdict).toBe('unverified');
    await d.receipts.put(row);
    await d.dossiers.put({ id: DOSSIER, household_id: HH, procedure_code: 'x', procedure_version: 1, status: 'submitted', sync_state: 'synced', values: {}, updated_at: '2026-01-01T00:00:00.000Z', receipt: { id: HASH, verdict: 'unverified' } });
    await refreshKeys(d);
    server.offline = true;
    expect(await reverifyPending(d)).toBe(1);
    expect((await d.receipts.get(HASH))?.verdict).toBe('valid');
    expect((await d.dossiers.get(DOSSIER))?.receipt?.verdict).toBe('valid');
    expect((await d.meta.get(KEYS_META_KEY))?.value).toBeDefined();
  });
});

describe('conflict inbox', () => {
  it('lists the server\u2019s open conflicts, resolves one online, and closes the ones the server closed', async () => {
    const { d, server } = w!;
    const base = { entity: 'member', entity_id: MEMBER, base_value: 'Giàng A Páo', status: 'open', mutation_id: null, resolved_value: null, created_at: '2026-03-02T08:00:00Z' };
    server.conflicts = [
      { ...base, id: 'c1', field: 'full_name', current_value: 'Giàng A Pao', proposed_value: 'Giàng Á Páo' },
      { ...base, id: 'c2', field: 'cccd', current_value: '012090123456', proposed_value: '012090123457' },
    ];
    expect(await refreshConflicts(d)).toBe(2);
    const open = await openConflicts(d);
    expect(open.map((c) => c.id).sort()).toEqual(['c1', 'c2']);
    expect(open.find((c) => c.id === 'c1')).toMatchObject({ local: 'Giàng Á Páo', remote: 'Giàng A Pao', field: 'full_name' });
    await resolveConflict('c1', 'Giàng Á Páo', d);
    expect(server.conflicts[0]).toMatchObject({ status: 'resolved', resolved_value: 'Giàng Á Páo' });
    expect((await d.conflicts.get('c1'))?.status).toBe('resolved');
    server.conflicts[1]!.status = 'resolved'; // resolved elsewhere (officer)
    await refreshConflicts(d);
    expect(await openConflicts(d)).toEqual([]);
  });
});
