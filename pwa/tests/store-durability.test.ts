/**
 * Two connections, two durabilities (src/store/db.ts): the outbox and everything only this device
 * holds commit 'strict'; pulled pages and their cursor commit 'relaxed' through `relaxed()`, a
 * second connection to the same database that closes with the first and never blocks an upgrade.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IDBDatabase as FakeIDBDatabase, IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { applyPullPage } from '../src/store/apply-pull';
import { db, LangsoDB, setDbForTests } from '../src/store/db';
import { queueMutation } from '../src/store/outbox';
import { CURRENT_VERSION, DB_NAME, SCHEMA_HISTORY } from '../src/store/schema';
import { META_KEYS } from '../src/store/types';
import { freshDb } from './store-harness';
import { loggedIn, MEMBER, teardown } from './sync-helpers';

type Call = { conn: IDBDatabase; stores: string[]; mode: string; durability: string | undefined };

/**
 * Records every IndexedDB transaction started from now on, with its connection and durability.
 * Installed on the prototype because Dexie binds `transaction` of each connection when it opens.
 */
function recordTransactions(): Call[] {
  const calls: Call[] = [];
  const original = FakeIDBDatabase.prototype.transaction;
  vi.spyOn(FakeIDBDatabase.prototype, 'transaction').mockImplementation(function (this: InstanceType<typeof FakeIDBDatabase>, stores: string | Iterable<string>, mode?: IDBTransactionMode, options?: IDBTransactionOptions) {
    calls.push({ conn: this as unknown as IDBDatabase, stores: typeof stores === 'string' ? [stores] : [...stores], mode: mode ?? 'readonly', durability: options?.durability });
    return original.call(this, stores, mode, options);
  });
  return calls;
}

const newerSchema = [...SCHEMA_HISTORY, { version: CURRENT_VERSION + 1, stores: { later_table: 'id' } }];

describe('relaxed(): the pull cache connection', () => {
  let d: LangsoDB;
  beforeEach(() => {
    d = freshDb();
  });
  afterEach(() => {
    teardown(undefined);
    d.close();
    vi.restoreAllMocks();
  });

  it('is one second connection to the same database, relaxed where the first is strict', async () => {
    const twin = d.relaxed();
    expect(d.durability).toBe('strict');
    expect(twin.durability).toBe('relaxed');
    expect(twin.name).toBe(d.name);
    expect(d.relaxed()).toBe(twin);
    expect(twin.relaxed()).toBe(twin);
    await twin.meta.put({ key: 'probe', value: 1 });
    expect((await d.meta.get('probe'))?.value).toBe(1);
    expect(twin.verno).toBe(CURRENT_VERSION);
  });

  it('carries a pull page and its cursor in one relaxed transaction; the outbox stays strict', async () => {
    const calls = recordTransactions();
    d.close();
    const world = await loggedIn();
    d = world.d;
    const before = calls.length;
    await applyPullPage([{ entity: 'household', id: 'h1', version: 1, data: { village_id: 'v1', address: 'Bản Mới' } }], false, 'c1', d);
    const pull = calls.slice(before).filter((c) => c.mode === 'readwrite');
    const afterPull = calls.length;
    await queueMutation({ entity: 'member', entity_id: MEMBER, op: 'update', base: 1, fields: { phone: '0912345678' } }, {}, d);
    const edit = calls.slice(afterPull).filter((c) => c.mode === 'readwrite');

    expect(pull).toHaveLength(1);
    expect(pull[0]!.conn).toBe(d.relaxed().backendDB());
    expect(pull[0]!.conn).not.toBe(d.backendDB());
    expect(pull[0]!.stores).toEqual(expect.arrayContaining(['households', 'members', 'meta']));
    expect(pull[0]!.durability).toBe('relaxed');
    const outbox = edit.filter((c) => c.stores.includes('outbox'));
    expect(outbox.every((c) => c.conn === d.backendDB())).toBe(true);
    expect(outbox.length).toBeGreaterThan(0);
    expect(outbox.every((c) => c.durability === 'strict')).toBe(true);
    expect((await d.meta.get(META_KEYS.cursor))?.value).toBe('c1');
    expect(await d.households.get('h1')).toMatchObject({ address: 'Bản Mới' });
  });

  it('closes with the first connection', async () => {
    const twin = d.relaxed();
    await d.open();
    await twin.open();
    d.close();
    expect(d.isOpen()).toBe(false);
    expect(twin.isOpen()).toBe(false);
  });

  it('does not block a newer app version: both connections close when it upgrades', async () => {
    const factory = new IDBFactory();
    const options = { indexedDB: factory, IDBKeyRange };
    const older = new LangsoDB('langso-durability-upgrade', options);
    const twin = older.relaxed();
    await older.open();
    await twin.meta.put({ key: 'probe', value: 1 });
    const newer = new LangsoDB('langso-durability-upgrade', options, newerSchema);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await newer.open();
    expect(newer.verno).toBe(CURRENT_VERSION + 1);
    expect(older.isOpen()).toBe(false);
    expect(twin.isOpen()).toBe(false);
    expect((await newer.meta.get('probe'))?.value).toBe(1);
    newer.close();
  });
});

describe('db(): the app-wide database', () => {
  afterEach(() => {
    setDbForTests(undefined);
    vi.restoreAllMocks();
  });

  it('on a newer tab upgrading, closes both connections and asks for a reload once', async () => {
    setDbForTests(undefined);
    const d = db();
    const twin = d.relaxed();
    await d.open();
    await twin.meta.put({ key: 'probe', value: 1 });
    const outdated = vi.fn();
    window.addEventListener('langso:db-outdated', outdated);
    const newer = new LangsoDB(DB_NAME, {}, newerSchema);
    await newer.open();
    window.removeEventListener('langso:db-outdated', outdated);
    expect(outdated).toHaveBeenCalledTimes(1);
    expect(d.isOpen()).toBe(false);
    expect(twin.isOpen()).toBe(false);
    await newer.delete();
  });
});
