// @vitest-environment node
/** Runs sync/vectors/identity.json (shared with the Python core) against src/sync/identity.ts. */
import { describe, expect, it } from 'vitest';
import {
  centurySexDigit,
  checkCccd,
  checkPhone,
  ISSUE_MESSAGES,
  matches,
  normaliseName,
  normalisePhone,
  searchKey,
  type Sex,
} from '../src/sync/identity';
import { expectCode, loadVectors, type VectorCase } from './vectors';

interface Case extends VectorCase {
  op: 'check_cccd' | 'check_phone' | 'normalise_phone' | 'normalise_name' | 'search_key' | 'matches' | 'messages';
  input: Record<string, string | null>;
  expected: unknown;
}

const { cases } = loadVectors<Case>('identity');

function run(c: Case): unknown {
  const a = c.input;
  switch (c.op) {
    case 'check_cccd':
      return checkCccd(a['cccd']!, a['date_of_birth'] ?? null, (a['sex'] ?? null) as Sex | null).map((i) => i.code);
    case 'check_phone':
      return checkPhone(a['normalised']!).map((i) => i.code);
    case 'normalise_phone':
      return normalisePhone(a['text']!);
    case 'normalise_name':
      return normaliseName(a['text']!);
    case 'search_key':
      return searchKey(a['text']!);
    case 'matches':
      return matches(a['query']!, a['text']!);
    case 'messages':
      return Object.fromEntries(Object.entries(ISSUE_MESSAGES).map(([code, texts]) => [code, [...texts]]));
  }
}

describe('identity vectors', () => {
  it.each(cases)('$id $comment', (c) => {
    expect(run(c)).toEqual(c.expected);
  });

  it('returns the MSG1 texts with each issue', () => {
    const [issue] = checkPhone('abc');
    expect(issue).toEqual({ code: 'not_digits', message_vi: ISSUE_MESSAGES['not_digits']![0], message_en: ISSUE_MESSAGES['not_digits']![1] });
  });

  it('raises for caller bugs, not for bad data', async () => {
    await expectCode(() => checkCccd('001090012345', null, 'other' as Sex), 'bad_sex_argument');
    await expectCode(() => centurySexDigit(2300, 'male'), 'year_out_of_range');
    expect(centurySexDigit(1990, 'female')).toBe('1');
  });
});
