/**
 * Everything the wizard needs around a draft, read from the local store: the procedure, the
 * household, its members and village, and the prefill computed from them (SPEC-forms PRE).
 */
import type { FormField } from '../../forms/schema';
import { db, type LangsoDB } from '../../store/db';
import type { HouseholdRow, MemberRow } from '../../store/types';
import { resolvePrefill, type JsonObject } from '../../sync/forms';
import { chosenMembers, componentsOf, procedureOf, type ComponentDef, type DossierProcedure } from './model';

export interface DossierContext {
  procedure: DossierProcedure | undefined;
  components: ComponentDef[];
  household: HouseholdRow | undefined;
  villageName: string | undefined;
  members: MemberRow[];
  applicant: MemberRow | undefined;
  head: MemberRow | undefined;
}

/** A member as prefill reads it (MEMBER_ATTRS), without local bookkeeping fields. */
export function memberJson(m: MemberRow): JsonObject {
  const { pending: _p, search_key: _k, updated_at: _u, household_id: _h, version: _v, notes: _n, ...rest } = m;
  return rest;
}

export async function loadContext(
  args: { householdId: string; applicantId: string; procedureCode: string; procedureVersion: number },
  d: LangsoDB = db(),
): Promise<DossierContext> {
  const [procRow, household, members] = await Promise.all([
    d.procedures.get([args.procedureCode, args.procedureVersion]),
    d.households.get(args.householdId),
    d.members.where('household_id').equals(args.householdId).sortBy('full_name'),
  ]);
  const procedure = procedureOf(procRow?.definition);
  const village = household ? await d.villages.get(household.village_id) : undefined;
  const head =
    members.find((m) => m.id === household?.head_member_id) ?? members.find((m) => m.relationship === 'chu_ho');
  return {
    procedure,
    components: procedure ? componentsOf(procedure) : [],
    household,
    villageName: village?.name,
    members,
    applicant: members.find((m) => m.id === args.applicantId),
    head,
  };
}

/** Prefill of the form for this household and applicant, following the user's member picks. */
export function prefillFor(fields: readonly FormField[], ctx: DossierContext, typed: Readonly<Record<string, unknown>>): JsonObject {
  if (!ctx.household) return {};
  return resolvePrefill(
    fields,
    ctx.applicant ? memberJson(ctx.applicant) : null,
    ctx.head ? memberJson(ctx.head) : null,
    {
      address: ctx.household.address,
      head_name: ctx.household.head_name,
      ...(ctx.villageName ? { village_name: ctx.villageName } : {}),
    },
    ctx.members.map(memberJson),
    chosenMembers(fields, typed),
  );
}
