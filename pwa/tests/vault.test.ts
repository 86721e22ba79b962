/**
 * The encrypted store (branch vault, issue 14 item 1): what rests in IndexedDB, read with the raw
 * IndexedDB API below Dexie, holds no personal data; the key opens with the PIN or the escrow key
 * only; every migration step (schema v4, sealing what is there, the legacy PIN verifier); the
 * wipe order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { lockNow, isUnlocked } from '../src/device/lock';
import { getVault, PIN_META_KEY, setPin, unlockWithPin, useEscrowKey } from '../src/device/pin';
import type { LangsoDB } from '../src/store/db';
import { isSealed, SEALED_ALL_META_KEY, sealExisting } from '../src/store/encrypted';
import { putBlob, getBlob } from '../src/store/blobs';
import { searchHouseholds } from '../src/store/repo';
import { b64uEncode } from '../src/sync/b64u';
import { forgetDataKey, newDataKey, rememberEscrowKey, setDataKey, vaultOpen, VaultLocked, packRecord, unpackRecord, storableBlob } from '../src/store/vault';
import { freshDb, upgradeFrom } from './store-harness';
import { setTransport } from '../src/api/http';
import { checkWipeOrder, WIPED_META_KEY } from '../src/net/wipe';

const CHEAP = { memoryKiB: 64, iterations: 1, parallelism: 1 };
const NAME = 'Hoàng Thị Mỷ';
const CCCD = '001204012345';
const PHONE = '0912345678';
const PHOTO = new Uint8Array(4096).map((_, i) => (i * 131 + 7) & 255);

/** Every stored value of every object store, read with the raw IndexedDB API (below Dexie). */
async function rawDump(d: LangsoDB): Promise<{ store: string; value: unknown }[]> {
  const idb = d.backendDB();
  const out: { store: string; value: unknown }[] = [];
  for (const store of Array.from(idb.objectStoreNames)) {
    const values = await new Promise<unknown[]>((resolve, reject) => {
      const req = idb.transaction(store, 'readonly').objectStore(store).getAll();
      req.onsuccess = () => resolve(req.result as unknown[]);
      req.onerror = () => reject(req.error);
    });
    for (const value of values) out.push({ store, value });
  }
  return out;
}

/** All bytes and strings of the raw dump, as one latin-1 haystack (UTF-8 names searched as bytes). */
function haystack(dump: { value: unknown }[]): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (v instanceof Uint8Array) parts.push(Array.from(v, (b) => String.fromCharCode(b)).join(''));
    else if (typeof v === 'string') parts.push(Array.from(new TextEncoder().encode(v), (b) => String.fromCharCode(b)).join(''));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object' && !(v instanceof CryptoKey)) Object.values(v).forEach(walk);
  };
  dump.forEach((e) => {
    walk(e.value);
  });
  return parts.join('\u0000');
}
const latin1 = (bytes: Uint8Array): string => Array.from(bytes, (b) => String.fromCharCode(b)).join('');
const utf8 = (s: string): string => latin1(new TextEncoder().encode(s));

async function seedVillage(d: LangsoDB): Promise<void> {
  await d.households.put({ id: 'h1', village_id: 'v1', head_name: NAME, address: 'Bản Phìn', search_key: 'hoang thi my ban phin', updated_at: '2026-01-01T00:00:00Z' } as never);
  await d.households.put({ id: 'h2', village_id: 'v1', head_name: 'Lò Văn Pọm', address: 'Bản Phìn', search_key: 'lo van pom ban phin', updated_at: '2026-01-01T00:00:00Z' } as never);
  await d.members.put({ id: 'm1', household_id: 'h1', full_name: NAME, relationship: 'chu_ho', cccd: CCCD, phone: PHONE, search_key: 'hoang thi my', updated_at: '2026-01-01T00:00:00Z' } as never);
  await d.outbox.add({ entity: 'member', entity_id: 'm1', op: 'update', fields: { cccd: CCCD, phone: PHONE, full_name: NAME }, created_at: '2026-01-01T00:00:00Z' } as never);
}

afterEach(() => {
  setTransport(undefined);
  if (!vaultOpen()) setDataKey(newDataKey());
});

describe('record codec', () => {
  it('round-trips JSON, bytes and Blobs', async () => {
    const blob = storableBlob(PHOTO, 'image/jpeg');
    const back = unpackRecord(packRecord({ a: 'Mỷ', n: 1, bytes: new Uint8Array([1, 2, 3]), nested: { blob }, list: [null, true] })) as Record<string, unknown>;
    expect(back['a']).toBe('Mỷ');
    expect(back['bytes']).toEqual(new Uint8Array([1, 2, 3]));
    const b = (back['nested'] as { blob: Blob }).blob;
    expect(b.type).toBe('image/jpeg');
    expect(new Uint8Array(await b.arrayBuffer())).toEqual(PHOTO);
    expect(back['list']).toEqual([null, true]);
  });
});

describe('encrypted at rest', () => {
  it('stores no name, CCCD, phone or photo bytes; keys and indexes stay usable', async () => {
    const d = freshDb();
    await seedVillage(d);
    const { sha256 } = await putBlob(new Blob([PHOTO], { type: 'image/jpeg' }), d);
    const dump = await rawDump(d);
    const hay = haystack(dump);
    for (const secret of [NAME, CCCD, PHONE, 'hoang thi my']) expect(hay).not.toContain(utf8(secret));
    expect(hay).not.toContain(latin1(PHOTO.subarray(0, 64)));
    for (const e of dump.filter((x) => ['households', 'members', 'outbox', 'blobs'].includes(x.store))) expect(isSealed(e.value)).toBe(true);
    // Reads through the app see everything.
    expect((await d.members.get('m1'))?.cccd).toBe(CCCD);
    expect(new Uint8Array(await (await getBlob(sha256, d))!.arrayBuffer())).toEqual(PHOTO);
    expect((await searchHouseholds('v1', 'my', d)).map((h) => h.head_name)).toEqual([NAME]);
    expect((await searchHouseholds('v1', 'ban', d)).length).toBe(2);
    d.close();
  });

  it('uses a fresh nonce per write', async () => {
    const d = freshDb();
    const row = { id: 'h1', village_id: 'v1', head_name: NAME, address: '', search_key: '', updated_at: '' };
    await d.households.put(row as never);
    const first = (await rawDump(d)).find((e) => e.store === 'households')!.value as Record<string, Uint8Array>;
    await d.households.put(row as never);
    const second = (await rawDump(d)).find((e) => e.store === 'households')!.value as Record<string, Uint8Array>;
    expect(latin1(first['$sealed']!.subarray(0, 12))).not.toBe(latin1(second['$sealed']!.subarray(0, 12)));
    d.close();
  });

  it('refuses reads and writes while locked, but still counts by index', async () => {
    const d = freshDb();
    await seedVillage(d);
    forgetDataKey();
    await expect(d.members.get('m1')).rejects.toBeInstanceOf(VaultLocked);
    await expect(d.households.put({ id: 'h3', village_id: 'v1' } as never)).rejects.toBeInstanceOf(VaultLocked);
    expect(await d.households.where('village_id').equals('v1').count()).toBe(2);
    expect(await d.outbox.where('state').equals('pending').count()).toBe(1);
    d.close();
  });

  it('a different key cannot open the rows', async () => {
    const d = freshDb();
    await seedVillage(d);
    setDataKey(newDataKey());
    await expect(d.members.get('m1')).rejects.toThrow();
    d.close();
  });
});

describe('PIN and escrow', () => {
  it('the PIN opens the key; a wrong PIN does not; locking forgets it', async () => {
    const d = freshDb();
    forgetDataKey();
    await setPin('482916', d, CHEAP);
    await seedVillage(d);
    lockNow();
    expect(vaultOpen()).toBe(false);
    expect(await unlockWithPin('000000', d)).toMatchObject({ ok: false, reason: 'wrong' });
    await expect(d.members.get('m1')).rejects.toBeInstanceOf(VaultLocked);
    expect(await unlockWithPin('482916', d)).toEqual({ ok: true });
    expect((await d.members.get('m1'))?.phone).toBe(PHONE);
    d.close();
  });

  it('forgot PIN: the escrow key from a password login opens the key and a new PIN is set; the outbox is intact', async () => {
    const d = freshDb();
    forgetDataKey();
    const escrow = newDataKey();
    rememberEscrowKey(escrow); // the login came before the first PIN
    await setPin('482916', d, CHEAP);
    await seedVillage(d);
    expect((await getVault(d))?.escrow).toBeDefined();
    lockNow();
    rememberEscrowKey(undefined);
    expect(await useEscrowKey(b64uEncode(newDataKey()), d)).toBe(false); // another user's key
    rememberEscrowKey(undefined);
    expect(await useEscrowKey(b64uEncode(escrow), d)).toBe(true);
    expect(isUnlocked()).toBe(false); // a new PIN is still required to use the app
    await setPin('135790', d, CHEAP);
    lockNow();
    expect(await unlockWithPin('482916', d)).toMatchObject({ ok: false });
    expect(await unlockWithPin('135790', d)).toEqual({ ok: true });
    const [row] = await d.outbox.toArray();
    expect((row as unknown as { fields: { cccd: string } }).fields.cccd).toBe(CCCD);
    d.close();
  });

  it('setting a new PIN while the vault is locked is refused', async () => {
    const d = freshDb();
    forgetDataKey();
    rememberEscrowKey(undefined);
    await setPin('482916', d, CHEAP);
    lockNow();
    await expect(setPin('135790', d, CHEAP)).rejects.toMatchObject({ code: 'vault_locked' });
    d.close();
  });
});

describe('migration of an existing installation', () => {
  it('step 1 (schema v4): v3 rows in clear stay readable, the name-derived search_key indexes are gone', async () => {
    const d = await upgradeFrom(3, async (old) => {
      await old.table('households').add({ id: 'h1', village_id: 'v1', head_name: NAME, address: 'Bản Phìn', search_key: 'hoang thi my ban phin', updated_at: '' });
      await old.table('members').add({ id: 'm1', household_id: 'h1', full_name: NAME, cccd: CCCD, search_key: 'hoang thi my', updated_at: '' });
    });
    expect(d.households.schema.indexes.map((i) => i.name)).toEqual(['village_id']);
    expect(d.members.schema.indexes.map((i) => i.name)).toEqual(['household_id']);
    expect((await d.members.get('m1'))?.cccd).toBe(CCCD);
    expect(haystack(await rawDump(d))).toContain(utf8(CCCD)); // not sealed until the first unlock
    d.close();
  });

  it('step 2 (first unlock after the update): the PBKDF2 PIN opens, creates the key, seals every row, drops the verifier', async () => {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const material = await crypto.subtle.importKey('raw', new TextEncoder().encode('2468'), 'PBKDF2', false, ['deriveBits']);
    const verifier = new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 1000 }, material, 256));
    const d = await upgradeFrom(3, async (old) => {
      await old.table('meta').put({ key: PIN_META_KEY, value: { salt: b64uEncode(salt), verifier: b64uEncode(verifier), iterations: 1000, failures: 0, locked_until: 0 } });
      await old.table('households').add({ id: 'h1', village_id: 'v1', head_name: NAME, address: 'Bản Phìn', search_key: 'hoang thi my ban phin', updated_at: '' });
      await old.table('members').add({ id: 'm1', household_id: 'h1', full_name: NAME, cccd: CCCD, phone: PHONE, search_key: 'hoang thi my', updated_at: '' });
      await old.table('outbox').add({ entity: 'member', entity_id: 'm1', op: 'update', fields: { cccd: CCCD }, state: 'pending', created_at: '' });
    });
    forgetDataKey();
    expect(await unlockWithPin('1357', d)).toMatchObject({ ok: false, reason: 'wrong' });
    expect(await unlockWithPin('2468', d)).toEqual({ ok: true });
    const pin = (await d.meta.get(PIN_META_KEY))?.value as Record<string, unknown>;
    expect(pin['verifier']).toBeUndefined();
    expect((await d.meta.get(SEALED_ALL_META_KEY))?.value).toBe(true);
    const hay = haystack(await rawDump(d));
    for (const secret of [NAME, CCCD, PHONE]) expect(hay).not.toContain(utf8(secret));
    expect((await d.outbox.toArray()).map((r) => (r as unknown as { fields: { cccd: string } }).fields.cccd)).toEqual([CCCD]);
    expect((await searchHouseholds('v1', 'hoang', d)).map((h) => h.id)).toEqual(['h1']);
    // And the next unlock goes through Argon2id.
    lockNow();
    expect(await unlockWithPin('2468', d)).toEqual({ ok: true });
    expect(await sealExisting(d)).toBe(0);
    d.close();
  });
});

describe('wipe order', () => {
  it('at the next contact the device destroys its keys and data and reports it', async () => {
    const d = freshDb();
    await seedVillage(d);
    await d.meta.put({ key: 'session', value: { token: 't', user: { id: 'u' } } });
    await d.meta.put({ key: 'device', value: { id: 'dev-1' } });
    const calls: string[] = [];
    setTransport(async (input, init) => {
      calls.push(`${init?.method ?? 'GET'} ${String(input)}`);
      if (String(input).endsWith('/status')) return new Response(JSON.stringify({ device_id: 'dev-1', revoked: true, wipe: true }), { status: 200, headers: { 'Content-Type': 'application/json' } });
      return new Response('{}', { status: 200 });
    });
    expect(await checkWipeOrder(d, 'dev-1')).toBe(true);
    expect(calls).toEqual(['GET /api/devices/dev-1/status', 'POST /api/devices/dev-1/wiped']);
    expect(vaultOpen()).toBe(false);
    const dump = await rawDump(d);
    expect(dump.map((e) => e.store)).toEqual(['meta']);
    expect((dump[0]!.value as { key: string }).key).toBe(WIPED_META_KEY);
    d.close();
  });

  it('no order: nothing happens', async () => {
    const d = freshDb();
    await seedVillage(d);
    setTransport(async () => new Response(JSON.stringify({ device_id: 'dev-1', revoked: false, wipe: false }), { status: 200 }));
    expect(await checkWipeOrder(d, 'dev-1')).toBe(false);
    expect(await d.members.count()).toBe(1);
    d.close();
  });
});
