/**
 * Read/write helpers the UI uses. Every local edit goes through here so that the row change and its
 * signed outbox mutation (queueMutation) are written in ONE transaction: both are durable or neither.
 */
import { db, type LangsoDB } from './db';
import { queueMutation, type QueueInput } from './outbox';
import { villageIndex } from './search-index';
import { householdSearchKey, matchesTokens, queryTokens, searchKey } from './search';
import {
  META_KEYS,
  type HouseholdRow,
  type MemberRow,
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
  // The rows are encrypted at rest: search runs on the in-memory index of opened rows.
  const rows = (await villageIndex(d, villageId)).filter((e) => matchesTokens(e.search_key, tokens)).map((e) => ({ ...e.row }));
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

export type MemberFields = Pick<MemberRow, (typeof MEMBER_FIELD_KEYS)[number]> &
  /** Sent on create only (a newborn from a birth registration); the server rules them after. */
  Partial<Pick<MemberRow, 'status' | 'source_dossier_id'>>;

/** Thrown when the household (or member) to edit is not on this device. */
export class NotOnDevice extends Error {
  constructor(
    readonly message_vi: string,
    readonly message_en: string,
  ) {
    super(`${message_vi} / ${message_en}`);
    this.name = 'NotOnDevice';
  }
}

const householdMissing = (id: string): NotOnDevice =>
  new NotOnDevice(`Không tìm thấy hộ ${id} trên máy.`, `Household ${id} is not on this device.`);

/**
 * The `base` of an edit (SPEC MUT, docs/protocol.md §3): the server version this device saw when
 * the edit was made. A row created on this device and not yet acknowledged has no version; its
 * create will produce version 1, which is what the edit is based on.
 */
export function baseOf(row: { version?: number } | undefined): number {
  return typeof row?.version === 'number' && row.version > 0 ? row.version : 1;
}

/** Head name (head_member_id, else the member whose relationship is chu_ho) and search key. */
function householdDerived(household: HouseholdRow, members: readonly MemberRow[]): Pick<HouseholdRow, 'head_name' | 'search_key'> {
  const head = members.find((m) => m.id === household.head_member_id) ?? members.find((m) => m.relationship === 'chu_ho');
  const headName = head?.full_name ?? household.head_name;
  return { head_name: headName, search_key: householdSearchKey(headName, household.address, members.map((m) => m.full_name)) };
}

/**
 * Create or update a member locally as ONE signed mutation (src/store/outbox.ts queueMutation):
 * the mutation, the member row (marked pending) and the household's derived fields (head name,
 * search key, and for a new member the local `members` union list) are written in the same
 * strict-durability transaction — either all are on disk or none is.
 *
 *  - create: `op: "create"`, `base: 0`, `fields` = every non-empty field plus `household_id`.
 *    The server adds the new id to the household's `members` union list itself and bumps the
 *    household's version (backend/households/handlers.py create_member), so no separate
 *    household mutation is sent; the local row's list is updated here so the device shows the
 *    same roster before the next pull.
 *  - update: `op: "update"`, `base` = the version of `loaded` (the row the form was filled from;
 *    the current local row when omitted), `fields` = only the fields that differ from `loaded`,
 *    a cleared field as `null`. The local row keeps changes that arrived after `loaded` (a pull)
 *    for fields the user did not touch; the server merges three-way against `base`.
 *
 * @returns the stored row, or the current row unchanged when the edit changes nothing.
 * @throws NotOnDevice when the household (or, for an edit, the member) is not on this device;
 *   DeviceError 'not_enrolled' | 'locked' from queueMutation (nothing is written then).
 */
export async function saveMember(
  householdId: string,
  memberId: string | undefined,
  fields: MemberFields,
  d: LangsoDB = db(),
  loaded?: MemberRow,
): Promise<MemberRow> {
  const household = await d.households.get(householdId);
  if (!household) throw householdMissing(householdId);
  const current = memberId ? await d.members.get(memberId) : undefined;
  if (memberId && (!current || current.household_id !== householdId)) {
    throw new NotOnDevice(`Không tìm thấy thành viên ${memberId} trong hộ này.`, `Member ${memberId} is not in this household on this device.`);
  }
  const clean = stripEmpty(fields) as Record<string, unknown>;
  clean['full_name'] = fields.full_name.normalize('NFC').trim();
  const from = loaded ?? current;
  const id = current?.id ?? crypto.randomUUID();
  const input: QueueInput = from
    ? { entity: 'member', entity_id: id, op: 'update', base: baseOf(from), fields: diffFields(from, clean, MEMBER_FIELD_KEYS) }
    : { entity: 'member', entity_id: id, op: 'create', base: 0, fields: { ...clean, household_id: householdId } };
  if (current && Object.keys(input.fields).length === 0) return current; // nothing to queue

  let saved: MemberRow | undefined;
  await queueMutation(
    input,
    {
      tables: [d.members, d.households],
      write: async () => {
        const now = nowIso();
        const latest = await d.members.get(id);
        let row: Record<string, unknown>;
        if (latest) {
          // Lay only the changed fields over the row as it is now (a pull may have updated it).
          row = { ...latest };
          for (const [k, v] of Object.entries(input.fields)) {
            if (v === null) delete row[k];
            else row[k] = v;
          }
        } else {
          row = { ...clean, id, household_id: householdId };
        }
        row['search_key'] = searchKey(String(row['full_name'] ?? ''));
        row['pending'] = true;
        row['updated_at'] = now;
        saved = row as unknown as MemberRow;
        await d.members.put(saved);

        const h = (await d.households.get(householdId)) ?? household;
        const members = await d.members.where('household_id').equals(householdId).toArray();
        const patch: Partial<HouseholdRow> = householdDerived(h, members);
        if (input.op === 'create') patch.members = [...new Set([...(h.members ?? []), ...members.map((m) => m.id)])].sort();
        await d.households.update(householdId, patch);
      },
    },
    d,
  );
  return saved!;
}

/** Household fields a volunteer may edit (village_id is the server's; members follow the member rows). */
export const HOUSEHOLD_FIELD_KEYS = ['address', 'notes', 'head_member_id'] as const satisfies readonly (keyof HouseholdRow)[];

export type HouseholdFields = Partial<Pick<HouseholdRow, (typeof HOUSEHOLD_FIELD_KEYS)[number]>>;

/**
 * Edit a household's address, notes or head as ONE signed `update` mutation (base = the version of
 * `loaded`, else of the current row; only changed fields; a cleared field as null), written with
 * the local row in one transaction like saveMember. Fields absent from `fields` are left alone.
 *
 * @returns the stored row, or the current row when nothing changes.
 * @throws NotOnDevice; DeviceError from queueMutation.
 */
export async function saveHousehold(householdId: string, fields: HouseholdFields, d: LangsoDB = db(), loaded?: HouseholdRow): Promise<HouseholdRow> {
  const current = await d.households.get(householdId);
  if (!current) throw householdMissing(householdId);
  const from = loaded ?? current;
  const keys = HOUSEHOLD_FIELD_KEYS.filter((k) => k in fields);
  const wanted = { ...from, ...stripEmpty(fields) } as Record<string, unknown>;
  for (const k of keys) if (fields[k] === undefined || fields[k] === '') delete wanted[k];
  const changed = diffFields(from, wanted, keys);
  if (Object.keys(changed).length === 0) return current;
  let saved: HouseholdRow | undefined;
  await queueMutation(
    { entity: 'household', entity_id: householdId, op: 'update', base: baseOf(from), fields: changed },
    {
      tables: [d.members, d.households],
      write: async () => {
        const latest = ((await d.households.get(householdId)) ?? current) as unknown as Record<string, unknown>;
        const row: Record<string, unknown> = { ...latest };
        for (const [k, v] of Object.entries(changed)) {
          if (v === null) delete row[k];
          else row[k] = v;
        }
        const members = await d.members.where('household_id').equals(householdId).toArray();
        saved = { ...(row as unknown as HouseholdRow), pending: true, updated_at: nowIso() };
        saved = { ...saved, ...householdDerived(saved, members) };
        await d.households.put(saved);
      },
    },
    d,
  );
  return saved!;
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
    const was = b[k] === '' ? undefined : b[k];
    const now = a[k] === '' ? undefined : a[k];
    if (was !== now) out[k] = now ?? null;
  }
  return out;
}

/** The versions the server serves now (one per procedure: the newest, or the one the
 * province chose); older rows stay for the dossiers filed with them (`getProcedure`). */
export async function listProcedures(d: LangsoDB = db()): Promise<ProcedureRow[]> {
  return (await d.procedures.toArray()).filter((p) => p.served !== false);
}

export async function getProcedure(code: string, version: number, d: LangsoDB = db()): Promise<ProcedureRow | undefined> {
  return d.procedures.get([code, version]);
}
