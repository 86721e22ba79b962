/**
 * Upgrade harness: build a database exactly as an older app version left it, then open it with
 * the current schema. Testing a new version n is one call:
 *
 *   it('v2 fills households.head_member_id', async () => {
 *     const db = await upgradeFrom(1, async (old) => { await old.table('households').add({...}); });
 *     expect(await db.households.get('h1')).toMatchObject({...});
 *   });
 */
import type Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { LangsoDB } from '../src/store/db';
import { SCHEMA_HISTORY } from '../src/store/schema';

let counter = 0;

/** A fresh, isolated database with the current schema. */
export function freshDb(): LangsoDB {
  counter += 1;
  return new LangsoDB(`langso-test-${counter}`, { indexedDB: new IDBFactory(), IDBKeyRange });
}

/**
 * Open a database at `fromVersion`, let `seed` write rows through raw tables (old shapes), close
 * it, and reopen it with the current schema so every later `upgrade` runs.
 */
export async function upgradeFrom(fromVersion: number, seed: (old: Dexie) => Promise<void>): Promise<LangsoDB> {
  const history = SCHEMA_HISTORY.filter((v) => v.version <= fromVersion);
  if (history.length === 0 || history[history.length - 1]!.version !== fromVersion) {
    throw new Error(`no schema version ${fromVersion} in SCHEMA_HISTORY`);
  }
  counter += 1;
  const name = `langso-upgrade-${counter}`;
  const options = { indexedDB: new IDBFactory(), IDBKeyRange };
  const old = new LangsoDB(name, options, history);
  await old.open();
  await seed(old);
  old.close();
  const current = new LangsoDB(name, options);
  await current.open();
  return current;
}
