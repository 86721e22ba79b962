/**
 * In-memory search index of households (with the opened rows), per database and village, built
 * on first search after unlock. The search keys are derived from names, so they are never indexed in IndexedDB (the rows
 * are encrypted, src/store/encrypted.ts); this index holds them only while the data key does: it
 * is dropped on lock and on every write to the households table (rebuilt on the next search).
 */
import type { LangsoDB } from './db';
import type { HouseholdRow } from './types';
import { onTableWrite } from './encrypted';
import { onVaultChange } from './vault';

export interface IndexEntry {
  id: string;
  search_key: string;
  /** The opened row, so a search decrypts nothing (memory only, dropped on lock). */
  row: HouseholdRow;
}

let indexes = new WeakMap<LangsoDB, Map<string, IndexEntry[]>>();

const drop = (): void => {
  indexes = new WeakMap();
};
onVaultChange((open) => {
  if (!open) drop();
});
onTableWrite((table) => {
  if (table === 'households') drop();
});

/** The (id, search key) pairs of a village's households. */
export async function villageIndex(d: LangsoDB, villageId: string): Promise<IndexEntry[]> {
  let perDb = indexes.get(d);
  if (!perDb) indexes.set(d, (perDb = new Map()));
  const cached = perDb.get(villageId);
  if (cached) return cached;
  const rows = await d.households.where('village_id').equals(villageId).toArray();
  const entries = rows.map((h) => ({ id: h.id, search_key: h.search_key ?? '', row: h }));
  // A write meanwhile dropped the indexes: do not cache what may be stale.
  if (indexes.get(d) === perDb) perDb.set(villageId, entries);
  return entries;
}
