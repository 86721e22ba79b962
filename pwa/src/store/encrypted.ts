/**
 * Transparent encryption of personal tables (a Dexie DBCore middleware, below every built-in one).
 *
 * A stored row of an ENCRYPTED_TABLES table is `{<clear keys>, $sealed: nonce‖AES-GCM(record)}`:
 * only the primary key and the indexed properties of the table (ids, village ids, states,
 * timestamps — never a name) stay in clear, because IndexedDB must see them to index; everything
 * else, Blobs included, is inside `$sealed` (src/store/vault.ts). Reads give back the whole row,
 * so the rest of the app does not know. While locked, reading or writing such a row throws
 * VaultLocked; counting and key-only queries keep working.
 *
 * Rows written by an app version before encryption have no `$sealed`: they are read as they are
 * and re-written sealed by `sealExisting` at the first unlock after the update.
 */
import type { DBCore, DBCoreCursor, DBCoreTable, IndexableType, Middleware } from 'dexie';
import type { LangsoDB } from './db';
import { SCHEMA_HISTORY } from './schema';
import { open, packRecord, seal, unpackRecord, vaultOpen } from './vault';

export const SEALED = '$sealed';
/** The schema version (src/store/schema.ts) from which personal tables are sealed. */
export const ENCRYPTED_FROM_VERSION = 4;

/** Tables whose rows hold personal data (docs/privacy.md). meta, villages, procedures stay clear. */
export const ENCRYPTED_TABLES = [
  'households',
  'members',
  'dossiers',
  'dossier_drafts',
  'dossier_ratings',
  'outbox',
  'blobs',
  'receipts',
  'conflicts',
  'tasks',
  'results',
] as const;

/** Key paths a table's latest schema declares (primary key and indexes), i.e. what stays clear. */
export function clearKeys(table: string): readonly string[] {
  let spec: string | null | undefined;
  for (const v of SCHEMA_HISTORY) if (table in v.stores) spec = v.stores[table];
  if (!spec) return [];
  const keys = new Set<string>();
  for (const part of spec.split(',')) {
    const p = part.trim().replace(/^(\+\+|&|\*)/, '');
    const inner = p.startsWith('[') ? p.slice(1, -1).split('+') : [p];
    for (const k of inner) if (k) keys.add(k.split('.')[0]!);
  }
  return [...keys];
}

const CLEAR = new Map<string, ReadonlySet<string>>(ENCRYPTED_TABLES.map((t) => [t, new Set(clearKeys(t))]));

export function isSealed(row: unknown): boolean {
  return !!row && typeof row === 'object' && (row as Record<string, unknown>)[SEALED] instanceof Uint8Array;
}

export function sealRow(table: string, row: Record<string, unknown>): Record<string, unknown> {
  const clear = CLEAR.get(table)!;
  const kept: Record<string, unknown> = {};
  const secret: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (k === SEALED) continue;
    if (clear.has(k)) kept[k] = v;
    else secret[k] = v;
  }
  kept[SEALED] = seal(packRecord(secret), aad(table));
  return kept;
}

export function openRow(table: string, row: unknown): unknown {
  if (!isSealed(row)) return row;
  const stored = row as Record<string, unknown>;
  const secret = unpackRecord(open(stored[SEALED] as Uint8Array, aad(table))) as Record<string, unknown>;
  const out: Record<string, unknown> = { ...secret };
  for (const [k, v] of Object.entries(stored)) if (k !== SEALED) out[k] = v;
  return out;
}

const AADS = new Map<string, Uint8Array>();
function aad(table: string): Uint8Array {
  let a = AADS.get(table);
  if (!a) AADS.set(table, (a = new TextEncoder().encode(`langso:${table}`)));
  return a;
}

function wrapCursor(table: string, cursor: DBCoreCursor): DBCoreCursor {
  let at: unknown = undefined;
  let opened: unknown = undefined;
  return Object.create(cursor, {
    value: {
      get(): unknown {
        const raw: unknown = cursor.value;
        if (raw !== at) {
          at = raw;
          opened = openRow(table, raw);
        }
        return opened;
      },
    },
    key: { get: (): unknown => cursor.key },
    primaryKey: { get: (): unknown => cursor.primaryKey },
    continue: { value: (key?: unknown): void => cursor.continue(key) },
    continuePrimaryKey: { value: (key: unknown, pk: unknown): void => cursor.continuePrimaryKey(key, pk) },
    advance: { value: (n: number): void => cursor.advance(n) },
  }) as DBCoreCursor;
}

const writeListeners = new Set<(table: string) => void>();

/** Called on every write to a personal table (in-memory derived data, e.g. the search index). */
export function onTableWrite(listener: (table: string) => void): () => void {
  writeListeners.add(listener);
  return () => writeListeners.delete(listener);
}

function encryptedTable(name: string, t: DBCoreTable): DBCoreTable {
  return {
    ...t,
    mutate(req) {
      for (const l of writeListeners) l(name);
      if (req.type === 'add' || req.type === 'put') {
        const values = req.values.map((v) => sealRow(name, v as Record<string, unknown>));
        return t.mutate({ ...req, values });
      }
      return t.mutate(req);
    },
    get(req) {
      return t.get(req).then((v) => openRow(name, v));
    },
    getMany(req) {
      return t.getMany(req).then((vs) => vs.map((v) => openRow(name, v)));
    },
    query(req) {
      return t.query(req).then((res) => (req.values ? { ...res, result: res.result.map((v) => openRow(name, v)) } : res));
    },
    openCursor(req) {
      return t.openCursor(req).then((c) => (c && req.values !== false ? wrapCursor(name, c) : c));
    },
  };
}

export const encryptionMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'LangsoEncryption',
  // Below Dexie's own middlewares (the lowest is -1): hooks and caches see clear rows.
  level: -2,
  create(down) {
    const tables = new Set<string>(ENCRYPTED_TABLES);
    return {
      ...down,
      table(name) {
        const t = down.table(name);
        return tables.has(name) ? encryptedTable(name, t) : t;
      },
    };
  },
};

/** meta key set once every row of every personal table has been sealed. */
export const SEALED_ALL_META_KEY = 'sealed_all_v1';

/** Primary keys of the rows of `store` that are still clear, read below Dexie (native IndexedDB). */
function clearRowKeys(idb: IDBDatabase, store: string): Promise<IDBValidKey[]> {
  return new Promise((resolve, reject) => {
    const keys: IDBValidKey[] = [];
    const req = idb.transaction(store, 'readonly').objectStore(store).openCursor();
    req.onerror = () => reject(req.error ?? new Error('cursor failed'));
    req.onsuccess = () => {
      const c = req.result;
      if (!c) return resolve(keys);
      if (!isSealed(c.value)) keys.push(c.primaryKey);
      c.continue();
    };
  });
}

/**
 * "Encrypt what is there" — the migration step of an installation updated from a version that
 * stored rows in clear: re-writes every still-clear row of every personal table sealed, then
 * records SEALED_ALL_META_KEY so later unlocks skip the scan. Called at unlock
 * (src/device/pin.ts); needs the key. Returns how many rows were sealed.
 */
export async function sealExisting(d: LangsoDB): Promise<number> {
  if (!vaultOpen()) return 0;
  if ((await d.meta.get(SEALED_ALL_META_KEY))?.value === true) return 0;
  if (!d.isOpen()) await d.open();
  const idb = d.backendDB();
  let sealed = 0;
  for (const name of ENCRYPTED_TABLES) {
    const keys = await clearRowKeys(idb, name);
    if (keys.length === 0) continue;
    const table = d.table(name);
    await d.transaction('rw', table, async () => {
      const rows = (await table.bulkGet(keys as IndexableType[])).filter((r) => r !== undefined);
      await table.bulkPut(rows);
      sealed += rows.length;
    });
  }
  await d.meta.put({ key: SEALED_ALL_META_KEY, value: true });
  return sealed;
}
