/**
 * Local persistence of the wizard: the `dossier_drafts` row (working state) and the shared
 * `dossiers` row (what lists show and what the sync engine updates from the server). Every change
 * is written at once, so a draft survives a reload or the app being killed.
 *
 * Invariants: the draft and its dossier row are written in one transaction; nothing is written
 * before the volunteer does something (startDraft keeps the new draft in memory until its first
 * save), so merely opening a form leaves no draft behind.
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

/** New drafts opened in this page but not saved yet (nothing typed): never in storage. */
const unsaved = new Map<string, DossierDraft>();

/** The stored draft, else a new one opened by startDraft and not saved yet (the wizard's load). */
export async function loadDraft(dossierId: string, d: LangsoDB = db()): Promise<DossierDraft | undefined> {
  return (await getDraft(dossierId, d)) ?? unsaved.get(dossierId);
}

/** True while `dossierId` names a draft opened in this page that nothing was saved to yet. */
export function isUnsavedDraft(dossierId: string): boolean {
  return unsaved.has(dossierId);
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
  unsaved.delete(draft.dossier_id);
  return stamped;
}

type NewDraftArgs = { householdId: string; applicantId: string; procedureCode: string; procedureVersion: number };

function emptyDraft(args: NewDraftArgs, now: Date): DossierDraft {
  return {
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
}

/**
 * A new dossier for `applicant` of `household`, opened at the form step but NOT stored: the first
 * change the wizard saves (saveDraft) creates the draft. Until then it is not listed, not counted
 * and gone after a reload.
 */
export function startDraft(args: NewDraftArgs, now: Date = new Date()): DossierDraft {
  const draft = emptyDraft(args, now);
  unsaved.set(draft.dossier_id, draft);
  return draft;
}

/** A new dossier for `applicant` of `household`, stored at once with an empty draft (tests, imports). */
export async function createDraft(args: NewDraftArgs, d: LangsoDB = db(), now: Date = new Date()): Promise<DossierDraft> {
  return saveDraft(emptyDraft(args, now), {}, { status: 'draft', sync_state: 'local' }, d, now);
}

export class DiscardRefused extends Error {
  readonly code = 'draft_not_discardable';
  constructor(
    readonly message_vi: string,
    readonly message_en: string,
  ) {
    super(message_en);
  }
}

/** A draft the volunteer may throw away: a new dossier never signed, nothing of it queued. */
export function isDiscardable(draft: DossierDraft | undefined, row: Pick<LocalDossierRow, 'sync_state'> | undefined): boolean {
  return !!draft && draft.mode === 'new' && !draft.signed_at && !draft.create_queued && (row?.sync_state ?? 'local') === 'local';
}

/**
 * Throw away an unsigned new draft: its draft and dossier rows, and the files only it used (still
 * 'local': never queued for upload). Re-checked inside the transaction, and refused when anything
 * of the dossier is in the outbox, so signed work can never be discarded this way.
 */
export async function discardDraft(dossierId: string, d: LangsoDB = db()): Promise<void> {
  unsaved.delete(dossierId);
  const drafts = draftsTable(d);
  await d.transaction('rw', [d.dossiers, drafts, d.blobs, d.outbox], async () => {
    const draft = await drafts.get(dossierId);
    const row = (await d.dossiers.get(dossierId)) as LocalDossierRow | undefined;
    const queued = await d.outbox.where('entity_id').equals(dossierId).count();
    if (!draft && !row) return;
    if (!isDiscardable(draft, row) || queued > 0) {
      throw new DiscardRefused(
        'Hồ sơ này đã ký hoặc đã gửi đi nên không thể bỏ.',
        'This dossier is signed or sent: it cannot be discarded.',
      );
    }
    const mine = new Set(Object.values(draft!.components).flat().map((r) => r.sha256));
    if (draft!.signature_sha256) mine.add(draft!.signature_sha256);
    for (const other of await drafts.toArray()) {
      if (other.dossier_id === dossierId) continue;
      for (const ref of Object.values(other.components).flat()) mine.delete(ref.sha256);
      if (other.signature_sha256) mine.delete(other.signature_sha256);
    }
    for (const sha of mine) {
      const blob = await d.blobs.get(sha);
      if (blob && blob.state === 'local') await d.blobs.delete(sha);
    }
    await drafts.delete(dossierId);
    await d.dossiers.delete(dossierId);
  });
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
