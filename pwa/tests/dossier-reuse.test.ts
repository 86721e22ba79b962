/**
 * Never ask twice: values typed in a birth registration go back to the member records as signed
 * member updates, the newborn joins the household as a signed create pending its result.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setUnlocked } from '../src/device/lock';
import { loadContext, type DossierContext } from '../src/features/dossier/context';
import { newbornOf, reuseOffers, saveReuse } from '../src/features/dossier/reuse';
import type { FormField } from '../src/forms/schema';
import type { SignedOutboxRow } from '../src/store/outbox';
import { decodeSignedMutation } from '../src/sync/mutations';
import { HEAD, HOUSEHOLD, KHAI_SINH, seed, WIFE } from './dossier-fixtures';
import { loggedIn, teardown, type World } from './sync-helpers';

const FIELDS = KHAI_SINH.form.fields as unknown as FormField[];
const DOSSIER = '99999999-9999-4999-8999-999999999999';
let w: World;
let ctx: DossierContext;

/** A birth registration as signed: the wife is the applicant and mother. */
const DATA = {
  child_full_name: 'Giàng A Lử',
  child_sex: 'male',
  child_date_of_birth: '2026-02-20',
  child_place_of_birth_kind: 'tai_nha',
  child_place_of_birth_address: HOUSEHOLD.address,
  mother_member: WIFE.id,
  mother_full_name: WIFE.full_name,
  mother_date_of_birth: WIFE.date_of_birth,
  mother_ethnicity: 'Mông',
  mother_cccd: '012193001234', // the wife had no CCCD on record
  mother_residence: HOUSEHOLD.address,
  child_ethnicity: 'Mông',
  father_known: 'co',
  father_member: HEAD.id,
  father_full_name: 'Giàng A Pao', // a spelling different from the record: not an offer
  father_date_of_birth: HEAD.date_of_birth,
  father_ethnicity: 'Mông',
  father_cccd: HEAD.cccd,
  father_residence: HOUSEHOLD.address,
  requester_relationship: 'me',
  requester_full_name: WIFE.full_name,
  requester_cccd: '012193001234',
  requester_phone: '0987654321',
};

beforeEach(async () => {
  w = await loggedIn();
  await seed(w.d);
  ctx = await loadContext({ householdId: HOUSEHOLD.id, applicantId: WIFE.id, procedureCode: 'khai-sinh', procedureVersion: 1 }, w.d);
});
afterEach(() => teardown(w));

async function signed(row: unknown): Promise<Record<string, unknown>> {
  const r = row as SignedOutboxRow;
  return (await decodeSignedMutation(r.payload, r.sig, w.device.alg, w.device.public_key)) as unknown as Record<string, unknown>;
}

describe('reuse offers', () => {
  it('offers the phone and the missing CCCD to the mother, never a changed identity', () => {
    const offers = reuseOffers(FIELDS, DATA, ctx);
    expect(offers.map((o) => [o.id, o.old, o.value])).toEqual([
      [`member:${WIFE.id}:cccd`, undefined, '012193001234'],
      [`member:${WIFE.id}:phone`, undefined, '0987654321'],
    ]);
    expect(offers[1]).toMatchObject({ kind: 'member', memberName: 'Vàng Thị Dính', field: 'requester_phone' });
  });

  it('makes no offer when two fields reading one record disagree or one keeps the recorded value', () => {
    // The child's ethnicity defaults to the mother's: a different child's ethnicity is not hers.
    expect(reuseOffers(FIELDS, { ...DATA, child_ethnicity: 'Thái' }, ctx).some((o) => o.id.endsWith(':ethnicity'))).toBe(false);
    // Both the mother's and the child's say Thái: the mother's record is out of date.
    const both = reuseOffers(FIELDS, { ...DATA, child_ethnicity: 'Thái', mother_ethnicity: 'Thái' }, ctx);
    expect(both.find((o) => o.id === `member:${WIFE.id}:ethnicity`)).toMatchObject({ old: 'Mông', value: 'Thái' });
    // Every residence field says the new address: the household moved.
    const moved = 'Bản Nậm Khăn mới, xã Pu Sam Cáp';
    const address = reuseOffers(FIELDS, { ...DATA, mother_residence: moved, father_residence: moved, child_place_of_birth_address: moved }, ctx);
    expect(address.find((o) => o.kind === 'household')).toMatchObject({ old: HOUSEHOLD.address, value: moved });
    expect(reuseOffers(FIELDS, { ...DATA, mother_residence: moved }, ctx).some((o) => o.kind === 'household')).toBe(false);
  });

  it('offers nothing the member rule would refuse (sync/records REC): the dossier keeps it, the member keeps hers', () => {
    // A CCCD inconsistent with her recorded birth year and sex, and an ethnicity over 40 characters.
    const bad = { ...DATA, mother_cccd: '001090012345', requester_cccd: '001090012345', mother_ethnicity: 'Ê'.repeat(41), child_ethnicity: 'Ê'.repeat(41) };
    const ids = reuseOffers(FIELDS, bad, ctx).map((o) => o.id);
    expect(ids).toEqual([`member:${WIFE.id}:phone`]);
  });

  it('describes the newborn as a child of the head, pending its birth registration', () => {
    expect(newbornOf('khai-sinh', DOSSIER, DATA, ctx)?.fields).toEqual({
      full_name: 'Giàng A Lử',
      relationship: 'con',
      date_of_birth: '2026-02-20',
      sex: 'male',
      ethnicity: 'Mông',
      cccd: undefined,
      phone: undefined,
      notes: undefined,
      status: 'pending_birth',
      source_dossier_id: DOSSIER,
    });
    expect(newbornOf('khai-tu', DOSSIER, DATA, ctx)).toBeUndefined();
  });
});

describe('saveReuse', () => {
  it('queues one signed member update per member and a signed create of the pending newborn', async () => {
    const offers = reuseOffers(FIELDS, DATA, ctx);
    const out = await saveReuse(HOUSEHOLD.id, offers, newbornOf('khai-sinh', DOSSIER, DATA, ctx), w.d);
    expect(out).toEqual({ saved: 2, failed: [] });
    const rows = (await w.d.outbox.toArray()).sort((a, b) => (a.n as number) - (b.n as number));
    expect(rows.map((r) => [r.entity, r.op])).toEqual([
      ['member', 'update'],
      ['member', 'create'],
    ]);
    const update = await signed(rows[0]);
    expect(update).toMatchObject({ entity_id: WIFE.id, base: 1 });
    expect(update['fields']).toEqual({ cccd: '012193001234', phone: '0987654321' });
    const create = await signed(rows[1]);
    expect(create['fields']).toMatchObject({ full_name: 'Giàng A Lử', relationship: 'con', status: 'pending_birth', source_dossier_id: DOSSIER, household_id: HOUSEHOLD.id });
    const wife = await w.d.members.get(WIFE.id);
    expect(wife).toMatchObject({ phone: '0987654321', pending: true });
    const members = await w.d.members.where('household_id').equals(HOUSEHOLD.id).toArray();
    expect(members.find((m) => m.full_name === 'Giàng A Lử')).toMatchObject({ status: 'pending_birth', source_dossier_id: DOSSIER });
    // Next dossier: the phone is prefilled, nothing is asked again.
    const again = await loadContext({ householdId: HOUSEHOLD.id, applicantId: WIFE.id, procedureCode: 'khai-sinh', procedureVersion: 1 }, w.d);
    expect(reuseOffers(FIELDS, DATA, again)).toEqual([]);
    expect(newbornOf('khai-sinh', DOSSIER, DATA, again)).toBeUndefined();
  });

  it('reports a failure without stopping the other offers', async () => {
    setUnlocked(false);
    const out = await saveReuse(HOUSEHOLD.id, reuseOffers(FIELDS, DATA, ctx), undefined, w.d);
    expect(out.saved).toBe(0);
    expect(out.failed).toHaveLength(1);
    expect(await w.d.outbox.count()).toBe(0);
  });
});
