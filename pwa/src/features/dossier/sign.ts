/**
 * Signing a dossier on the device: the applicant's drawn signature is stored as a blob, then the
 * `create` (first time only) and `submit` mutations are signed and queued through the sync
 * engine's outbox. Nothing here talks to the network.
 *
 * Invariants:
 *  - Refuses (NotReadyError) unless the form validates and every required component is present:
 *    the server would refuse the submission anyway, and a refused signature cannot be fixed
 *    offline.
 *  - `create` is queued at most once per dossier (draft.create_queued, set right after queueing).
 *  - The first submission has prev_revision null; a supplement chains to the latest revision hash
 *    (pulled `revision`, else the hash of this device's previous submit).
 */
import { queueMutation } from '../../store/outbox';
import { putBlob } from '../../store/blobs';
import type { FormField } from '../../forms/schema';
import { db, type LangsoDB } from '../../store/db';
import type { JsonObject } from '../../sync/forms';
import { transition } from '../../sync/states';
import { draftsTable, getDossier, getDraft, saveDraft, type LocalDossierRow } from './drafts';
import {
  componentHashes,
  countPrefilled,
  createFields,
  fillSeconds,
  formData,
  formIssues,
  mergeValues,
  missingComponents,
  readiness,
  submitFields,
  type ComponentDef,
  type Readiness,
} from './model';
import type { DossierDraft } from './types';

export class NotReadyError extends Error {
  readonly code = 'dossier_not_ready';
  constructor(readonly readiness: Readiness) {
    super('Hồ sơ chưa đủ để ký / the dossier is not complete');
  }
}

export interface SignInput {
  dossierId: string;
  fields: readonly FormField[];
  components: readonly ComponentDef[];
  /** Live prefill (new dossiers): the form is shown as prefill overlaid with the edits. */
  prefill: JsonObject;
  memberIds: readonly string[];
  today: string;
  signature: Blob;
  signerName: string;
  now?: Date;
}

export interface SignResult {
  draft: DossierDraft;
  submitHash: string | undefined;
}

/** The values the form shows for a draft. */
export function draftValues(draft: DossierDraft, prefill: JsonObject): Record<string, unknown> {
  return mergeValues(draft.mode === 'new' ? { ...prefill, ...draft.base } : draft.base, draft.typed);
}

export async function signDossier(input: SignInput, d: LangsoDB = db()): Promise<SignResult> {
  const now = input.now ?? new Date();
  const draft = await getDraft(input.dossierId, d);
  if (!draft) throw new Error(`no draft for dossier ${input.dossierId}`);
  if (draft.signed_at && draft.mode === 'new') throw new Error('already signed');
  const values = draftValues(draft, input.prefill);
  const data = formData(input.fields, values);
  const ready = readiness(formIssues(input.fields, data, input.today, input.memberIds), missingComponents(input.components, draft.components));
  if (!ready.ready) throw new NotReadyError(ready);
  const signerName = input.signerName.normalize('NFC').trim();
  if (!signerName) throw new Error('signer name required');

  const row0 = await getDossier(draft.dossier_id, d);
  // The state machine decides before anything is signed: a new dossier must be a draft, a
  // supplement needs the officer's request (throws IllegalTransition with a Vietnamese message).
  const moved = transition(row0?.status ?? 'draft', draft.mode === 'new' ? 'submit' : 'supplement', 'volunteer');

  const signature = await putBlob(input.signature);
  const signedAt = now.toISOString();
  const row = row0;

  let current = draft;
  if (current.mode === 'new' && !current.create_queued && !(await createInOutbox(d, current.dossier_id))) {
    const marked: DossierDraft = { ...current, create_queued: true };
    await queueMutation(
      { entity: 'dossier', entity_id: current.dossier_id, op: 'create', base: 0, fields: createFields(current, data, input.components) },
      // Same transaction as the outbox row: the create is queued exactly once even if the app dies here.
      { tables: [draftsTable(d)], write: () => saveDraft(marked, values, {}, d, now).then(() => undefined) },
      d,
    );
    current = marked;
  }

  const first = current.mode === 'new';
  const counts = first ? countPrefilled(input.fields, data, input.prefill) : undefined;
  const seconds = first ? fillSeconds(current.fill_started_at, now) : undefined;
  const prevRevision = first ? null : (row?.server?.revision ?? current.last_revision ?? null);
  const components = componentHashes(current.components, input.components);
  const signedDraft: DossierDraft = {
    ...current,
    signed_at: signedAt,
    signer_name: signerName,
    signature_sha256: signature.sha256,
    submissions: current.submissions + 1,
    ...(seconds !== undefined ? { fill_seconds: seconds } : {}),
    ...(counts ? { prefilled_fields: counts.prefilled, total_fields: counts.total } : {}),
  };
  const rowPatch: Partial<LocalDossierRow> = {
    // Shown until the server answers (the pull keeps a local status while the submit is pending).
    status: moved.target,
    sync_state: 'queued',
    signed_components: components,
    signed_at: signedAt,
    ...(signedDraft.fill_started_at ? { fill_started_at: signedDraft.fill_started_at } : {}),
    ...(signedDraft.fill_seconds !== undefined ? { fill_seconds: signedDraft.fill_seconds } : {}),
    ...(signedDraft.prefilled_fields !== undefined
      ? { prefilled_fields: signedDraft.prefilled_fields, total_fields: signedDraft.total_fields ?? 0 }
      : {}),
  };
  let saved = signedDraft;
  const queued = await queueMutation(
    {
      entity: 'dossier',
      entity_id: current.dossier_id,
      op: 'submit',
      // The server version this submission builds on: 1 right after our create, else as pulled.
      base: row?.server?.version ?? 1,
      fields: submitFields({
        data,
        components,
        consent: { signature_sha256: signature.sha256, signer_name: signerName, signed_at: signedAt },
        prevRevision,
        fillStartedAt: first ? current.fill_started_at : undefined,
        fillSeconds: seconds,
        prefill: counts,
      }),
    },
    {
      tables: [draftsTable(d)],
      // The signed state of the draft is durable together with the signed mutation.
      write: async (out) => {
        saved = await saveDraft({ ...signedDraft, ...(out.hash ? { last_revision: out.hash } : {}) }, data, rowPatch, d, now);
      },
    },
    d,
  );
  return { draft: saved, submitHash: typeof queued?.hash === 'string' ? queued.hash : undefined };
}

/** A `create` for this dossier already in the outbox (a crash right after queueing it). */
async function createInOutbox(d: LangsoDB, dossierId: string): Promise<boolean> {
  const rows = await d.outbox.where('entity_id').equals(dossierId).toArray();
  return rows.some((r) => r.op === 'create' && (r.entity === 'dossier' || r.entity === undefined));
}
