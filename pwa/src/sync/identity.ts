/**
 * Identity rules — CCCD numbers, Vietnamese mobile numbers, names and search keys
 * (sync/SPEC-identity.md), twin of sync/identity.py.
 *
 * Checks never throw for bad *data*: they return issues (empty = valid). They throw IdentityError
 * only for a caller bug (an argument outside its documented domain). "Digit" means ASCII 0–9 only.
 */
import { IdentityError } from './core-errors';

export type Sex = 'male' | 'female';

/** An issue: stable code plus the MSG1 texts, Vietnamese first. */
export interface IdentityIssue {
  readonly code: string;
  readonly message_vi: string;
  readonly message_en: string;
}

/** MSG1: part of the spec, so both implementations show the same text. */
export const ISSUE_MESSAGES: Readonly<Record<string, readonly [string, string]>> = {
  not_12_digits: [
    'Số CCCD phải gồm đúng 12 chữ số (0–9), không có khoảng trắng hay ký tự khác.',
    'A CCCD number must be exactly 12 digits (0–9), with no spaces or other characters.',
  ],
  unknown_province: [
    'Ba số đầu của CCCD không phải là mã tỉnh/thành phố nơi đăng ký khai sinh hợp lệ.',
    'The first three digits of the CCCD are not a valid birth-registration province code.',
  ],
  century_sex_mismatch: [
    'Chữ số thứ 4 của CCCD (mã thế kỷ và giới tính) không khớp với năm sinh hoặc giới tính.',
    'The 4th CCCD digit (century and sex code) does not match the date of birth or sex.',
  ],
  birth_year_mismatch: [
    'Chữ số thứ 5–6 của CCCD không khớp với hai số cuối của năm sinh.',
    'CCCD digits 5–6 do not match the last two digits of the year of birth.',
  ],
  not_digits: ['Số điện thoại chỉ được chứa chữ số.', 'A phone number may contain digits only.'],
  bad_phone_length: [
    'Số điện thoại di động phải có 10 chữ số, bắt đầu bằng 0.',
    'A mobile phone number must have 10 digits, starting with 0.',
  ],
  bad_phone_prefix: [
    'Đầu số không phải đầu số di động Việt Nam đang dùng.',
    'The prefix is not a Vietnamese mobile prefix in use.',
  ],
};

function issue(code: string): IdentityIssue {
  const [vi, en] = ISSUE_MESSAGES[code]!;
  return { code, message_vi: vi, message_en: en };
}

/**
 * CCD2: Appendix 1 of Circular 07/2016/TT-BCA — the 63 pre-2025 provinces. The 2025 merger did not
 * renumber identity numbers, so these stay the only valid codes.
 */
export const PROVINCE_CODES: Readonly<Record<string, string>> = {
  '001': 'Hà Nội', '002': 'Hà Giang', '004': 'Cao Bằng', '006': 'Bắc Kạn', '008': 'Tuyên Quang',
  '010': 'Lào Cai', '011': 'Điện Biên', '012': 'Lai Châu', '014': 'Sơn La', '015': 'Yên Bái',
  '017': 'Hòa Bình', '019': 'Thái Nguyên', '020': 'Lạng Sơn', '022': 'Quảng Ninh', '024': 'Bắc Giang',
  '025': 'Phú Thọ', '026': 'Vĩnh Phúc', '027': 'Bắc Ninh', '030': 'Hải Dương', '031': 'Hải Phòng',
  '033': 'Hưng Yên', '034': 'Thái Bình', '035': 'Hà Nam', '036': 'Nam Định', '037': 'Ninh Bình',
  '038': 'Thanh Hóa', '040': 'Nghệ An', '042': 'Hà Tĩnh', '044': 'Quảng Bình', '045': 'Quảng Trị',
  '046': 'Thừa Thiên Huế', '048': 'Đà Nẵng', '049': 'Quảng Nam', '051': 'Quảng Ngãi', '052': 'Bình Định',
  '054': 'Phú Yên', '056': 'Khánh Hòa', '058': 'Ninh Thuận', '060': 'Bình Thuận', '062': 'Kon Tum',
  '064': 'Gia Lai', '066': 'Đắk Lắk', '067': 'Đắk Nông', '068': 'Lâm Đồng', '070': 'Bình Phước',
  '072': 'Tây Ninh', '074': 'Bình Dương', '075': 'Đồng Nai', '077': 'Bà Rịa - Vũng Tàu', '079': 'Hồ Chí Minh',
  '080': 'Long An', '082': 'Tiền Giang', '083': 'Bến Tre', '084': 'Trà Vinh', '086': 'Vĩnh Long',
  '087': 'Đồng Tháp', '089': 'An Giang', '091': 'Kiên Giang', '092': 'Cần Thơ', '093': 'Hậu Giang',
  '094': 'Sóc Trăng', '095': 'Bạc Liêu', '096': 'Cà Mau',
};

/** CCD3: digit 4 → (first year of the century, sex). Even digits male, odd female. */
export const CENTURY_SEX_DIGITS: Readonly<Record<string, readonly [number, Sex]>> = {
  '0': [1900, 'male'], '1': [1900, 'female'], '2': [2000, 'male'], '3': [2000, 'female'],
  '4': [2100, 'male'], '5': [2100, 'female'], '6': [2200, 'male'], '7': [2200, 'female'],
  '8': [1800, 'male'], '9': [1800, 'female'],
};

/** PHN2: mobile prefixes after the 2018 11→10 digit conversion; 095 (ex S-Fone) is withdrawn. */
export const MOBILE_PREFIXES: ReadonlySet<string> = new Set([
  ...'23456789'.split('').map((d) => `03${d}`),
  '052', '055', '056', '058', '059',
  '070', '076', '077', '078', '079',
  ...'123456789'.split('').map((d) => `08${d}`),
  '090', '091', '092', '093', '094', '096', '097', '098', '099',
]);

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
/** Non-empty and ASCII 0–9 only (full-width and other scripts' digits are not digits here). */
const ASCII_DIGITS = /^[0-9]+$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function checkSexArgument(sex: unknown): void {
  if (sex !== null && sex !== undefined && sex !== 'male' && sex !== 'female') {
    throw new IdentityError(`sex must be 'male', 'female' or null, not ${JSON.stringify(sex)}`, 'bad_sex_argument');
  }
}

function birthYear(dateOfBirth: string): number {
  const m = ISO_DATE.exec(dateOfBirth);
  if (!m) throw new IdentityError(`date_of_birth must be YYYY-MM-DD, not ${JSON.stringify(dateOfBirth)}`, 'bad_date_argument');
  return Number(m[1]);
}

/** Digit 4 of a CCCD for someone born in `year` (1800–2299) with `sex`; else year_out_of_range. */
export function centurySexDigit(year: number, sex: Sex): string {
  checkSexArgument(sex);
  for (const [digit, [century, digitSex]] of Object.entries(CENTURY_SEX_DIGITS)) {
    if (century <= year && year < century + 100 && digitSex === sex) return digit;
  }
  throw new IdentityError(`no CCCD century code for year ${year}`, 'year_out_of_range');
}

/**
 * CCD1–CCD5. Not 12 ASCII digits → exactly [not_12_digits]. Otherwise issues in the fixed order
 * unknown_province, century_sex_mismatch, birth_year_mismatch, each at most once. `dateOfBirth` is
 * "YYYY-MM-DD" or null; the six random digits are never checked (no checksum exists).
 */
export function checkCccd(cccd: string, dateOfBirth: string | null = null, sex: Sex | null = null): IdentityIssue[] {
  checkSexArgument(sex);
  const year = dateOfBirth === null ? null : birthYear(dateOfBirth);
  if (cccd.length !== 12 || !ASCII_DIGITS.test(cccd)) return [issue('not_12_digits')];
  const issues: IdentityIssue[] = [];
  if (!hasOwn(PROVINCE_CODES, cccd.slice(0, 3))) issues.push(issue('unknown_province'));
  const [century, codedSex] = CENTURY_SEX_DIGITS[cccd[3]!]!;
  const sexWrong = sex !== null && sex !== codedSex;
  const centuryWrong = year !== null && !(century <= year && year < century + 100);
  if (sexWrong || centuryWrong) issues.push(issue('century_sex_mismatch'));
  if (year !== null && Number(cccd.slice(4, 6)) !== year % 100) issues.push(issue('birth_year_mismatch'));
  return issues;
}

/** Separators people type between digit groups (PHN1 step 1). */
const PHONE_SEPARATORS = /[ \t\u00a0.\-()]/g;

/**
 * PHN1: drop separators; a leading +84 or 0084 becomes 0 (dropping a following 0, as in
 * "+84 (0)912…"); a bare leading 84 becomes 0 only when the result has exactly 11 characters.
 * Anything else is returned unchanged for checkPhone to judge. Never fails.
 */
export function normalisePhone(text: string): string {
  const compact = text.replace(PHONE_SEPARATORS, '');
  for (const international of ['+84', '0084']) {
    if (compact.startsWith(international)) {
      const rest = compact.slice(international.length);
      return '0' + (rest.startsWith('0') ? rest.slice(1) : rest);
    }
  }
  if (compact.startsWith('84') && compact.length === 11) return '0' + compact.slice(2);
  return compact;
}

/** PHN2: at most one issue — not_digits, bad_phone_length, bad_phone_prefix — first that applies. */
export function checkPhone(normalised: string): IdentityIssue[] {
  if (!ASCII_DIGITS.test(normalised)) return [issue('not_digits')];
  if (normalised.length !== 10) return [issue('bad_phone_length')];
  if (!MOBILE_PREFIXES.has(normalised.slice(0, 3))) return [issue('bad_phone_prefix')];
  return [];
}

/** The NAM whitespace set, explicit so Python and JavaScript agree (JS \s differs). */
const WHITESPACE_RUN = /[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+/g;
const NONSPACING_MARK = /\p{Mn}/gu;

function collapseWhitespace(text: string): string {
  return text.replace(WHITESPACE_RUN, ' ').replace(/^ | $/g, '');
}

/** NAM1: NFC, whitespace runs → one space, trimmed. Case and diacritics are kept. */
export function normaliseName(text: string): string {
  return collapseWhitespace(text.normalize('NFC'));
}

/** NAM2: NFD, drop nonspacing marks (Mn), đ/Đ → d, lowercase, collapse whitespace. */
export function searchKey(text: string): string {
  const stripped = text.normalize('NFD').replace(NONSPACING_MARK, '');
  return collapseWhitespace(stripped.replace(/[đĐ]/g, 'd').toLowerCase());
}

/**
 * NAM3: every non-empty token of the query's key is a prefix of some token of the text's key.
 * Order is free, two query tokens may match one text token, an empty query matches everything.
 */
export function matches(query: string, text: string): boolean {
  const textTokens = searchKey(text).split(' ');
  return searchKey(query)
    .split(' ')
    .filter((q) => q !== '')
    .every((q) => textTokens.some((t) => t.startsWith(q)));
}
