/**
 * Local persistence of the wizard: the `dossier_drafts` row (working state) and the shared
 * `dossiers` row (what lists show and what the sync engine updates from the server). Every change
 * is written at once, so a draft survives a reload or the app being killed.
 *
 * Invariant: the draft and its dossier row are written in one transaction.
 */
import type { Table } from 'dexie';
import { db, type LangsoDB } from '../../store/db';
import type { DossierRow } from '../../store/types';
import type { DossierDraft, RatingRecord } from './types';

/** Properties this feature adds to the shared dossier row (non-indexed, carried by Dexie). */
export interface DossierRowExtras {
  applicant_member_id?: string;
  /** Component hashes as last signed on this device: `{code: [sha256…]}` (the server's are in `server`). */
  signed_components?: Record<string, string[]>;
  fill_started_at?: string;
  fill_seconds?: number;
  prefilled_fields?: number;
  total_fields?: number;
  signed_at?: string;
}

export type LocalDossierRow = DossierRow & DossierRowExtras;

export function draftsTable(d: LangsoDB = db()): Table<DossierDraft, string> {
  return d.table('dossier_drafts');
}

export function ratingsTable(d: LangsoDB = db()): Table<RatingRecord, string> {
  return d.table('dossier_ratings');
}

export async function getDraft(dossierId: string, d: LangsoDB = db()): Promise<DossierDraft | undefined> {
  return draftsTable(d).get(dossierId);
}

export async function getDossier(dossierId: string, d: LangsoDB = db()): Promise<LocalDossierRow | undefined> {
  return (await d.dossiers.get(dossierId)) as LocalDossierRow | undefined;
}

/**
 * Save the draft and mirror it on the dossier row (form values, sync state, extras). `values` are
 * the form values as shown; `patch` adds fields to the row (e.g. sync_state after signing).
 */
export async function saveDraft(
  draft: DossierDraft,
  values: Record<string, unknown>,
  patch: Partial<LocalDossierRow> = {},
  d: LangsoDB = db(),
  now: Date = new Date(),
): Promise<DossierDraft> {
  const stamped: DossierDraft = { ...draft, updated_at: now.toISOString() };
  await d.transaction('rw', [d.dossiers, draftsTable(d)], async () => {
    const previous = (await d.dossiers.get(draft.dossier_id)) as LocalDossierRow | undefined;
    const row: LocalDossierRow = {
      ...previous,
      id: draft.dossier_id,
      household_id: draft.household_id,
      procedure_code: draft.procedure_code,
      procedure_version: draft.procedure_version,
      applicant_member_id: draft.applicant_member_id,
      status: previous?.status ?? 'draft',
      sync_state: previous?.sync_state ?? 'local',
      values,
      updated_at: stamped.updated_at,
      ...patch,
    };
    await draftsTable(d).put(stamped);
    await d.dossiers.put(row);
  });
  return stamped;
}

/** A new dossier for `applicant` of `household`, with an empty draft at the form step. */
export async function createDraft(
  args: { householdId: string; applicantId: string; procedureCode: string; procedureVersion: number },
  d: LangsoDB = db(),
  now: Date = new Date(),
): Promise<DossierDraft> {
  const draft: DossierDraft = {
    dossier_id: crypto.randomUUID(),
    household_id: args.householdId,
    applicant_member_id: args.applicantId,
    procedure_code: args.procedureCode,
    procedure_version: args.procedureVersion,
    mode: 'new',
    base: {},
    typed: {},
    components: {},
    step: 'form',
    create_queued: false,
    submissions: 0,
    updated_at: now.toISOString(),
  };
  return saveDraft(draft, {}, { status: 'draft', sync_state: 'local' }, d, now);
}

/**
 * Re-open a dossier for a supplement: the form and components start from what the server holds
 * (the pulled row), keeping the local file details of hashes already known; the signature and
 * timer of the previous submission are kept for display, the new one is a separate signature.
 */
export async function reopenForSupplement(
  dossierId: string,
  d: LangsoDB = db(),
  now: Date = new Date(),
): Promise<DossierDraft> {
  const row = await getDossier(dossierId, d);
  if (!row) throw new Error(`dossier ${dossierId} not found`);
  const old = await getDraft(dossierId, d);
  if (old && old.mode === 'supplement' && !old.signed_at) return old; // already re-opened
  const known = new Map(Object.values(old?.components ?? {}).flat().map((r) => [r.sha256, r]));
  const hashes = serverComponents(row) ?? row.signed_components ?? componentsFromDraft(old);
  const components: DossierDraft['components'] = {};
  for (const [code, list] of Object.entries(hashes)) {
    components[code] = list.map((sha256) => known.get(sha256) ?? { sha256, size: 0, type: '', added_at: row.updated_at });
  }
  const draft: DossierDraft = {
    dossier_id: dossierId,
    household_id: row.household_id,
    applicant_member_id: row.server?.applicant_member_id ?? row.applicant_member_id ?? old?.applicant_member_id ?? '',
    procedure_code: row.procedure_code,
    procedure_version: row.procedure_version,
    mode: 'supplement',
    base: { ...(row.values ?? {}) },
    typed: {},
    components,
    step: 'documents',
    create_queued: true,
    submissions: old?.submissions ?? 0,
    updated_at: now.toISOString(),
    ...(old?.fill_started_at ? { fill_started_at: old.fill_started_at } : {}),
    ...(old?.fill_seconds !== undefined ? { fill_seconds: old.fill_seconds } : {}),
    ...(old?.prefilled_fields !== undefined ? { prefilled_fields: old.prefilled_fields, total_fields: old.total_fields ?? 0 } : {}),
    ...(old?.last_revision ? { last_revision: old.last_revision } : {}),
  };
  return saveDraft(draft, { ...(row.values ?? {}) }, {}, d, now);
}

/** `{code: [sha256…]}` the server holds (pulled), when known. */
export function serverComponents(row: LocalDossierRow): Record<string, string[]> | undefined {
  const raw = row.server?.components;
  if (!raw) return undefined;
  const out: Record<string, string[]> = {};
  for (const [code, list] of Object.entries(raw)) {
    if (Array.isArray(list)) out[code] = list.filter((h): h is string => typeof h === 'string');
  }
  return out;
}

function componentsFromDraft(draft: DossierDraft | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [code, refs] of Object.entries(draft?.components ?? {})) out[code] = refs.map((r) => r.sha256);
  return out;
}

export async function ratingOf(dossierId: string, d: LangsoDB = db()): Promise<RatingRecord | undefined> {
  return ratingsTable(d).where('dossier_id').equals(dossierId).first();
}
