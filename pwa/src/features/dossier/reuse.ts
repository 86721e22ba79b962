/**
 * "Never ask twice": what a signed dossier teaches the household record.
 *
 *  - A value typed into a field that the catalogue prefills from a person (prefill path
 *    `applicant.`, `head.`, `relation:`, `couple:`, `field:` + a member attribute) or from the
 *    household (`household.address`) is offered back to that record when it differs from what
 *    the record holds ("Cập nhật số điện thoại cho Lò Thị Mai?"). Names, dates of birth, sex and
 *    CCCD (identity) only fill a blank: correcting a recorded identity is the member screen's job.
 *  - A birth registration adds the child to the household as a member `pending_birth` with its
 *    dossier; the server makes it active when the result is issued (backend/results/births.py).
 *
 * The offers are pure (`reuseOffers`, `newbornOf`); `saveReuse` queues each accepted one as a
 * signed member/household mutation through the same path as the member screen (store/repo.ts).
 */
import type { FormField } from '../../forms/schema';
import { getLang } from '../../i18n';
import { db, type LangsoDB } from '../../store/db';
import { getMember, MEMBER_FIELD_KEYS, saveHousehold, saveMember, type MemberFields } from '../../store/repo';
import type { MemberRow } from '../../store/types';
import { coupleMember, isEmpty, parsePrefill, type JsonObject } from '../../sync/forms';
import { checkHousehold, checkMember } from '../../sync/records';
import type { DossierContext } from './context';
import { memberJson } from './context';

/** Member attributes a dossier may write back, and whether they are identity (fill blanks only). */
export const REUSABLE_ATTRS: Readonly<Record<string, boolean>> = {
  phone: false,
  ethnicity: false,
  cccd: true,
  date_of_birth: true,
  full_name: true,
  sex: true,
};

export interface MemberOffer {
  kind: 'member';
  /** Stable id of the offer (checkbox state): `member:<id>:<attr>`. */
  id: string;
  memberId: string;
  memberName: string;
  attr: string;
  old: string | undefined;
  value: string;
  /** The form field the value was typed into. */
  field: string;
}

export interface HouseholdOffer {
  kind: 'household';
  id: string;
  attr: 'address';
  old: string | undefined;
  value: string;
  field: string;
}

export type Offer = MemberOffer | HouseholdOffer;

function text(v: unknown): string | undefined {
  return typeof v === 'string' && !isEmpty(v) ? v : undefined;
}

function personFor(path: ReturnType<typeof parsePrefill>, data: JsonObject, ctx: DossierContext): MemberRow | undefined {
  switch (path.source) {
    case 'applicant':
      return ctx.applicant;
    case 'head':
      return ctx.head;
    case 'relation':
      return ctx.members.find((m) => m.relationship === path.selector);
    case 'couple': {
      const found = coupleMember(path.selector!, ctx.head ? memberJson(ctx.head) : null, ctx.members.map(memberJson));
      return ctx.members.find((m) => m.id === found?.id);
    }
    case 'field':
      return ctx.members.find((m) => m.id === data[path.selector!]);
    default:
      return undefined;
  }
}

/**
 * The values of `data` (the signed form data) that the household's records do not hold yet. When
 * several fields read the same record attribute (the mother's ethnicity and the child's, which
 * defaults to it), an offer is made only if they all say the same new value: a field still
 * holding the recorded value, or two fields disagreeing, means the form is not about the record.
 */
export function reuseOffers(fields: readonly FormField[], data: JsonObject, ctx: DossierContext): Offer[] {
  const found = new Map<string, { offer: Offer; values: Set<string> }>();
  for (const f of fields) {
    const value = text(data[f.key]);
    if (!value || typeof f.prefill !== 'string') continue;
    let path: ReturnType<typeof parsePrefill>;
    try {
      path = parsePrefill(f.prefill);
    } catch {
      continue;
    }
    let offer: Offer | undefined;
    if (path.source === 'household') {
      if (path.attr === 'address' && ctx.household) {
        offer = { kind: 'household', id: 'household:address', attr: 'address', old: text(ctx.household.address), value, field: f.key };
      }
    } else if (path.attr in REUSABLE_ATTRS) {
      const person = personFor(path, data, ctx);
      if (person) {
        const old = text((person as unknown as Record<string, unknown>)[path.attr]);
        const id = `member:${person.id}:${path.attr}`;
        offer = { kind: 'member', id, memberId: person.id, memberName: person.full_name, attr: path.attr, old, value, field: f.key };
      }
    }
    if (!offer) continue;
    const entry = found.get(offer.id) ?? { offer, values: new Set<string>() };
    entry.values.add(value);
    found.set(offer.id, entry);
  }
  const out: Offer[] = [];
  for (const { offer, values } of found.values()) {
    if (values.size !== 1 || offer.value === offer.old) continue;
    // Identity (name, date of birth, sex, CCCD) only fills a blank.
    if (offer.kind === 'member' && REUSABLE_ATTRS[offer.attr] && offer.old !== undefined) continue;
    if (!fitsRecord(offer, ctx)) continue;
    out.push(offer);
  }
  return out;
}

/**
 * Would the server take this value for that record (REC, src/sync/records.ts)? An offer it would
 * refuse is not made: the dossier keeps the value, the member or household keeps its own. Dates
 * were bounded by the form already, so "today" here only has to be late enough.
 */
function fitsRecord(offer: Offer, ctx: DossierContext): boolean {
  if (offer.kind === 'household') return checkHousehold({ address: offer.value }, true)[1].length === 0;
  const person = ctx.members.find((m) => m.id === offer.memberId);
  const merged: Record<string, unknown> = { [offer.attr]: offer.value };
  if (offer.attr === 'cccd') {
    merged['date_of_birth'] = person?.date_of_birth ?? null;
    merged['sex'] = person?.sex ?? null;
  }
  return checkMember(merged, '9999-12-31', true)[1].every((i) => i.field !== offer.attr);
}

/** The member a procedure's signed data adds to the household (pending until the result). */
export interface NewbornOffer {
  id: 'newborn';
  dossierId: string;
  fields: MemberFields;
}

/** Birth registration: where the child's details are in the form (catalogue keys). */
const NEWBORN_KEYS: Readonly<Record<string, { full_name: string; sex: string; date_of_birth: string; ethnicity: string; parents: string[] }>> = {
  'khai-sinh': {
    full_name: 'child_full_name',
    sex: 'child_sex',
    date_of_birth: 'child_date_of_birth',
    ethnicity: 'child_ethnicity',
    parents: ['mother_member', 'father_member'],
  },
};

/** The child's relationship to the head: a child of the head's couple, a grandchild, or other. */
function childRelationship(parentIds: string[], ctx: DossierContext): string {
  const rels = parentIds.map((id) => ctx.members.find((m) => m.id === id)?.relationship).filter(Boolean);
  if (rels.some((r) => r === 'chu_ho' || r === 'vo' || r === 'chong')) return 'con';
  if (rels.some((r) => r === 'con')) return 'chau';
  return 'khac';
}

export function newbornOf(procedureCode: string, dossierId: string, data: JsonObject, ctx: DossierContext): NewbornOffer | undefined {
  const keys = NEWBORN_KEYS[procedureCode];
  const name = keys ? text(data[keys.full_name]) : undefined;
  if (!keys || !name) return undefined;
  const dob = text(data[keys.date_of_birth]);
  // Already added (a supplement round, or the same child typed twice).
  if (ctx.members.some((m) => m.source_dossier_id === dossierId || (m.full_name === name && m.date_of_birth === dob))) return undefined;
  const sex = data[keys.sex];
  const parents = keys.parents.map((k) => data[k]).filter((v): v is string => typeof v === 'string');
  return {
    id: 'newborn',
    dossierId,
    fields: {
      full_name: name,
      relationship: childRelationship(parents, ctx),
      date_of_birth: dob,
      sex: sex === 'male' || sex === 'female' ? sex : undefined,
      ethnicity: text(data[keys.ethnicity]),
      cccd: undefined,
      phone: undefined,
      notes: undefined,
      status: 'pending_birth',
      source_dossier_id: dossierId,
    },
  };
}

/** Every field of a member row as the member form would send it. */
function fieldsOf(m: MemberRow): MemberFields {
  const out: Record<string, unknown> = {};
  for (const k of MEMBER_FIELD_KEYS) out[k] = m[k];
  return out as MemberFields;
}

export interface ReuseOutcome {
  saved: number;
  /** Messages of the offers that could not be queued (the dossier itself is signed already). */
  failed: string[];
}

/** Queue the accepted offers as signed mutations; one failure does not stop the others. */
export async function saveReuse(
  householdId: string,
  offers: readonly Offer[],
  newborn: NewbornOffer | undefined,
  d: LangsoDB = db(),
): Promise<ReuseOutcome> {
  const result: ReuseOutcome = { saved: 0, failed: [] };
  const attempt = async (fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
      result.saved++;
    } catch (e) {
      const err = e as { message_vi?: string; message_en?: string; message?: string };
      result.failed.push((getLang() === 'en' ? err.message_en : err.message_vi) ?? err.message ?? String(e));
    }
  };
  const byMember = new Map<string, MemberOffer[]>();
  for (const o of offers) {
    if (o.kind === 'member') byMember.set(o.memberId, [...(byMember.get(o.memberId) ?? []), o]);
  }
  for (const [memberId, list] of byMember) {
    await attempt(async () => {
      const row = await getMember(memberId, d);
      if (!row) throw new Error(`member ${memberId} not on this device`);
      const next: Record<string, unknown> = { ...fieldsOf(row) };
      for (const o of list) next[o.attr] = o.value;
      await saveMember(householdId, memberId, next as unknown as MemberFields, d, row);
    });
  }
  const address = offers.find((o): o is HouseholdOffer => o.kind === 'household');
  if (address) await attempt(() => saveHousehold(householdId, { address: address.value }, d));
  if (newborn) await attempt(() => saveMember(householdId, undefined, newborn.fields, d));
  return result;
}
