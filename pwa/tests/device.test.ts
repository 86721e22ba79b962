// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { firstLogin, logout, reauthenticate } from '../src/device/account';
import { createDraft } from '../src/features/dossier/drafts';
import { countDrafts } from '../src/features/dossier/status';
import { DeviceError } from '../src/device/errors';
import { DEVICE_META_KEY, getEnrolledDevice } from '../src/device/keystore';
import { isUnlocked, lockNow } from '../src/device/lock';
import { ARGON2_PARAMS, VAULT_META_KEY, type VaultRecord } from '../src/store/vault';
import { BASE_LOCK_MS, FREE_TRIES, lockDelayMs, MAX_LOCK_MS, PIN_META_KEY, setPin, unlockWithPin, type PinRecord } from '../src/device/pin';
import { pushPending } from '../src/net/push';
import { setTransport } from '../src/api/http';
import { setDbForTests } from '../src/store/db';
import { queueMutation } from '../src/store/outbox';
import { META_KEYS } from '../src/store/types';
import { FakeServer, PASSWORD, USER } from './fake-server';
import { freshDb } from './store-harness';
import { HH, loggedIn, teardown, type World } from './sync-helpers';

let w: World | undefined;
afterEach(() => {
  teardown(w);
  w = undefined;
});

/** Argon2id parameters small enough for unit tests (the real ones are measured in bench/). */
const CHEAP = { memoryKiB: 64, iterations: 1, parallelism: 1 };

describe('PIN', () => {
  it('wraps the data key under Argon2id(PIN) (>= 19 MiB), stores no PIN and no verifier', async () => {
    const d = freshDb();
    expect(ARGON2_PARAMS.memoryKiB).toBeGreaterThanOrEqual(19_456);
    await setPin('482916', d);
    const record = (await d.meta.get(PIN_META_KEY))?.value as PinRecord;
    expect(record.verifier).toBeUndefined();
    const vault = (await d.meta.get(VAULT_META_KEY))?.value as VaultRecord;
    expect(vault.kdf).toMatchObject({ alg: 'argon2id', ...ARGON2_PARAMS });
    expect(JSON.stringify([record, vault])).not.toContain('482916');
    expect(vault.kdf.salt).not.toBe('');
    lockNow();
    expect(await unlockWithPin('482916', d)).toEqual({ ok: true });
    expect(isUnlocked()).toBe(true);
    d.close();
  });

  it('refuses weak formats', async () => {
    const d = freshDb();
    await expect(setPin('12', d, CHEAP)).rejects.toMatchObject({ code: 'pin_format' });
    await expect(setPin('1111', d, CHEAP)).rejects.toMatchObject({ code: 'pin_format' });
    await expect(setPin('12a4', d, CHEAP)).rejects.toMatchObject({ code: 'pin_format' });
    d.close();
  });

  it('locks after repeated wrong tries with growing back-off, persistently; the right PIN resets it', async () => {
    const d = freshDb();
    await setPin('2468', d, CHEAP);
    lockNow();
    const t0 = 1_800_000_000_000;
    for (let i = 1; i < FREE_TRIES; i++) {
      expect(await unlockWithPin('0000', d, t0)).toMatchObject({ ok: false, reason: 'wrong', remainingFreeTries: FREE_TRIES - i, lockedUntil: 0 });
    }
    expect(await unlockWithPin('0000', d, t0)).toMatchObject({ ok: false, reason: 'wrong', lockedUntil: t0 + BASE_LOCK_MS });
    // While locked even the right PIN is not checked.
    expect(await unlockWithPin('2468', d, t0 + 1000)).toMatchObject({ ok: false, reason: 'locked' });
    expect(isUnlocked()).toBe(false);
    const t1 = t0 + BASE_LOCK_MS + 1;
    expect(await unlockWithPin('0000', d, t1)).toMatchObject({ reason: 'wrong', lockedUntil: t1 + 2 * BASE_LOCK_MS });
    expect(((await d.meta.get(PIN_META_KEY))!.value as PinRecord).failures).toBe(FREE_TRIES + 1);
    expect(lockDelayMs(40)).toBe(MAX_LOCK_MS);
    expect(await unlockWithPin('2468', d, t1 + 3 * BASE_LOCK_MS)).toEqual({ ok: true });
    expect(((await d.meta.get(PIN_META_KEY))!.value as PinRecord).failures).toBe(0);
    d.close();
  });
});

describe('first login', () => {
  it('enrols a non-extractable device key with a proof the server verifies', async () => {
    const d = freshDb();
    setDbForTests(d);
    const server = await FakeServer.create();
    const outcome = await firstLogin(USER.username, PASSWORD, server.fetch, d);
    expect(server.devices.size).toBe(1);
    const device = await getEnrolledDevice(d);
    expect(device?.id).toBe(outcome.device?.id);
    expect(device?.private_key.extractable).toBe(false);
    expect(device?.private_key.type).toBe('private');
    expect((await d.meta.get(META_KEYS.session))?.value).toMatchObject({ token: server.token });
    expect(outcome.persistence).toBe('unsupported'); // no navigator.storage in this test runtime
    setDbForTests(undefined);
    d.close();
  });

  it('saves no session when enrolment fails, and reuses the same key on retry', async () => {
    const d = freshDb();
    const server = await FakeServer.create();
    const failing: typeof fetch = async (input, init) => (String(input) === '/api/devices' ? Promise.reject(new TypeError('offline')) : server.fetch(input, init));
    await expect(firstLogin(USER.username, PASSWORD, failing, d)).rejects.toMatchObject({ code: 'enrol_failed' });
    expect(await d.meta.get(META_KEYS.session)).toBeUndefined();
    const key = ((await d.meta.get(DEVICE_META_KEY))!.value as { public_key: string }).public_key;
    await firstLogin(USER.username, PASSWORD, server.fetch, d);
    expect([...server.devices.values()].map((x) => x.public_key)).toEqual([key]);
    d.close();
  });

  it('re-authenticates the same user without touching the device key', async () => {
    w = await loggedIn();
    const before = await getEnrolledDevice(w.d);
    w.server.token = 'tok-2';
    await reauthenticate(PASSWORD, w.server.fetch, w.d);
    expect((await w.d.meta.get(META_KEYS.session))?.value).toMatchObject({ token: 'tok-2' });
    expect((await getEnrolledDevice(w.d))?.id).toBe(before?.id);
  });
});

describe('logout guard', () => {
  it('is refused while anything is unsynced, naming how many dossiers and since when', async () => {
    w = await loggedIn();
    const { d } = w;
    await d.dossiers.put({ id: 'd1', household_id: HH, procedure_code: 'x', procedure_version: 1, status: 'draft', sync_state: 'local', values: {}, updated_at: '2026-03-01T07:00:00.000Z' });
    await queueMutation({ entity: 'household', entity_id: HH, op: 'create', base: 0, fields: { address: 'x' } }, {}, d);
    const error = (await logout(w.server.fetch, d).catch((e: unknown) => e)) as DeviceError;
    expect(error).toBeInstanceOf(DeviceError);
    expect(error.code).toBe('logout_refused');
    // The unsigned draft is not unsynced work: only the household change blocks logout.
    expect(error.message_vi).toContain('còn 0 hồ sơ đã ký, 1 thay đổi, 0 tệp và 0 chữ ký chưa gửi');
    expect(error.message_vi).toMatch(/từ .*20\d\d/);
    // Nothing was destroyed.
    expect(await getEnrolledDevice(d)).toBeDefined();
    expect(await d.meta.get(META_KEYS.session)).toBeDefined();
    expect(await d.outbox.count()).toBe(1);
  });

  it('is never refused because of unsigned drafts, which logout deletes with the replica', async () => {
    w = await loggedIn();
    const { d, server } = w;
    const draft = await createDraft({ householdId: HH, applicantId: 'm1', procedureCode: 'khai-sinh', procedureVersion: 1 }, d);
    expect(await countDrafts(d)).toBe(1);
    await logout(server.fetch, d);
    expect(await d.dossiers.get(draft.dossier_id)).toBeUndefined();
    expect(await countDrafts(d)).toBe(0);
    expect(await d.meta.get(META_KEYS.session)).toBeUndefined();
  });

  it('once everything is synced, destroys the token, device key, PIN and local replica (catalogue kept)', async () => {
    w = await loggedIn();
    const { d, server } = w;
    await setPin('1357', d, CHEAP);
    await d.procedures.put({ code: 'khai-sinh', version: 1, definition: {} });
    await queueMutation({ entity: 'household', entity_id: HH, op: 'create', base: 0, fields: { address: 'x' } }, {}, d);
    await pushPending(d);
    await logout(server.fetch, d);
    expect(server.log).toContain('POST /api/auth/logout');
    for (const key of [META_KEYS.session, DEVICE_META_KEY, PIN_META_KEY, 'chain', META_KEYS.cursor]) expect(await d.meta.get(key)).toBeUndefined();
    expect(await d.outbox.count()).toBe(0);
    expect(await d.procedures.count()).toBe(1);
    expect(isUnlocked()).toBe(false);
    setTransport(undefined);
  });
});
