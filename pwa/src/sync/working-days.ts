/**
 * Working-day arithmetic for legal deadlines (SPEC §WD), twin of sync/working_days.py.
 * Pure: holidays and make-up working days ("làm bù") are parameters.
 *
 * Dates are ISO "YYYY-MM-DD" strings (no time zone, no Date objects to drift). Instants are epoch
 * milliseconds or ISO 8601 strings; a string without an offset is taken as Vietnam time (UTC+7,
 * no DST), like a naive datetime in Python. Sub-millisecond digits are ignored.
 */
import { WorkingDaysError } from './core-errors';

export type IsoDate = string;
export type Instant = number | string;
export type DateSet = ReadonlySet<IsoDate>;
/** A stay in supplement_requested: [entered, left] or [entered, null] while still open. */
export type Pause = readonly [Instant, Instant | null];

export const MAX_DAYS = 3660;
const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;
/** Receipts at or after 16:00:00 local time count from the next working day (WD3). */
const CUTOFF_MS = 16 * 3_600_000;
const EMPTY: DateSet = new Set();

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Days since 1970-01-01 of an ISO date; throws bad_date for anything else. */
function dayNumber(iso: IsoDate): number {
  const m = DATE_RE.exec(iso);
  if (m) {
    const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!);
    // Reject 2025-02-30 & co: Date.UTC silently rolls them over.
    if (new Date(ms).toISOString().slice(0, 10) === iso) return ms / DAY_MS;
  }
  throw new WorkingDaysError(`Ngày không hợp lệ / invalid date: ${JSON.stringify(iso)}`, 'bad_date');
}

function isoDate(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Vietnam wall-clock time of an instant, as milliseconds on a UTC-based scale. */
export function localMs(instant: Instant): number {
  if (typeof instant === 'number') {
    if (Number.isFinite(instant)) return instant + VN_OFFSET_MS;
  } else {
    const m = INSTANT_RE.exec(instant);
    if (m) {
      const [, y, mo, d, h, mi, s, frac, zone] = m;
      const wall = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +(s ?? 0), +(frac ?? '0').slice(0, 3).padEnd(3, '0'));
      let offset = VN_OFFSET_MS;
      if (zone !== undefined && zone.toUpperCase() !== 'Z') {
        const digits = zone.replace(':', '');
        offset = (zone[0] === '-' ? -1 : 1) * (+digits.slice(1, 3) * 3_600_000 + +digits.slice(3, 5) * 60_000);
      } else if (zone !== undefined) {
        offset = 0;
      }
      if (Number.isFinite(wall)) return wall - offset + VN_OFFSET_MS;
    }
  }
  throw new WorkingDaysError(`Thời điểm không hợp lệ / invalid time: ${JSON.stringify(instant)}`, 'bad_time');
}

function isWorkingDayNumber(day: number, holidays: DateSet, workdays: DateSet): boolean {
  const iso = isoDate(day);
  if (workdays.has(iso)) return true;
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  return weekday >= 1 && weekday <= 5 && !holidays.has(iso);
}

function nextWorkingDayNumber(day: number, holidays: DateSet, workdays: DateSet): number {
  let d = day + 1;
  while (!isWorkingDayNumber(d, holidays, workdays)) d++;
  return d;
}

/** WD1: in `workdays`, or Monday–Friday and not in `holidays`. */
export function isWorkingDay(date: IsoDate, holidays: DateSet, workdays: DateSet = EMPTY): boolean {
  return isWorkingDayNumber(dayNumber(date), holidays, workdays);
}

/** The first working day strictly after `date`. */
export function nextWorkingDay(date: IsoDate, holidays: DateSet, workdays: DateSet = EMPTY): IsoDate {
  return isoDate(nextWorkingDayNumber(dayNumber(date), holidays, workdays));
}

function checkDays(days: number): void {
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > MAX_DAYS) {
    throw new WorkingDaysError(
      `Số ngày làm việc phải từ 0 đến ${MAX_DAYS} / days must be 0..${MAX_DAYS}: ${String(days)}`,
      'bad_days',
    );
  }
}

/** WD2: the `days`-th working day strictly after `start`; `days = 0` returns `start`. */
export function addWorkingDays(start: IsoDate, days: number, holidays: DateSet, workdays: DateSet = EMPTY): IsoDate {
  checkDays(days);
  let d = dayNumber(start);
  for (let i = 0; i < days; i++) d = nextWorkingDayNumber(d, holidays, workdays);
  return isoDate(d);
}

function receiptDayNumber(receivedAt: Instant, holidays: DateSet, workdays: DateSet): number {
  const local = localMs(receivedAt);
  const day = Math.floor(local / DAY_MS);
  if (isWorkingDayNumber(day, holidays, workdays) && local - day * DAY_MS < CUTOFF_MS) return day;
  return nextWorkingDayNumber(day, holidays, workdays);
}

/** WD3: the local date if a working day and before 16:00:00 local time, else the next working day. */
export function receiptDay(receivedAt: Instant, holidays: DateSet, workdays: DateSet = EMPTY): IsoDate {
  return isoDate(receiptDayNumber(receivedAt, holidays, workdays));
}

/**
 * WD4: last day of a `days`-working-day deadline with supplement pauses. A pause [start, end]
 * removes every working day D with date(start) < D ≤ date(end): the request day still counts, the
 * day the supplement arrives does not. If counting reaches a day covered by an open pause
 * (end = null) the deadline is unknown: null. A pause ending before it starts → bad_pause.
 */
export function deadlineWithPauses(
  receivedAt: Instant,
  days: number,
  pauses: readonly Pause[],
  holidays: DateSet,
  workdays: DateSet = EMPTY,
): IsoDate | null {
  checkDays(days);
  const spans = pauses.map(([start, end]): [number, number | null] => {
    const s = localMs(start);
    const e = end === null ? null : localMs(end);
    if (e !== null && e < s) {
      throw new WorkingDaysError('Khoảng tạm dừng kết thúc trước khi bắt đầu / pause ends before it starts', 'bad_pause');
    }
    return [Math.floor(s / DAY_MS), e === null ? null : Math.floor(e / DAY_MS)];
  });
  let d = receiptDayNumber(receivedAt, holidays, workdays);
  let remaining = days;
  while (remaining > 0) {
    d = nextWorkingDayNumber(d, holidays, workdays);
    let paused = false;
    for (const [s, e] of spans) {
      if (s < d && (e === null || d <= e)) {
        if (e === null) return null;
        paused = true;
      }
    }
    if (!paused) remaining--;
  }
  return isoDate(d);
}

/**
 * WD5: the working days counted against the deadline from the day after receiptDay up to and
 * including `today`, without the days WD4 pauses (an open pause pauses every day after it begins).
 */
export function elapsedWorkingDays(
  receivedAt: Instant,
  today: IsoDate,
  pauses: readonly Pause[],
  holidays: DateSet,
  workdays: DateSet = EMPTY,
): number {
  const spans = pauses.map(([start, end]): [number, number | null] => {
    const s = localMs(start);
    const e = end === null ? null : localMs(end);
    if (e !== null && e < s) {
      throw new WorkingDaysError('Khoảng tạm dừng kết thúc trước khi bắt đầu / pause ends before it starts', 'bad_pause');
    }
    return [Math.floor(s / DAY_MS), e === null ? null : Math.floor(e / DAY_MS)];
  });
  const last = dayNumber(today);
  let d = receiptDayNumber(receivedAt, holidays, workdays);
  let count = 0;
  for (;;) {
    d = nextWorkingDayNumber(d, holidays, workdays);
    if (d > last) return count;
    if (!spans.some(([s, e]) => s < d && (e === null || d <= e))) count++;
  }
}
