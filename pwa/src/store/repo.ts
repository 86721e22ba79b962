/**
 * Read/write helpers the UI uses. Every local edit goes through here so that the row change and its
 * outbox entry are written in ONE transaction: either both are durable or neither is.
 */
import { db, type LangsoDB } from './db';
import { householdSearchKey, matchesTokens, queryTokens, searchKey } from './search';
import {
  META_KEYS,
  type DossierRow,
  type HouseholdRow,
  type MemberRow,
  type OutboxRow,
  type ProcedureRow,
  type Session,
  type VillageRow,
} from './types';

const nowIso = (): string => new Date().toISOString();

export async function getSession(d: LangsoDB = db()): Promise<Session | undefined> {
  const row = await d.meta.get(META_KEYS.session);
  return row?.value as Session | undefined;
}

export async function saveSession(session: Session, d: LangsoDB = db()): Promise<void> {
  await d.meta.put({ key: META_KEYS.session, value: session });
}

/** Logout forgets the token only; households, drafts and the outbox stay on the device. */
export async function clearSession(d: LangsoDB = db()): Promise<void> {
  await d.meta.delete(META_KEYS.session);
}

/** Stable per-installation id, created on first call. */
export async function ensureDeviceId(d: LangsoDB = db()): Promise<string> {
  return d.transaction('rw', d.meta, async () => {
    const row = await d.meta.get(META_KEYS.deviceId);
    if (typeof row?.value === 'string') return row.value;
    const id = crypto.randomUUID();
    await d.meta.put({ key: META_KEYS.deviceId, value: id });
    return id;
  });
}

export interface VillageView {
  id: string;
  /** Name from the synced villages table, or undefined before the first sync. */
  name: string | undefined;
  householdCount: number;
}

/** The user's villages in the order the server gave them, joined with whatever has been synced. */
export async function myVillages(villageIds: readonly string[], d: LangsoDB = db()): Promise<VillageView[]> {
  const rows = await d.villages.bulkGet([...villageIds]);
  return Promise.all(
    villageIds.map(async (id, i) => ({
      id,
      name: (rows[i] as VillageRow | undefined)?.name,
      householdCount: await d.households.where('village_id').equals(id).count(),
    })),
  );
}

export async function getVillage(id: string, d: LangsoDB = db()): Promise<VillageRow | undefined> {
  return d.villages.get(id);
}

/** Households of a village whose search key contains every query token, sorted by head name. */
export async function searchHouseholds(villageId: string, query: string, d: LangsoDB = db()): Promise<HouseholdRow[]> {
  const tokens = queryTokens(query);
  const rows = await d.households
    .where('village_id')
    .equals(villageId)
    .filter((h) => matchesTokens(h.search_key, tokens))
    .toArray();
  return rows.sort((a, b) => a.head_name.localeCompare(b.head_name, 'vi'));
}

export async function countHouseholds(villageId: string, d: LangsoDB = db()): Promise<number> {
  return d.households.where('village_id').equals(villageId).count();
}

export async function getHousehold(id: string, d: LangsoDB = db()): Promise<HouseholdRow | undefined> {
  return d.households.get(id);
}

export async function membersOf(householdId: string, d: LangsoDB = db()): Promise<MemberRow[]> {
  return d.members.where('household_id').equals(householdId).sortBy('full_name');
}

export async function getMember(id: string, d: LangsoDB = db()): Promise<MemberRow | undefined> {
  return d.members.get(id);
}

/** Every member field a volunteer may edit; a key that is absent or empty means "no value". */
export const MEMBER_FIELD_KEYS = [
  'full_name',
  'relationship',
  'date_of_birth',
  'sex',
  'cccd',
  'phone',
  'ethnicity',
  'notes',
] as const satisfies readonly (keyof MemberRow)[];

export type MemberFields = Pick<MemberRow, (typeof MEMBER_FIELD_KEYS)[number]>;

/**
 * Create or update a member locally and queue the change.
 *
 * In one strict-durability transaction: upsert the member (marked pending), recompute the
 * household's search key, and append an unsigned draft to the outbox holding only changed fields.
 * Signing is added by the sync layer later.
 *
 * @throws Error when the household does not exist locally.
 */
export async function saveMember(
  householdId: string,
  memberId: string | undefined,
  fields: MemberFields,
  d: LangsoDB = db(),
): Promise<MemberRow> {
  return d.transaction('rw', [d.members, d.households, d.outbox], async () => {
    const household = await d.households.get(householdId);
    if (!household) throw new Error(`household ${householdId} not found`);
    const now = nowIso();
    const previous = memberId ? await d.members.get(memberId) : undefined;
    const id = previous?.id ?? memberId ?? crypto.randomUUID();
    const clean = stripEmpty(fields);
    // Start from the previous row minus the editable fields, so a field the user cleared disappears.
    const base: Record<string, unknown> = { ...previous };
    for (const key of MEMBER_FIELD_KEYS) delete base[key];
    const row = {
      ...base,
      ...clean,
      id,
      household_id: householdId,
      full_name: fields.full_name.normalize('NFC').trim(),
      search_key: searchKey(fields.full_name),
      pending: true,
      updated_at: now,
    } as MemberRow;
    const changed = previous ? diffFields(previous, row, MEMBER_FIELD_KEYS) : { ...clean, household_id: householdId };
    if (previous && Object.keys(changed).length === 0) return previous; // nothing to queue
    await d.members.put(row);

    const members = await d.members.where('household_id').equals(householdId).toArray();
    await d.households.update(householdId, {
      search_key: householdSearchKey(household.head_name, household.address, members.map((m) => m.full_name)),
    });

    const entry: OutboxRow = {
      entity: 'member',
      entity_id: id,
      op: previous ? 'update' : 'create',
      fields: changed,
      created_at: now,
    };
    await d.outbox.add(entry);
    return row;
  });
}

/** Drop empty strings / undefined and NFC-normalise text so stored data is canonical. */
function stripEmpty<T extends object>(fields: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || v === '') continue;
    out[k] = typeof v === 'string' ? v.normalize('NFC').trim() : v;
  }
  return out as Partial<T>;
}

/** Changed fields; a cleared field is reported as null. */
function diffFields(before: object, after: object, keys: readonly string[]): Record<string, unknown> {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (b[k] !== a[k]) out[k] = a[k] ?? null;
  }
  return out;
}

export async function pendingCount(d: LangsoDB = db()): Promise<number> {
  return d.outbox.count();
}

export async function listDossiers(d: LangsoDB = db()): Promise<DossierRow[]> {
  return d.dossiers.orderBy('updated_at').reverse().toArray();
}

export async function listProcedures(d: LangsoDB = db()): Promise<ProcedureRow[]> {
  return d.procedures.toArray();
}

export async function getProcedure(code: string, version: number, d: LangsoDB = db()): Promise<ProcedureRow | undefined> {
  return d.procedures.get([code, version]);
}
