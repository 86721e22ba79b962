/**
 * Apply one page of GET /api/sync/pull to the local tables, together with the new cursor, in ONE
 * transaction: a crash between pages re-pulls the page, never skips it. The transaction runs on the
 * relaxed-durability connection (LangsoDB.relaxed): a crash may also lose the last committed pages,
 * cursor included, which the next sync pulls again.
 *
 * Merge rule for rows with local work not yet acknowledged (pending outbox rows):
 *  - the server's values are taken for every field, then the fields of the pending mutations of
 *    that entity are laid on top, in outbox order (the device's intent is not lost; the server
 *    will merge it properly when the mutation is pushed — three-way, per field);
 *  - server-only fields (dossier status, official code, deadline…) always come from the server,
 *    except a dossier status while a submit/transition of it is pending (the UI keeps showing
 *    "submitted" until the server answers);
 *  - `version` becomes the server's: it is the version this device has now seen, the right `base`
 *    for the next change; `pending` stays true;
 *  - a server delete of an entity with pending work is not applied (the push result will say).
 *  - an older version than the local one is ignored (pages are per-entity latest, but a reset
 *    can replay older history).
 *
 * `reset` (cursor too old / scope changed): the replica is discarded before applying the page —
 * except rows with pending work and local drafts, which hold the only copy of volunteer work.
 */
import type { Table } from 'dexie';
import { householdSearchKey, searchKey } from './search';
import { db, type LangsoDB } from './db';
import type { DossierRow, HouseholdRow, MemberRow, OutboxRow } from './types';
import { META_KEYS } from './types';

export interface PullChange {
  entity: string;
  id: string;
  version: number;
  data: Record<string, unknown> | null;
  deleted?: boolean;
  /**
   * A closed dossier of the lean view (docs/protocol.md §5, lean view): `data` holds only household,
   * procedure, status, outcome and received date; the form stays as it was on the phone (usually
   * absent) until the dossier is fetched whole (src/net/dossier-fetch.ts).
   */
  summary?: boolean;
}

export interface PullPageResult {
  applied: number;
  skipped: number;
}

type Pending = { fields: Record<string, unknown>; ops: Set<string> };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Copy `src` into `out` dropping null/undefined (local rows use "absent" for "no value"). */
function defined(src: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

function overlay(server: Record<string, unknown>, pending: Pending | undefined): Record<string, unknown> {
  if (!pending) return server;
  const out = { ...server };
  for (const [k, v] of Object.entries(pending.fields)) {
    if (k === 'form_data' && v && typeof v === 'object') {
      out[k] = { ...((server[k] as Record<string, unknown>) ?? {}), ...(v as Record<string, unknown>) };
    } else out[k] = v;
  }
  return out;
}

async function pendingByEntity(d: LangsoDB): Promise<Map<string, Pending>> {
  const rows: OutboxRow[] = await d.outbox.where('state').equals('pending').sortBy('seq');
  const out = new Map<string, Pending>();
  for (const r of rows) {
    const p = out.get(r.entity_id) ?? { fields: {}, ops: new Set<string>() };
    p.ops.add(r.op);
    Object.assign(p.fields, r.fields);
    out.set(r.entity_id, p);
  }
  return out;
}

function memberRow(id: string, version: number, data: Record<string, unknown>, existing: MemberRow | undefined, pending: Pending | undefined, at: string): MemberRow {
  const merged = defined(overlay(data, pending));
  const fullName = (str(merged['full_name']) ?? existing?.full_name ?? '').normalize('NFC');
  return {
    ...(merged as Partial<MemberRow>),
    id,
    household_id: str(merged['household_id']) ?? existing?.household_id ?? '',
    full_name: fullName,
    relationship: str(merged['relationship']) ?? 'khac',
    version,
    search_key: searchKey(fullName),
    pending: pending !== undefined,
    updated_at: at,
  } as MemberRow;
}

function householdRow(id: string, version: number, data: Record<string, unknown>, existing: HouseholdRow | undefined, pending: Pending | undefined, at: string): HouseholdRow {
  const merged = defined(overlay(data, pending));
  const row: HouseholdRow = {
    id,
    village_id: str(merged['village_id']) ?? existing?.village_id ?? '',
    head_name: existing?.head_name ?? '',
    address: str(merged['address']) ?? '',
    version,
    search_key: existing?.search_key ?? '',
    pending: pending !== undefined,
    updated_at: at,
  };
  const head = str(merged['head_member_id']);
  if (head) row.head_member_id = head;
  const notes = str(merged['notes']);
  if (notes) row.notes = notes;
  if (Array.isArray(merged['members'])) row.members = (merged['members'] as unknown[]).filter((m): m is string => typeof m === 'string');
  if (existing?.commune_id) row.commune_id = existing.commune_id;
  return row;
}

function dossierRow(id: string, version: number, data: Record<string, unknown>, existing: DossierRow | undefined, pending: Pending | undefined, at: string, summary = false): DossierRow {
  if (summary) {
    return {
      ...existing,
      id,
      household_id: str(data['household_id']) ?? existing?.household_id ?? '',
      procedure_code: str(data['procedure_code']) ?? existing?.procedure_code ?? '',
      procedure_version: existing?.procedure_version ?? 1,
      status: str(data['status']) ?? existing?.status ?? 'draft',
      sync_state: existing?.sync_state ?? 'synced',
      values: existing?.values ?? {},
      updated_at: at,
      server: {
        ...existing?.server,
        version,
        outcome: (data['outcome'] as string | null | undefined) ?? null,
        received_at: (data['received_at'] as string | null | undefined) ?? null,
        summary: true,
      },
    };
  }
  const merged = overlay(data, pending);
  const keepLocalStatus = pending && (pending.ops.has('submit') || pending.ops.has('transition')) && existing;
  const form = (merged['form_data'] as Record<string, unknown> | undefined) ?? {};
  let syncState: DossierRow['sync_state'] = 'synced';
  if (pending) syncState = existing?.sync_state ?? 'queued';
  else if (existing?.sync_state === 'rejected' || existing?.sync_state === 'conflict') syncState = existing.sync_state;
  return {
    ...existing,
    id,
    household_id: str(data['household_id']) ?? existing?.household_id ?? '',
    procedure_code: str(data['procedure_code']) ?? existing?.procedure_code ?? '',
    procedure_version: typeof data['procedure_version'] === 'number' ? (data['procedure_version'] as number) : (existing?.procedure_version ?? 1),
    status: keepLocalStatus ? existing.status : (str(data['status']) ?? existing?.status ?? 'draft'),
    sync_state: syncState,
    values: { ...form },
    updated_at: at,
    server: {
      version,
      applicant_member_id: (merged['applicant_member_id'] as string | null | undefined) ?? null,
      village_id: str(data['village_id']) ?? '',
      outcome: (data['outcome'] as string | null | undefined) ?? null,
      official_code: (data['official_code'] as string | null | undefined) ?? null,
      received_at: (data['received_at'] as string | null | undefined) ?? null,
      due_date: (data['due_date'] as string | null | undefined) ?? null,
      revision: (data['revision'] as string | null | undefined) ?? null,
      components: (merged['components'] as Record<string, unknown> | undefined) ?? {},
    },
  };
}

/**
 * Head name and search key of the households whose members may have changed, computed in memory
 * BEFORE the page is written, so that every household row is written once: members already
 * stored (one indexed query) overlaid with the page's member rows. Returns the household rows to
 * put (rows of the page are updated in place in `pageHouseholds`).
 */
async function refreshHouseholds(
  ids: Iterable<string>,
  pageHouseholds: Map<string, HouseholdRow | null>,
  pageMembers: Map<string, MemberRow | null>,
  d: LangsoDB,
): Promise<HouseholdRow[]> {
  const keys = [...new Set(ids)].filter((id) => id !== '');
  if (keys.length === 0) return [];
  const byId = new Map<string, MemberRow>();
  for (const m of await d.members.where('household_id').anyOf(keys).toArray()) byId.set(m.id, m);
  for (const [id, m] of pageMembers) {
    if (m) byId.set(id, m);
    else byId.delete(id);
  }
  const byHousehold = new Map<string, MemberRow[]>();
  for (const m of byId.values()) {
    const list = byHousehold.get(m.household_id);
    if (list) list.push(m);
    else byHousehold.set(m.household_id, [m]);
  }
  const notInPage = keys.filter((id) => !pageHouseholds.has(id));
  const stored = notInPage.length > 0 ? await d.households.bulkGet(notInPage) : [];
  const storedById = new Map(notInPage.map((id, i) => [id, stored[i]] as const));
  const extra: HouseholdRow[] = [];
  for (const id of keys) {
    const h = pageHouseholds.has(id) ? pageHouseholds.get(id) : storedById.get(id);
    if (!h) continue;
    const own = byHousehold.get(h.id) ?? [];
    const head = own.find((m) => m.id === h.head_member_id) ?? own.find((m) => m.relationship === 'chu_ho');
    const headName = head?.full_name ?? h.head_name;
    const key = householdSearchKey(headName, h.address, own.map((m) => m.full_name));
    if (headName === h.head_name && key === h.search_key) continue;
    const updated = { ...h, head_name: headName, search_key: key };
    if (pageHouseholds.has(id)) pageHouseholds.set(id, updated);
    else extra.push(updated);
  }
  return extra;
}

async function discardReplica(pending: Map<string, Pending>, d: LangsoDB): Promise<void> {
  await d.households.filter((h) => !h.pending && !pending.has(h.id)).delete();
  await d.members.filter((m) => !m.pending && !pending.has(m.id)).delete();
  await d.dossiers.filter((x) => x.sync_state === 'synced' && !pending.has(x.id)).delete();
  await d.tasks.clear();
  await d.results.clear();
}

/**
 * Apply one pull page and store `cursor` with it (null: a change fetched apart, e.g. one dossier
 * fetched whole; the cursor stays). Unknown entity kinds are skipped (a newer server may send more
 * than this app knows).
 */
export async function applyPullPage(changes: readonly PullChange[], reset: boolean, cursor: string | null, app: LangsoDB = db()): Promise<PullPageResult> {
  // Relaxed durability (see LangsoDB.relaxed): everything written here is a copy of the server's
  // data, and the page commits with its cursor, so a lost commit is pulled again. The outbox is
  // only read, to lay pending work over the server's rows.
  const d = app.relaxed();
  const result: PullPageResult = { applied: 0, skipped: 0 };
  const at = new Date().toISOString();
  await d.transaction('rw', [d.meta, d.households, d.members, d.dossiers, d.tasks, d.results, d.outbox], async () => {
    const pending = await pendingByEntity(d);
    if (reset) await discardReplica(pending, d);
    const households = new Set<string>();
    // Entity rows: read in bulk, decided in memory (a later change of the same id in the page
    // sees the earlier one's outcome, as with row-by-row writes), written in bulk.
    const tables = { household: d.households, member: d.members, dossier: d.dossiers } as const;
    type Kind = keyof typeof tables;
    type AnyRow = HouseholdRow & MemberRow & DossierRow;
    const isKind = (e: string): e is Kind => e === 'household' || e === 'member' || e === 'dossier';
    const current = new Map<string, AnyRow | undefined>();
    const final = { household: new Map<string, AnyRow | null>(), member: new Map<string, AnyRow | null>(), dossier: new Map<string, AnyRow | null>() };
    for (const kind of Object.keys(tables) as Kind[]) {
      const ids = [...new Set(changes.filter((c) => c.entity === kind).map((c) => c.id))];
      if (ids.length === 0) continue;
      const rows = (await (tables[kind] as Table).bulkGet(ids)) as (AnyRow | undefined)[];
      ids.forEach((id, i) => {
        current.set(`${kind}:${id}`, rows[i]);
      });
    }
    for (const c of changes) {
      const p = pending.get(c.id);
      const data = c.data ?? {};
      if (isKind(c.entity)) {
        const slot = `${c.entity}:${c.id}`;
        const existing = current.get(slot);
        const localVersion = c.entity === 'dossier' ? existing?.server?.version : existing?.version;
        if (localVersion !== undefined && localVersion > c.version) {
          result.skipped++;
          continue;
        }
        if (c.deleted) {
          if (p || existing?.sync_state === 'local') result.skipped++;
          else {
            final[c.entity].set(c.id, null);
            current.set(slot, undefined);
            result.applied++;
          }
          if (c.entity === 'member' && existing?.household_id) households.add(existing.household_id);
          continue;
        }
        let row: AnyRow;
        if (c.entity === 'household') {
          row = householdRow(c.id, c.version, data, existing, p, at) as AnyRow;
          households.add(c.id);
        } else if (c.entity === 'member') {
          row = memberRow(c.id, c.version, data, existing, p, at) as AnyRow;
          households.add(row.household_id);
          if (existing && existing.household_id !== row.household_id) households.add(existing.household_id);
        } else {
          row = dossierRow(c.id, c.version, data, existing, p, at, c.summary === true) as AnyRow;
        }
        final[c.entity].set(c.id, row);
        current.set(slot, row);
        result.applied++;
      } else if (c.entity === 'task') {
        if (c.deleted) await d.tasks.delete(c.id);
        else {
          await d.tasks.put({
            ...(defined(data) as object),
            id: c.id,
            dossier_id: str(data['dossier_id']) ?? '',
            kind: str(data['kind']) ?? 'task',
            status: str(data['status']) ?? 'open',
            version: c.version,
          });
        }
        result.applied++;
      } else if (c.entity === 'result') {
        if (c.deleted) await d.results.delete(c.id);
        else await d.results.put({ id: c.id, dossier_id: str(data['dossier_id']) ?? '', version: c.version, data });
        result.applied++;
      } else {
        result.skipped++;
      }
    }
    const extraHouseholds = await refreshHouseholds(
      households,
      final.household as Map<string, HouseholdRow | null>,
      final.member as Map<string, MemberRow | null>,
      d,
    );
    for (const kind of Object.keys(tables) as Kind[]) {
      const puts: AnyRow[] = [];
      const deletes: string[] = [];
      for (const [id, row] of final[kind]) {
        if (row) puts.push(row);
        else deletes.push(id);
      }
      if (deletes.length > 0) await (tables[kind] as Table).bulkDelete(deletes);
      if (puts.length > 0) await (tables[kind] as Table).bulkPut(puts);
    }
    if (extraHouseholds.length > 0) await d.households.bulkPut(extraHouseholds);
    if (cursor !== null) await d.meta.put({ key: META_KEYS.cursor, value: cursor });
  });
  return result;
}
