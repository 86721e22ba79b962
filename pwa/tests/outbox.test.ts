// @vitest-environment node
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceError } from '../src/device/errors';
import { setUnlocked } from '../src/device/lock';
import { putBlob } from '../src/store/blobs';
import { CHAIN_META_KEY, pendingSummary, queueMutation, sealLegacyDrafts } from '../src/store/outbox';
import { GENESIS, sha256Hex } from '../src/sync/hashing';
import { decodeSignedMutation } from '../src/sync/mutations';
import { freshDb } from './store-harness';
import { DOSSIER, HH, loggedIn, MEMBER, teardown, type World } from './sync-helpers';

let w: World | undefined;
beforeEach(async () => {
  w = await loggedIn();
});
afterEach(() => {
  teardown(w);
  w = undefined;
});

describe('queueMutation', () => {
  it('builds a signed per-device chain: n counts up, prev is the previous payload hash, each verifies', async () => {
    const { d, device } = w!;
    const rows = [];
    rows.push(await queueMutation({ entity: 'household', entity_id: HH, op: 'create', base: 0, fields: { village_id: 'v1', address: 'Bản Nậm Khăn' } }, {}, d));
    rows.push(await queueMutation({ entity: 'household', entity_id: HH, op: 'update', base: 1, fields: { notes: 'Nhà sàn' } }, {}, d));
    rows.push(await queueMutation({ entity: 'member', entity_id: MEMBER, op: 'create', base: 0, fields: { household_id: HH, full_name: 'Giàng A Páo', skipped: undefined } }, {}, d));

    expect(rows.map((r) => r.n)).toEqual([1, 2, 3]);
    expect(rows[0]!.prev).toBe(GENESIS);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const m = await decodeSignedMutation(r.payload, r.sig, device.alg, device.public_key);
      expect(m.hash).toBe(r.hash);
      expect(await sha256Hex(new TextEncoder().encode(r.payload))).toBe(r.hash);
      expect(m.device).toBe(device.id);
      expect(m.n).toBe(i + 1);
      if (i > 0) expect(r.prev).toBe(rows[i - 1]!.hash);
    }
    // undefined members are dropped, not signed
    expect(JSON.parse(rows[2]!.payload).fields).toEqual({ household_id: HH, full_name: 'Giàng A Páo' });
    const stored = await d.outbox.orderBy('seq').toArray();
    expect(stored.map((r) => [r.n, r.state])).toEqual([
      [1, 'pending'],
      [2, 'pending'],
      [3, 'pending'],
    ]);
    expect((await d.meta.get(CHAIN_META_KEY))?.value).toMatchObject({ n: 3, prev: rows[2]!.hash });
  });

  it('clocks strictly increase even when called in the same millisecond', async () => {
    const { d } = w!;
    const a = await queueMutation({ entity: 'household', entity_id: HH, op: 'create', base: 0, fields: { address: 'x' } }, {}, d);
    const b = await queueMutation({ entity: 'household', entity_id: HH, op: 'update', base: 1, fields: { address: 'y' } }, {}, d);
    expect(b.hlc > a.hlc).toBe(true);
  });

  it('serialises concurrent calls into one gap-free chain', async () => {
    const { d } = w!;
    const rows = await Promise.all(
      Array.from({ length: 8 }, (_, i) => queueMutation({ entity: 'household', entity_id: HH, op: 'update', base: 1, fields: { notes: `n${i}` } }, {}, d)),
    );
    const sorted = [...rows].sort((a, b) => a.seq - b.seq);
    expect(sorted.map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.prev).toBe(sorted[i - 1]!.hash);
  });

  it('writes with strict durability and runs `write` in the same transaction', async () => {
    const { d } = w!;
    let durability: string | undefined;
    await queueMutation({ entity: 'household', entity_id: HH, op: 'create', base: 0, fields: { address: 'x' } }, {
      write: () => {
        durability = (Dexie.currentTransaction as unknown as { idbtrans: IDBTransaction }).idbtrans.durability;
      },
    }, d);
    expect(durability).toBe('strict');
  });

  it('leaves neither row nor chain head behind when `write` fails', async () => {
    const { d } = w!;
    await expect(
      queueMutation({ entity: 'household', entity_id: HH, op: 'create', base: 0, fields: { address: 'x' } }, {
        write: () => {
          throw new Error('boom');
        },
      }, d),
    ).rejects.toThrow('boom');
    expect(await d.outbox.count()).toBe(0);
    expect(await d.meta.get(CHAIN_META_KEY)).toBeUndefined();
    const next = await queueMutation({ entity: 'household', entity_id: HH, op: 'create', base: 0, fields: { address: 'x' } }, {}, d);
    expect(next.n).toBe(1);
  });

  it('refuses with a Vietnamese message when locked or not enrolled', async () => {
    const { d } = w!;
    setUnlocked(false);
    await expect(queueMutation({ entity: 'household', entity_id: HH, op: 'create', base: 0, fields: {} }, {}, d)).rejects.toMatchObject({
      code: 'locked',
      message_vi: expect.stringContaining('mã PIN'),
    });
    const empty = freshDb();
    setUnlocked(true);
    const error = await queueMutation({ entity: 'household', entity_id: HH, op: 'create', base: 0, fields: {} }, {}, empty).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).code).toBe('not_enrolled');
    empty.close();
  });

  it('marks the photos a dossier references for upload and the dossier as queued', async () => {
    const { d } = w!;
    const photo = await putBlob(new Blob([new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3])], { type: 'image/jpeg' }), d);
    const again = await putBlob(new Blob([new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3])], { type: 'image/jpeg' }), d);
    const other = await putBlob(new Blob([new Uint8Array([9])], { type: 'image/png' }), d);
    expect(again).toEqual(photo);
    await d.dossiers.put({ id: DOSSIER, household_id: HH, procedure_code: 'khai-sinh', procedure_version: 1, status: 'draft', sync_state: 'local', values: {}, updated_at: '2026-03-01T00:00:00.000Z' });
    await queueMutation({ entity: 'dossier', entity_id: DOSSIER, op: 'create', base: 0, fields: { procedure_code: 'khai-sinh', components: { 'giay-chung-sinh': [photo.sha256] } } }, {}, d);
    expect((await d.blobs.get(photo.sha256))?.state).toBe('pending');
    expect((await d.blobs.get(other.sha256))?.state).toBe('local');
    expect((await d.dossiers.get(DOSSIER))?.sync_state).toBe('queued');
  });
});

/** An unsigned draft exactly as repo.saveMember of earlier app versions queued it. */
async function legacyDraft(d: World['d']): Promise<void> {
  await d.outbox.add({ entity: 'member', entity_id: MEMBER, op: 'create', fields: { household_id: HH, full_name: 'Lò Thị Dung', relationship: 'con' }, created_at: '2026-01-01T00:00:00.000Z' });
}

describe('unsigned drafts left by an earlier app version', () => {
  it('are signed in order before anything newer', async () => {
    const { d, device } = w!;
    await d.households.put({ id: HH, village_id: 'v1', head_name: 'A', address: 'x', search_key: 'a', updated_at: '2026-01-01T00:00:00.000Z', version: 3 });
    await legacyDraft(d);
    expect((await d.outbox.toArray())[0]!.payload).toBeUndefined();
    const later = await queueMutation({ entity: 'household', entity_id: HH, op: 'update', base: 3, fields: { notes: 'x' } }, {}, d);
    const rows = await d.outbox.orderBy('seq').toArray();
    expect(rows.map((r) => r.n)).toEqual([1, 2]);
    expect(later.prev).toBe(rows[0]!.hash);
    const first = await decodeSignedMutation(rows[0]!.payload!, rows[0]!.sig!, device.alg, device.public_key);
    expect(first).toMatchObject({ entity: 'member', op: 'create', base: 0 });
    expect(await sealLegacyDrafts(d)).toBe(0);
  });
});

describe('pendingSummary', () => {
  it('counts unsent mutations, files, signed dossiers and the oldest time; unsigned drafts are not unsynced', async () => {
    const { d } = w!;
    expect(await pendingSummary(d)).toEqual({ mutations: 0, changes: 0, blobs: 0, files: 0, signatures: 0, oldestAt: null, dossiers: 0 });
    // An unsigned draft (dossier row 'local', its photo 'local'): nothing to send, nothing counted.
    await d.dossiers.put({ id: 'draft-1', household_id: HH, procedure_code: 'x', procedure_version: 1, status: 'draft', sync_state: 'local', values: {}, updated_at: '2026-01-01T00:00:00.000Z' });
    await putBlob(new Blob([new Uint8Array([9])], { type: 'image/jpeg' }), d);
    expect(await pendingSummary(d)).toMatchObject({ mutations: 0, blobs: 0, dossiers: 0, oldestAt: null });

    const photo = await putBlob(new Blob([new Uint8Array([1, 2])], { type: 'image/jpeg' }), d);
    const signature = await putBlob(new Blob([new Uint8Array([3, 4])], { type: 'image/png' }), d);
    await d.table('dossier_drafts').put({ dossier_id: DOSSIER, household_id: HH, signed_at: '2026-01-02T00:00:00.000Z', signature_sha256: signature.sha256, components: { a: [{ sha256: photo.sha256 }] }, updated_at: 'x' });
    await queueMutation(
      { entity: 'dossier', entity_id: DOSSIER, op: 'create', base: 0, fields: { components: { a: [photo.sha256] }, consent: { signature_sha256: signature.sha256 } } },
      {},
      d,
    );
    await d.blobs.update(signature.sha256, { state: 'pending' });
    const s = await pendingSummary(d);
    // The consent signature travels with its dossier: it is not a photo.
    expect(s).toMatchObject({ mutations: 1, changes: 0, blobs: 2, files: 1, signatures: 1, dossiers: 1 });
    expect(s.oldestAt).not.toBeNull();
  });

  it('keeps counting a signed dossier whose form data left but whose files did not', async () => {
    const { d } = w!;
    const photo = await putBlob(new Blob([new Uint8Array([5, 6])], { type: 'image/jpeg' }), d);
    await d.blobs.update(photo.sha256, { state: 'uploading' });
    await d.table('dossier_drafts').put({ dossier_id: DOSSIER, household_id: HH, signed_at: '2026-01-02T00:00:00.000Z', components: { a: [{ sha256: photo.sha256 }] }, updated_at: 'x' });
    expect(await pendingSummary(d)).toMatchObject({ mutations: 0, files: 1, dossiers: 1 });
  });
});

describe('drafts written outside queueMutation', () => {
  it('count as pending at once, so logout is refused before the first sync signs them', async () => {
    const { d } = w!;
    await d.households.put({ id: HH, village_id: 'v1', head_name: 'A', address: 'x', search_key: 'a', updated_at: '2026-01-01T00:00:00.000Z' });
    await legacyDraft(d);
    expect((await d.outbox.toArray())[0]).toMatchObject({ state: 'pending' });
    expect((await pendingSummary(d)).mutations).toBe(1);
  });
});
