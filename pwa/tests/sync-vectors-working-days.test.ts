// @vitest-environment node
/** Runs sync/vectors/working_days.json (shared with the Python core) against src/sync/working-days.ts. */
import { describe, expect, it } from 'vitest';
import { WorkingDaysError } from '../src/sync/core-errors';
import { addWorkingDays, deadlineWithPauses, elapsedWorkingDays, receiptDay, type Pause } from '../src/sync/working-days';
import { expectCode, loadVectors, type VectorCase } from './vectors';

interface Case extends VectorCase {
  op: 'add_working_days' | 'receipt_day' | 'deadline' | 'elapsed';
  today?: string;
  start?: string;
  days?: number;
  received_at?: string;
  pauses?: Pause[];
  holidays: string[];
  workdays: string[];
  expected?: string | number | null;
}

const { cases } = loadVectors<Case>('working_days');

function run(c: Case): string | number | null {
  const hol = new Set(c.holidays);
  const work = new Set(c.workdays);
  if (c.op === 'add_working_days') return addWorkingDays(c.start!, c.days!, hol, work);
  if (c.op === 'receipt_day') return receiptDay(c.received_at!, hol, work);
  if (c.op === 'elapsed') return elapsedWorkingDays(c.received_at!, c.today!, c.pauses!, hol, work);
  return deadlineWithPauses(c.received_at!, c.days!, c.pauses!, hol, work);
}

describe('working-day vectors', () => {
  it.each(cases)('$id $comment', async (c) => {
    if (c.error !== undefined) {
      await expectCode(() => run(c), c.error);
      expect(() => run(c)).toThrow(WorkingDaysError);
    } else {
      expect(run(c)).toBe(c.expected);
    }
  });

  it('takes an instant without offset as Vietnam time and epoch milliseconds as UTC', () => {
    const none = new Set<string>();
    expect(receiptDay('2025-11-03T15:59:59', none)).toBe('2025-11-03');
    expect(receiptDay('2025-11-03T16:00:00', none)).toBe('2025-11-04');
    expect(receiptDay(Date.UTC(2025, 10, 3, 8, 59), none)).toBe('2025-11-03');
    expect(receiptDay(Date.UTC(2025, 10, 3, 9, 0), none)).toBe('2025-11-04');
  });
});
