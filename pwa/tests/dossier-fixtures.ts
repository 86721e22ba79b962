/**
 * Shared fixtures of the dossier tests: the real birth-registration procedure from the
 * repository's catalogue, a household with a head and a wife, and a filled birth form.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LangsoDB } from '../src/store/db';
import type { HouseholdRow, MemberRow } from '../src/store/types';

/** Repository root (vitest runs in pwa/). */
const ROOT = resolve(process.cwd(), '..');

export const KHAI_SINH = JSON.parse(readFileSync(resolve(ROOT, 'backend/catalog/procedures/khai-sinh.v1.json'), 'utf8')) as {
  code: string;
  version: number;
  form: { fields: { key: string }[] };
  components: { code: string; required: boolean; min_count: number }[];
};

export function repoText(path: string): string {
  return readFileSync(resolve(ROOT, path), 'utf8');
}

/** The names inside `NAME = frozenset({...})` (or `"key": frozenset({...})`) of a Python file. */
export function pythonSet(source: string, anchor: string): string[] {
  const at = source.indexOf(anchor);
  if (at < 0) throw new Error(`${anchor} not found`);
  const open = source.indexOf('{', at);
  const close = source.indexOf('}', open);
  return [...source.slice(open + 1, close).matchAll(/"([a-z_]+)"/g)].map((m) => m[1]!).sort();
}

export const NOW = '2026-03-02T08:00:00.000Z';
export const HOUSEHOLD: HouseholdRow = {
  id: '11111111-1111-4111-8111-111111111111',
  village_id: 'v1',
  head_name: 'Giàng A Páo',
  head_member_id: '22222222-2222-4222-8222-222222222222',
  address: 'Bản Nậm Khăn, xã Pu Sam Cáp',
  search_key: 'giang a pao',
  updated_at: NOW,
};
export const HEAD: MemberRow = {
  id: '22222222-2222-4222-8222-222222222222',
  household_id: HOUSEHOLD.id,
  full_name: 'Giàng A Páo',
  date_of_birth: '1990-05-12',
  sex: 'male',
  cccd: '012090123456',
  relationship: 'chu_ho',
  ethnicity: 'Mông',
  search_key: 'giang a pao',
  updated_at: NOW,
};
export const WIFE: MemberRow = {
  id: '33333333-3333-4333-8333-333333333333',
  household_id: HOUSEHOLD.id,
  full_name: 'Vàng Thị Dính',
  date_of_birth: '1993-05-12',
  sex: 'female',
  relationship: 'vo',
  ethnicity: 'Mông',
  search_key: 'vang thi dinh',
  updated_at: NOW,
};

/** What the volunteer types; everything else of a valid birth form comes from prefill. */
export const TYPED = {
  child_full_name: 'Giàng A Lử',
  child_sex: 'male',
  child_date_of_birth: '2026-02-20',
  child_place_of_birth_kind: 'tai_nha',
  father_known: 'co',
  // requester_relationship is prefilled: the applicant (the head) is the father picked (PRE7).
};

export async function seed(d: LangsoDB): Promise<void> {
  await d.villages.put({ id: 'v1', commune_id: 'c1', name: 'Bản Nậm Khăn' });
  await d.households.put(HOUSEHOLD);
  await d.members.bulkPut([HEAD, WIFE]);
  await d.procedures.put({ code: KHAI_SINH.code, version: KHAI_SINH.version, definition: KHAI_SINH });
}
