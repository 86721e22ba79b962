import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueueInput, QueueOptions } from '../src/store/outbox';

// The sync engine is mocked: these tests check what the wizard ASKS it to sign and queue.
const queued: QueueInput[] = [];
let hashCounter = 0;
const hex = (n: number, ch = 'a'): string => (ch.repeat(56) + n.toString(16).padStart(8, '0')).slice(-64);

vi.mock('../src/store/outbox', () => ({
  queueMutation: vi.fn(async (input: QueueInput, opts: QueueOptions = {}) => {
    queued.push(structuredClone(input));
    const row = { ...input, seq: queued.length, id: `m${queued.length}`, n: queued.length, prev: '', hlc: '', payload: '{}', sig: '', hash: hex(++hashCounter, 'e'), state: 'pending', created_at: '' };
    await opts.write?.(row as never);
    return row;
  }),
}));
vi.mock('../src/store/blobs', () => ({
  putBlob: vi.fn(async (blob: Blob) => ({ sha256: hex(blob.size, 'c'), size: blob.size, type: blob.type })),
  getBlob: vi.fn(async () => undefined),
}));

import { markResultReturned, recordRating } from '../src/features/dossier/actions';
import { withAttachment } from '../src/features/dossier/actions';
import { loadContext, prefillFor } from '../src/features/dossier/context';
import { createDraft, getDossier, getDraft, reopenForSupplement, saveDraft } from '../src/features/dossier/drafts';
import { countPrefilled, formData, recordEdits, startFillTimer, type ComponentDef } from '../src/features/dossier/model';
import { draftValues, NotReadyError, signDossier, type SignInput } from '../src/features/dossier/sign';
import type { DossierDraft } from '../src/features/dossier/types';
import type { FormField } from '../src/forms/schema';
import type { LangsoDB } from '../src/store/db';
import { freshDb } from './store-harness';
import { HEAD, HOUSEHOLD, KHAI_SINH, pythonSet, repoText, seed, TYPED, WIFE } from './dossier-fixtures';

const FIELDS = KHAI_SINH.form.fields as unknown as FormField[];
const SUBMIT_FIELDS = pythonSet(repoText('backend/dossiers/handlers.py'), 'SUBMIT_FIELDS = frozenset(');
const WRITABLE_DOSSIER = pythonSet(repoText('backend/changelog/entities.py'), '"dossier": frozenset(');
const RATING_FIELDS = pythonSet(repoText('backend/monitoring/ratings.py'), 'RATING_FIELDS = frozenset(');
const HEX64 = /^[0-9a-f]{64}$/;

let d: LangsoDB;
let components: ComponentDef[];

beforeEach(async () => {
  queued.length = 0;
  d = freshDb();
  await seed(d);
  components = (await loadContext({ householdId: HOUSEHOLD.id, applicantId: HEAD.id, procedureCode: 'khai-sinh', procedureVersion: 1 }, d)).components;
});
afterEach(() => d.close());

/** A new draft filled like a volunteer would: typed answers over the prefill, timer started at `start`. */
async function filledDraft(start: Date, withPhoto = true): Promise<{ draft: DossierDraft; prefill: Record<string, unknown> }> {
  let draft = await createDraft({ householdId: HOUSEHOLD.id, applicantId: HEAD.id, procedureCode: 'khai-sinh', procedureVersion: 1 }, d, start);
  const ctx = await loadContext({ householdId: HOUSEHOLD.id, applicantId: HEAD.id, procedureCode: 'khai-sinh', procedureVersion: 1 }, d);
  const prefill = prefillFor(FIELDS, ctx, draft.typed);
  const shown = draftValues(draft, prefill);
  draft = startFillTimer({ ...draft, typed: recordEdits(draft.typed, shown, { ...shown, ...TYPED }) }, start);
  if (withPhoto) {
    draft = withAttachment(draft, 'giay-chung-sinh', { sha256: hex(1, 'b'), size: 150_000, type: 'image/jpeg', added_at: start.toISOString() }, start);
  }
  await saveDraft(draft, draftValues(draft, prefill), {}, d, start);
  return { draft, prefill };
}

function signInput(draft: DossierDraft, prefill: Record<string, unknown>, now: Date): SignInput {
  return {
    dossierId: draft.dossier_id,
    fields: FIELDS,
    components,
    prefill,
    memberIds: [HEAD.id, WIFE.id],
    today: '2026-03-02',
    signature: new Blob([new Uint8Array(1234)], { type: 'image/png' }),
    signerName: 'Giàng A Páo',
    now,
  };
}

describe('prefill', () => {
  it('fills what the household already knows and counts it (≥ 50% of the filled fields)', async () => {
    const { draft, prefill } = await filledDraft(new Date('2026-03-02T07:56:00Z'));
    expect(prefill).toMatchObject({
      mother_member: WIFE.id,
      mother_full_name: 'Vàng Thị Dính',
      father_member: HEAD.id,
      father_cccd: HEAD.cccd,
      requester_full_name: 'Giàng A Páo',
      requester_cccd: HEAD.cccd,
      child_place_of_birth_address: HOUSEHOLD.address,
    });
    const data = formData(FIELDS, draftValues(draft, prefill));
    const counts = countPrefilled(FIELDS, data, prefill);
    expect(counts.total).toBe(Object.keys(data).length);
    expect(counts.prefilled).toBe(counts.total - Object.keys(TYPED).length);
    expect(counts.prefilled / counts.total).toBeGreaterThanOrEqual(0.5);
  });

  it('stops counting a prefilled field once the volunteer changes it', async () => {
    const { draft, prefill } = await filledDraft(new Date('2026-03-02T07:56:00Z'));
    const before = countPrefilled(FIELDS, formData(FIELDS, draftValues(draft, prefill)), prefill);
    const edited = { ...draft, typed: { ...draft.typed, mother_full_name: 'Vàng Thị Dinh' } };
    const after = countPrefilled(FIELDS, formData(FIELDS, draftValues(edited, prefill)), prefill);
    expect(after).toEqual({ prefilled: before.prefilled - 1, total: before.total });
  });

  it('hidden prefilled fields are neither sent nor counted', async () => {
    const { draft, prefill } = await filledDraft(new Date('2026-03-02T07:56:00Z'));
    const noFather = { ...draft, typed: { ...draft.typed, father_known: 'khong' } };
    const data = formData(FIELDS, draftValues(noFather, prefill));
    expect(data).not.toHaveProperty('father_full_name');
    expect(countPrefilled(FIELDS, data, prefill).total).toBe(Object.keys(data).length);
  });
});

describe('signing a new dossier', () => {
  it('cannot sign while a required component is missing, and queues nothing', async () => {
    const { draft, prefill } = await filledDraft(new Date('2026-03-02T07:56:00Z'), false);
    const err = await signDossier(signInput(draft, prefill, new Date('2026-03-02T08:00:00Z')), d).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotReadyError);
    expect((err as NotReadyError).readiness.missing.map((m) => m.component.code)).toEqual(['giay-chung-sinh']);
    expect((err as NotReadyError).readiness.issues).toEqual([]);
    expect(queued).toEqual([]);
    expect((await getDraft(draft.dossier_id, d))?.signed_at).toBeUndefined();
  });

  it('cannot sign an invalid form', async () => {
    const { draft, prefill } = await filledDraft(new Date('2026-03-02T07:56:00Z'));
    await saveDraft({ ...draft, typed: { ...draft.typed, child_full_name: null } }, {}, {}, d);
    const err = await signDossier(signInput(draft, prefill, new Date('2026-03-02T08:00:00Z')), d).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotReadyError);
    expect((err as NotReadyError).readiness.issues.map((i) => i.path)).toContain('child_full_name');
    expect(queued).toEqual([]);
  });

  it('queues create then submit with exactly the fields apply_dossier accepts', async () => {
    const start = new Date('2026-03-02T07:56:48Z');
    const { draft, prefill } = await filledDraft(start);
    const { draft: signed, submitHash } = await signDossier(signInput(draft, prefill, new Date('2026-03-02T08:00:00Z')), d);

    expect(queued.map((q) => [q.entity, q.op, q.base])).toEqual([
      ['dossier', 'create', 0],
      ['dossier', 'submit', 1],
    ]);
    const [create, submit] = queued as [QueueInput, QueueInput];
    expect(create.entity_id).toBe(draft.dossier_id);
    expect(Object.keys(create.fields).sort()).toEqual(WRITABLE_DOSSIER);
    expect(create.fields).toMatchObject({ procedure_code: 'khai-sinh', procedure_version: 1, applicant_member_id: HEAD.id });

    // Every key is one the backend accepts; the four it requires are present.
    const keys = Object.keys(submit.fields).sort();
    expect(keys.filter((k) => !SUBMIT_FIELDS.includes(k))).toEqual([]);
    expect(keys).toEqual(expect.arrayContaining(['components', 'consent', 'form_data', 'prev_revision']));
    expect(submit.fields.prev_revision).toBeNull();
    expect(submit.fields.components).toEqual({ 'giay-chung-sinh': [hex(1, 'b')] });
    const consent = submit.fields.consent as Record<string, unknown>;
    expect(Object.keys(consent).sort()).toEqual(['signature_sha256', 'signed_at', 'signer_name']);
    expect(consent.signature_sha256).toMatch(HEX64);
    expect(consent).toMatchObject({ signer_name: 'Giàng A Páo', signed_at: '2026-03-02T08:00:00.000Z' });
    const form = submit.fields.form_data as Record<string, unknown>;
    expect(form).toMatchObject({ ...TYPED, mother_full_name: 'Vàng Thị Dính', requester_cccd: HEAD.cccd });
    expect(Object.values(form)).not.toContain(null);
    // The fill timer: first interaction 07:56:48 → signature 08:00:00.
    expect(submit.fields.fill_started_at).toBe('2026-03-02T07:56:48.000Z');
    expect(submit.fields.fill_seconds).toBe(192);
    expect(Number.isInteger(submit.fields.fill_seconds)).toBe(true);

    // Stored: draft signed and chained, dossier row queued with timer and prefill counts.
    expect(signed).toMatchObject({ create_queued: true, submissions: 1, fill_seconds: 192, last_revision: submitHash });
    expect(signed.prefilled_fields! / signed.total_fields!).toBeGreaterThanOrEqual(0.5);
    const row = await getDossier(draft.dossier_id, d);
    expect(row).toMatchObject({ status: 'submitted', sync_state: 'queued', fill_seconds: 192, signed_components: { 'giay-chung-sinh': [hex(1, 'b')] } });
    expect(row?.prefilled_fields).toBe(signed.prefilled_fields);
  });

  it('does not queue a second create after a crash between queueing and saving', async () => {
    const { draft, prefill } = await filledDraft(new Date('2026-03-02T07:56:00Z'));
    await d.outbox.add({ entity: 'dossier', entity_id: draft.dossier_id, op: 'create', fields: {}, created_at: '' });
    await signDossier(signInput(draft, prefill, new Date('2026-03-02T08:00:00Z')), d);
    expect(queued.map((q) => q.op)).toEqual(['submit']);
  });
});

describe('supplement', () => {
  it('re-opens with the server data and re-signs a submit chained to the last revision', async () => {
    const { draft, prefill } = await filledDraft(new Date('2026-03-02T07:56:00Z'));
    await signDossier(signInput(draft, prefill, new Date('2026-03-02T08:00:00Z')), d);
    const sent = queued[1]!.fields;
    queued.length = 0;

    // The sync engine pulled the officer's request: status, server version and revision.
    const revision = hex(7, 'd');
    await d.dossiers.update(draft.dossier_id, {
      status: 'supplement_requested',
      sync_state: 'synced',
      values: sent.form_data as Record<string, unknown>,
      server: { version: 4, revision, components: sent.components as Record<string, unknown>, applicant_member_id: HEAD.id },
    });
    const reopened = await reopenForSupplement(draft.dossier_id, d);
    expect(reopened).toMatchObject({ mode: 'supplement', step: 'documents', create_queued: true, base: sent.form_data });
    expect(reopened.signed_at).toBeUndefined();
    // The known photo keeps its local details.
    expect(reopened.components['giay-chung-sinh']![0]).toMatchObject({ sha256: hex(1, 'b'), size: 150_000 });

    const extra = withAttachment(reopened, 'van-ban-uy-quyen', { sha256: hex(2, 'b'), size: 90_000, type: 'image/webp', added_at: '' }, new Date());
    await saveDraft(extra, extra.base, {}, d);
    await signDossier(signInput(extra, {}, new Date('2026-03-05T09:00:00Z')), d);

    expect(queued.map((q) => [q.entity, q.op, q.base])).toEqual([['dossier', 'submit', 4]]);
    const f = queued[0]!.fields;
    expect(f.prev_revision).toBe(revision);
    expect(f.components).toEqual({ 'giay-chung-sinh': [hex(1, 'b')], 'van-ban-uy-quyen': [hex(2, 'b')] });
    expect(f.form_data).toEqual(sent.form_data);
    expect(f).not.toHaveProperty('fill_seconds');
    expect(Object.keys(f).filter((k) => !SUBMIT_FIELDS.includes(k))).toEqual([]);
    // The first filing's timer is kept for display.
    expect((await getDraft(draft.dossier_id, d))?.fill_seconds).toBe(240);
  });

  it('falls back to the hash of this device\'s last submit when no revision was pulled', async () => {
    const { draft, prefill } = await filledDraft(new Date('2026-03-02T07:56:00Z'));
    const { submitHash } = await signDossier(signInput(draft, prefill, new Date('2026-03-02T08:00:00Z')), d);
    queued.length = 0;
    await d.dossiers.update(draft.dossier_id, { status: 'supplement_requested', sync_state: 'synced' });
    const reopened = await reopenForSupplement(draft.dossier_id, d);
    await signDossier(signInput(reopened, {}, new Date('2026-03-05T09:00:00Z')), d);
    expect(queued[0]!.fields.prev_revision).toBe(submitHash);
  });
});

describe('state machine guard', () => {
  it('refuses a supplement signature unless the commune asked for one', async () => {
    const { draft, prefill } = await filledDraft(new Date('2026-03-02T07:56:00Z'));
    await signDossier(signInput(draft, prefill, new Date('2026-03-02T08:00:00Z')), d);
    queued.length = 0;
    await d.dossiers.update(draft.dossier_id, { status: 'supplement_requested', sync_state: 'synced' });
    const reopened = await reopenForSupplement(draft.dossier_id, d);
    await d.dossiers.update(draft.dossier_id, { status: 'processing' }); // the officer moved on meanwhile
    await expect(signDossier(signInput(reopened, {}, new Date()), d)).rejects.toThrow(/Không thể/);
    expect(queued).toEqual([]);
  });

  it('records the hand-over of a result as a signed return_result transition', async () => {
    const { draft, prefill } = await filledDraft(new Date('2026-03-02T07:56:00Z'));
    await signDossier(signInput(draft, prefill, new Date('2026-03-02T08:00:00Z')), d);
    queued.length = 0;
    await d.dossiers.update(draft.dossier_id, { status: 'done', sync_state: 'synced', server: { version: 7 } });
    await markResultReturned(draft.dossier_id, d);
    expect(queued).toEqual([{ entity: 'dossier', entity_id: draft.dossier_id, op: 'transition', base: 7, fields: { action: 'return_result' } }]);
    expect(await getDossier(draft.dossier_id, d)).toMatchObject({ status: 'result_returned', sync_state: 'queued' });
  });
});

describe('rating', () => {
  it('queues a rating create with exactly the fields the backend accepts', async () => {
    const r = await recordRating('44444444-4444-4444-8444-444444444444', 'very_satisfied', '  Cán bộ nhiệt tình  ', d, new Date('2026-03-10T10:00:00Z'));
    expect(queued).toHaveLength(1);
    const q = queued[0]!;
    expect([q.entity, q.op, q.base, q.entity_id]).toEqual(['rating', 'create', 0, r.id]);
    // The volunteer's own rating sends no `by` (the backend's default); see the citizen's below.
    expect(Object.keys(q.fields).sort()).toEqual(RATING_FIELDS.filter((k) => k !== 'by'));
    expect(q.fields).toEqual({
      dossier_id: '44444444-4444-4444-8444-444444444444',
      rating: 'very_satisfied',
      comment: 'Cán bộ nhiệt tình',
      rated_at: '2026-03-10T10:00:00.000Z',
    });
    // Recorded once: a second tap does not queue another rating.
    await recordRating('44444444-4444-4444-8444-444444444444', 'satisfied', '', d);
    expect(queued).toHaveLength(1);
  });

  it("marks the citizen's own rating (the phone handed over) with by: citizen", async () => {
    const r = await recordRating('66666666-6666-4666-8666-666666666666', 'satisfied', '', d, new Date('2026-03-10T10:00:00Z'), 'citizen');
    expect(r.by).toBe('citizen');
    expect(Object.keys(queued[0]!.fields).sort()).toEqual(RATING_FIELDS.filter((k) => k !== 'comment'));
    expect(queued[0]!.fields['by']).toBe('citizen');
  });

  it('leaves an empty comment out', async () => {
    await recordRating('55555555-5555-4555-8555-555555555555', 'not_satisfied', '   ', d);
    expect(Object.keys(queued[0]!.fields).sort()).toEqual(['dossier_id', 'rated_at', 'rating']);
  });
});
