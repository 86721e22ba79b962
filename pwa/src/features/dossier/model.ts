/**
 * Pure rules of the dossier wizard: what the form holds, what is prefilled, what is missing, and
 * the exact fields of the signed mutations (backend/dossiers/handlers.py is the reference:
 * `create` takes WRITABLE["dossier"], `submit` takes SUBMIT_FIELDS and nothing else).
 * No I/O here; times are parameters.
 */
import type { FormField, LocalizedText, ProcedureDefinition } from '../../forms/schema';
import { cleanForm, isEmpty, validateForm, type FormIssue, type JsonObject } from '../../sync/forms';
import type { AttachmentRef, DossierDraft } from './types';

/** A document component of a procedure (backend/catalog/model.py `Component`). */
export interface ComponentDef {
  code: string;
  name: LocalizedText;
  required: boolean;
  min_count: number;
  accepted: string[];
  help?: LocalizedText;
}

export interface DossierProcedure extends ProcedureDefinition {
  components?: ComponentDef[];
  processing_days?: number;
  /** Members younger than this are not offered as applicants (catalogue default 16). */
  applicant_min_age?: number;
}

/** The catalogue entry when it has the parts the wizard needs; undefined otherwise. */
export function procedureOf(raw: unknown): DossierProcedure | undefined {
  const d = raw as Partial<DossierProcedure> | undefined;
  if (!d || typeof d.code !== 'string' || !d.form || !Array.isArray(d.form.fields)) return undefined;
  return d as DossierProcedure;
}

export function componentsOf(p: DossierProcedure): ComponentDef[] {
  return (p.components ?? []).map((c) => ({
    ...c,
    required: c.required === true,
    min_count: Number.isInteger(c.min_count) && c.min_count > 0 ? c.min_count : 1,
    accepted: Array.isArray(c.accepted) && c.accepted.length > 0 ? c.accepted : ['image', 'pdf'],
  }));
}

/**
 * Values shown in the form: `under` (live prefill for a new dossier, the last submitted data for a
 * supplement) overlaid with the user's edits; a `null` edit removes the key (the user cleared it).
 */
export function mergeValues(under: JsonObject, typed: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...under, ...typed };
  for (const [k, v] of Object.entries(out)) if (v === null || v === undefined) delete out[k];
  return out;
}

/** Edits that turn `current` into `next` added to `typed` (cleared keys become null). */
export function recordEdits(
  typed: Readonly<Record<string, unknown>>,
  current: Readonly<Record<string, unknown>>,
  next: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...typed };
  for (const key of new Set([...Object.keys(current), ...Object.keys(next)])) {
    if (next[key] !== current[key]) out[key] = next[key] === undefined ? null : next[key];
  }
  return out;
}

/** `member` fields the user picked: they drive the fields that read them (SPEC-forms PRE3). */
export function chosenMembers(fields: readonly FormField[], typed: Readonly<Record<string, unknown>>): Record<string, string> {
  const chosen: Record<string, string> = {};
  for (const f of fields) {
    const v = typed[f.key];
    if (f.type === 'member' && typeof v === 'string') chosen[f.key] = v;
  }
  return chosen;
}

/** JSON equality for form values (plain data: strings, integers, lists, objects). */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface PrefillCount {
  /** Filled top-level fields whose value is still the prefilled one. */
  prefilled: number;
  /** Filled top-level fields. */
  total: number;
}

/**
 * Share of the form that came from earlier data. Same definition as the dashboard's computed
 * fallback (backend/monitoring/dashboard.py `_computed_prefill`): among the filled top-level fields
 * of the cleaned data, those whose value equals the prefill.
 */
export function countPrefilled(fields: readonly FormField[], data: JsonObject, prefill: JsonObject): PrefillCount {
  const keys = new Set(fields.map((f) => f.key));
  const filled = Object.keys(data).filter((k) => keys.has(k) && !isEmpty(data[k]));
  const prefilled = filled.filter((k) => k in prefill && sameJson(data[k], prefill[k])).length;
  return { prefilled, total: filled.length };
}

/** Form data as it will be signed: hidden fields and empty values dropped (SPEC-forms CLN1). */
export function formData(fields: readonly FormField[], values: JsonObject): Record<string, unknown> {
  return cleanForm(fields, values);
}

export function formIssues(
  fields: readonly FormField[],
  data: JsonObject,
  today: string,
  memberIds: readonly string[],
): FormIssue[] {
  return validateForm(fields, data, today, memberIds);
}

export interface MissingComponent {
  component: ComponentDef;
  have: number;
  need: number;
}

/** Required components with fewer files than their minimum (backend/dossiers/handlers.py `_check_components`). */
export function missingComponents(defs: readonly ComponentDef[], attached: Readonly<Record<string, AttachmentRef[]>>): MissingComponent[] {
  return defs
    .filter((c) => c.required && (attached[c.code]?.length ?? 0) < c.min_count)
    .map((c) => ({ component: c, have: attached[c.code]?.length ?? 0, need: c.min_count }));
}

/** `{component_code: [sha256…]}` for the signed payload; empty components are left out. */
export function componentHashes(attached: Readonly<Record<string, AttachmentRef[]>>, defs?: readonly ComponentDef[]): Record<string, string[]> {
  const known = defs ? new Set(defs.map((c) => c.code)) : undefined;
  const out: Record<string, string[]> = {};
  for (const [code, refs] of Object.entries(attached)) {
    if (known && !known.has(code)) continue;
    if (refs.length > 0) out[code] = refs.map((r) => r.sha256);
  }
  return out;
}

export interface Readiness {
  issues: FormIssue[];
  missing: MissingComponent[];
  /** True when the applicant may sign: a valid form and every required component present. */
  ready: boolean;
}

export function readiness(issues: FormIssue[], missing: MissingComponent[]): Readiness {
  return { issues, missing, ready: issues.length === 0 && missing.length === 0 };
}

// --- signed mutation fields -----------------------------------------------------------------

export interface Consent {
  signature_sha256: string;
  signer_name: string;
  signed_at: string;
}

/** Fields of the `create` mutation: exactly WRITABLE["dossier"] of the backend. */
export function createFields(draft: DossierDraft, data: Record<string, unknown>, defs?: readonly ComponentDef[]): Record<string, unknown> {
  return {
    procedure_code: draft.procedure_code,
    procedure_version: draft.procedure_version,
    applicant_member_id: draft.applicant_member_id,
    form_data: data,
    components: componentHashes(draft.components, defs),
  };
}

/**
 * Fields of the `submit` mutation: exactly the backend's SUBMIT_FIELDS. The device signature over
 * these covers the form data, every attachment hash, the consent record and the previous
 * revision's hash. Fill timing is optional and only sent when known.
 *
 * The prefill counts (`prefilled_fields`/`total_fields`) feed the commune dashboard's
 * "reuse of earlier data" figure (target ≥ 50%).
 */
export const SEND_PREFILL_COUNTS = true;

export function submitFields(args: {
  data: Record<string, unknown>;
  components: Record<string, string[]>;
  consent: Consent;
  prevRevision: string | null;
  fillStartedAt?: string | undefined;
  fillSeconds?: number | undefined;
  prefill?: PrefillCount | undefined;
}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    form_data: args.data,
    components: args.components,
    consent: {
      signature_sha256: args.consent.signature_sha256,
      signer_name: args.consent.signer_name.normalize('NFC').trim(),
      signed_at: args.consent.signed_at,
    },
    prev_revision: args.prevRevision,
  };
  if (args.fillStartedAt !== undefined) out.fill_started_at = args.fillStartedAt;
  if (args.fillSeconds !== undefined) out.fill_seconds = Math.max(0, Math.floor(args.fillSeconds));
  if (SEND_PREFILL_COUNTS && args.prefill) {
    out.prefilled_fields = args.prefill.prefilled;
    out.total_fields = args.prefill.total;
  }
  return out;
}

// --- fill timer -------------------------------------------------------------------------------

/** Provinces' target for filling one dossier. */
export const FILL_TARGET_SECONDS = 5 * 60;

/** The draft with its fill timer started at `now` unless it already runs. */
export function startFillTimer<T extends Pick<DossierDraft, 'fill_started_at'>>(draft: T, now: Date): T {
  return draft.fill_started_at ? draft : { ...draft, fill_started_at: now.toISOString() };
}

/** Whole seconds from the timer start to the signature (0 when the clock went backwards). */
export function fillSeconds(startedAt: string | undefined, signedAt: Date): number | undefined {
  if (!startedAt) return undefined;
  const start = Date.parse(startedAt);
  if (Number.isNaN(start)) return undefined;
  return Math.max(0, Math.floor((signedAt.getTime() - start) / 1000));
}

/** "3 phút 12 giây" / "3 min 12 s"; hours when needed. */
export function formatDuration(seconds: number, lang: 'vi' | 'en' = 'vi'): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const [uh, um, us] = lang === 'vi' ? ['giờ', 'phút', 'giây'] : ['h', 'min', 's'];
  const parts: string[] = [];
  if (h) parts.push(`${h} ${uh}`);
  if (h || m) parts.push(`${m} ${um}`);
  parts.push(`${sec} ${us}`);
  return parts.join(' ');
}
