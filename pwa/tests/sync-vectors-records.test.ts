// @vitest-environment node
/** Runs sync/vectors/records.json (shared with the Python core) against src/sync/records.ts, and
 * checks that the member form is built from the same field list. */
import { describe, expect, it } from 'vitest';
import { checkHousehold, checkMember, HOUSEHOLD_FIELDS, MEMBER_FIELDS } from '../src/sync/records';
import { memberFormFields } from '../src/screens/memberForm';
import { loadVectors, type VectorCase } from './vectors';

interface Case extends VectorCase {
  op: 'schema' | 'check_member' | 'check_household';
  fields?: Record<string, unknown>;
  today?: string;
  partial?: boolean;
  expected: unknown;
}

const { cases } = loadVectors<Case>('records');
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('member and household field vectors', () => {
  it.each(cases)('$id $comment', (c) => {
    if (c.op === 'schema') {
      expect(plain({ member: MEMBER_FIELDS, household: HOUSEHOLD_FIELDS })).toEqual(c.expected);
    } else if (c.op === 'check_member') {
      const [clean, issues] = checkMember(c.fields!, c.today!, c.partial);
      expect({ clean, issues }).toEqual(c.expected);
    } else {
      const [clean, issues] = checkHousehold(c.fields!, c.partial);
      expect({ clean, issues }).toEqual(c.expected);
    }
  });

  it('the member form renders exactly the core fields with their rules and options', () => {
    const form = memberFormFields();
    expect(form.map((f) => f.key)).toEqual(MEMBER_FIELDS.map((f) => f.key));
    for (const [i, f] of MEMBER_FIELDS.entries()) {
      const shown = form[i]!;
      expect(shown.type).toBe(f.type);
      expect(Boolean(shown.required)).toBe(f.required);
      expect(shown.rules ?? undefined).toEqual(f.rules);
      expect(shown.options?.map((o) => o.value)).toEqual(f.options);
    }
  });
});
