/**
 * The QR code on the chip-based citizen identity card, parsed and checked (rules QR1–QR7 of
 * sync/SPEC-identity.md), twin of sync/cccd_qr.py; both run sync/vectors/cccd_qr.json.
 *
 * `card number|old ID|full name|ddmmyyyy|Nam or Nữ|permanent address|ddmmyyyy (issued)`.
 * Readers return decomposed Unicode or drop trailing fields, and a camera reads any QR code, so
 * nothing is trusted. Pure: `today` (YYYY-MM-DD) is a parameter. Bad data never throws.
 */
import { checkCccd, normaliseName, type Sex } from './identity';

/** QR2: the fields in card order. */
export const CCCD_QR_FIELDS = ['cccd', 'old_id', 'full_name', 'date_of_birth', 'sex', 'address', 'issue_date'] as const;
export type CccdQrField = (typeof CCCD_QR_FIELDS)[number];

export type CccdQrProblemCode =
  | 'not_cccd_qr'
  | 'too_many_fields'
  | 'missing'
  | 'not_12_digits'
  | 'bad_format'
  | 'date_in_future'
  | 'unknown_province'
  | 'century_sex_mismatch'
  | 'birth_year_mismatch'
  | 'issued_before_birth';

export interface CccdQrProblem {
  readonly code: CccdQrProblemCode;
  /** null for the text as a whole */
  readonly field: CccdQrField | null;
}

export interface CccdQr {
  readonly cccd: string | null;
  readonly old_id: string | null;
  readonly full_name: string | null;
  /** YYYY-MM-DD */
  readonly date_of_birth: string | null;
  readonly sex: Sex | null;
  readonly address: string | null;
  /** YYYY-MM-DD */
  readonly issue_date: string | null;
  readonly problems: readonly CccdQrProblem[];
}

export const CCCD_QR_MAX_LENGTH = 1000;
const MAX_NAME = 100;
const MAX_ADDRESS = 250;
const FIRST_YEAR = 1900;

/** QR1: the NAM whitespace set, anchored at either end. */
const EDGE_WHITESPACE =
  /^[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+|[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+$/g;
const DIGITS_9 = /^[0-9]{9}$/;
const DATE = /^([0-9]{2})([0-9]{2})([0-9]{4})$/;
/** QR5: letters, marks, space, hyphen, apostrophe. */
const NAME_CHARS = /^[\p{L}\p{M} '-]*$/u;
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u;

const trim = (s: string): string => s.replace(EDGE_WHITESPACE, '');
const codePoints = (s: string): number => [...s].length;

function empty(problems: CccdQrProblem[]): CccdQr {
  return { cccd: null, old_id: null, full_name: null, date_of_birth: null, sex: null, address: null, issue_date: null, problems };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** QR4: `ddmmyyyy` of a real Gregorian date from 1900 on → ISO, else null. */
function parseDate(text: string): string | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < FIRST_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${m[3]}-${m[2]}-${m[1]}`;
}

function parseSex(text: string): Sex | null {
  const lowered = text.toLowerCase();
  return lowered === 'nam' ? 'male' : lowered === 'nữ' ? 'female' : null;
}

/** Parse the text of a CCCD's QR code (QR1–QR7). */
export function parseCccdQr(text: string, today: string): CccdQr {
  // QR1
  const whole = trim(text.normalize('NFC'));
  if (whole === '' || codePoints(whole) > CCCD_QR_MAX_LENGTH || !whole.includes('|')) {
    return empty([{ code: 'not_cccd_qr', field: null }]);
  }
  // QR2
  const parts = whole.split('|');
  while (parts.length > CCCD_QR_FIELDS.length && trim(parts[parts.length - 1]!) === '') parts.pop();
  if (parts.length > CCCD_QR_FIELDS.length) return empty([{ code: 'too_many_fields', field: null }]);

  const out: { -readonly [K in keyof CccdQr]: CccdQr[K] } = empty([]);
  const problems: CccdQrProblem[] = [];
  const bad = (field: CccdQrField, code: CccdQrProblemCode): void => {
    problems.push({ code, field });
  };

  // QR3–QR5, in card order; absent and empty are the same.
  CCCD_QR_FIELDS.forEach((field, i) => {
    const value = trim(parts[i] ?? '');
    if (value === '') {
      if (field !== 'old_id') bad(field, 'missing'); // most people never had the 9-digit ID
      return;
    }
    switch (field) {
      case 'cccd': {
        // CCD1 only; the rules needing the date of birth and sex come in QR6.
        const structure = checkCccd(value).map((x) => x.code);
        if (structure.length === 1 && structure[0] === 'not_12_digits') bad(field, 'not_12_digits');
        else out.cccd = value;
        return;
      }
      case 'old_id':
        if (DIGITS_9.test(value)) out.old_id = value;
        else bad(field, 'bad_format');
        return;
      case 'full_name':
      case 'address': {
        const cleaned = normaliseName(value);
        const ok =
          field === 'full_name'
            ? codePoints(cleaned) <= MAX_NAME && NAME_CHARS.test(cleaned)
            : codePoints(cleaned) <= MAX_ADDRESS && !CONTROL_OR_FORMAT.test(cleaned);
        if (ok) out[field] = cleaned;
        else bad(field, 'bad_format');
        return;
      }
      case 'sex':
        out.sex = parseSex(value);
        if (out.sex === null) bad(field, 'bad_format');
        return;
      case 'date_of_birth':
      case 'issue_date': {
        const iso = parseDate(value);
        if (iso === null) bad(field, 'bad_format');
        else if (iso > today) bad(field, 'date_in_future');
        else out[field] = iso;
        return;
      }
    }
  });

  // QR6: the number against the date of birth and sex it encodes.
  if (out.cccd !== null) {
    for (const issue of checkCccd(out.cccd, out.date_of_birth, out.sex)) bad('cccd', issue.code as CccdQrProblemCode);
  }
  // QR7
  if (out.issue_date !== null && out.date_of_birth !== null && out.issue_date < out.date_of_birth) {
    bad('issue_date', 'issued_before_birth');
  }
  out.problems = problems;
  return out;
}
