/**
 * Search over the local store. The rules are the sync core's (SPEC NAM2/NAM3, shared
 * vectors): `searchKey` folds accents and đ, and a query matches when every query token is a
 * PREFIX of some token of the key ("an" finds "An" but not "Lan").
 */
import { searchKey } from '../sync/identity';

export { searchKey };

/** Query tokens (already keyed); an empty query yields no tokens and therefore matches everything. */
export function queryTokens(query: string): string[] {
  const key = searchKey(query);
  return key === '' ? [] : key.split(' ');
}

/** True when every query token is a prefix of some token of `key` (order-free). */
export function matchesTokens(key: string, tokens: readonly string[]): boolean {
  if (tokens.length === 0) return true;
  const words = key.split(' ');
  return tokens.every((token) => words.some((word) => word.startsWith(token)));
}

/**
 * Search key of a household: head name, address and every member's name, so a volunteer can find
 * a household by anyone living in it.
 */
export function householdSearchKey(headName: string, address: string, memberNames: readonly string[]): string {
  return searchKey([headName, address, ...memberNames].join(' '));
}
