/** The member form validates with the server's limits (sync/SPEC.md TXT4) and the text rule (FRM14). */
import { describe, expect, it } from 'vitest';
import { memberFormFields } from '../src/screens/memberForm';
import { validateForm } from '../src/sync/forms';
import { TEXT_LIMITS } from '../src/sync/text';

const TODAY = '2026-12-06';
const GOOD = { full_name: 'Giàng A Páo', relationship: 'chu_ho', ethnicity: 'Mông' };

function codes(data: Record<string, unknown>): Array<[string, string]> {
  return validateForm(memberFormFields(), data, TODAY).map((i) => [i.path, i.code]);
}

describe('member form', () => {
  it('accepts a plain member', () => {
    expect(codes(GOOD)).toEqual([]);
  });

  it('uses the one ethnicity limit the server enforces (40)', () => {
    const limit = TEXT_LIMITS['member.ethnicity'];
    expect(limit).toBe(40);
    expect(codes({ ...GOOD, ethnicity: 'M'.repeat(limit) })).toEqual([]);
    expect(codes({ ...GOOD, ethnicity: 'M'.repeat(limit + 1) })).toEqual([['ethnicity', 'too_long']]);
  });

  it('refuses NUL and control characters in every text field, with a Vietnamese message', () => {
    const issues = validateForm(
      memberFormFields(),
      { ...GOOD, full_name: 'Giàng\u0000A', notes: 'a\u0007', ethnicity: 'Thái\u0085' },
      TODAY,
    );
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['full_name', 'control_char'],
      ['ethnicity', 'control_char'],
      ['notes', 'control_char'],
    ]);
    expect(issues[0]!.message_vi).toContain('ký tự điều khiển');
  });

  it('keeps newlines and tabs in notes', () => {
    expect(codes({ ...GOOD, notes: 'dòng 1\n\tdòng 2' })).toEqual([]);
  });
});
