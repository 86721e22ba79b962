/**
 * Member and household field rules (sync/SPEC-records.md §REC), twin of sync/records.py: the
 * field list the member form renders and the checks the server applies, so a member saved on
 * the phone is never refused by the server. JSON in, JSON out; dates are ISO YYYY-MM-DD.
 */
import { checkCccd, checkPhone, normaliseName, normalisePhone, type Sex } from './identity';
import { TEXT_LIMITS, TEXT_MESSAGES, textIssue } from './text';

/** REC2: relationship to the head of household, the head first. */
export const RELATIONSHIPS = ['chu_ho', 'vo', 'chong', 'con', 'bo', 'me', 'ong', 'ba', 'chau', 'anh_chi_em', 'khac'] as const;
export const SEXES = ['male', 'female'] as const;
export const MEMBER_STATUSES = ['active', 'pending_birth'] as const;
export const OLDEST_BIRTH_DATE = '1900-01-01';

export interface RecordField {
  readonly key: string;
  readonly type: 'text' | 'textarea' | 'select' | 'date' | 'cccd' | 'phone';
  readonly required: boolean;
  readonly options?: readonly string[];
  readonly rules?: Readonly<Record<string, string | number>>;
}

/** REC1: the member and household fields in the catalogue form format (labels: i18n). */
export const MEMBER_FIELDS: readonly RecordField[] = [
  { key: 'full_name', type: 'text', required: true, rules: { max_length: TEXT_LIMITS['member.full_name'] } },
  { key: 'relationship', type: 'select', required: true, options: RELATIONSHIPS },
  { key: 'date_of_birth', type: 'date', required: false, rules: { min: OLDEST_BIRTH_DATE, max: 'today' } },
  { key: 'sex', type: 'select', required: false, options: SEXES },
  { key: 'cccd', type: 'cccd', required: false },
  { key: 'phone', type: 'phone', required: false },
  { key: 'ethnicity', type: 'text', required: false, rules: { max_length: TEXT_LIMITS['member.ethnicity'] } },
  { key: 'notes', type: 'text', required: false, rules: { max_length: TEXT_LIMITS['member.notes'] } },
];

export const HOUSEHOLD_FIELDS: readonly RecordField[] = [
  { key: 'address', type: 'text', required: true, rules: { max_length: TEXT_LIMITS['household.address'] } },
  { key: 'notes', type: 'textarea', required: false, rules: { max_length: TEXT_LIMITS['household.notes'] } },
];

export interface RecordIssue {
  field: string;
  code: string;
  message_vi: string;
  message_en: string;
}

const MESSAGES: Readonly<Record<string, readonly [string, string]>> = {
  wrong_type: ['Phải là chuỗi ký tự.', 'Must be text.'],
  required: ['Không được để trống.', 'Required.'],
  bad_relationship: ['Quan hệ với chủ hộ không hợp lệ.', 'Unknown relationship to the head.'],
  bad_sex: ['Giới tính phải là nam hoặc nữ.', 'Bad sex.'],
  bad_date: ['Ngày không hợp lệ (YYYY-MM-DD).', 'Bad date.'],
  date_in_future: ['Ngày sinh không được ở tương lai.', 'Date in future.'],
  date_too_old: ['Ngày sinh quá xa.', 'Date before 1900.'],
  bad_status: ['Trạng thái nhân khẩu không hợp lệ.', 'Unknown member status.'],
  bad_uuid: ['Mã hồ sơ phải là UUID.', 'The dossier id must be a uuid.'],
  pending_needs_dossier: ['Nhân khẩu chờ khai sinh cần mã hồ sơ khai sinh.', 'A member pending birth registration needs its dossier id.'],
};

const issue = (field: string, code: string, vi: string, en: string): RecordIssue => ({ field, code, message_vi: vi, message_en: en });
const msg = (field: string, code: string): RecordIssue => issue(field, code, MESSAGES[code]![0], MESSAGES[code]![1]);

export function maxLength(fields: readonly RecordField[], key: string): number {
  const found = fields.find((f) => f.key === key);
  if (!found || typeof found.rules?.['max_length'] !== 'number') throw new Error(`no limit for ${key}`);
  return found.rules['max_length'];
}

/** REC4: exactly YYYY-MM-DD and a real calendar date. */
export function isoDate(text: unknown): text is string {
  if (typeof text !== 'string' || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return false;
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const validUuid = (value: unknown): boolean => typeof value === 'string' && UUID.test(value);

function badText(value: string, field: string, issues: RecordIssue[]): boolean {
  const found = textIssue(value);
  if (found) issues.push(issue(field, found.code, TEXT_MESSAGES[found.code][0], TEXT_MESSAGES[found.code][1]));
  return found !== null;
}

/** REC3: TXT1/TXT2, NFC with whitespace collapsed as NAM1 (household notes keep their lines), required, TXT4 limit. */
function text(value: unknown, field: string, max: number, issues: RecordIssue[], required: boolean, collapse = true): string {
  const v = value ?? '';
  if (typeof v !== 'string') {
    issues.push(msg(field, 'wrong_type'));
    return '';
  }
  if (badText(v, field, issues)) return '';
  const out = collapse ? normaliseName(v) : v.normalize('NFC');
  if (required && !out) issues.push(msg(field, 'required'));
  if ([...out].length > max) issues.push(issue(field, 'too_long', `Tối đa ${max} ký tự.`, `At most ${max} characters.`));
  return out;
}

function dateField(value: unknown, field: string, today: string, issues: RecordIssue[]): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (!isoDate(value)) {
    issues.push(msg(field, 'bad_date'));
    return null;
  }
  if (value > today) issues.push(msg(field, 'date_in_future'));
  if (value < OLDEST_BIRTH_DATE) issues.push(msg(field, 'date_too_old'));
  return value;
}

const has = (o: Readonly<Record<string, unknown>>, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** REC1–REC6: cleaned member fields and the issues, in field order (twin of check_member). */
export function checkMember(
  fields: Readonly<Record<string, unknown>>,
  today: string,
  partial = false,
): [Record<string, unknown>, RecordIssue[]] {
  const issues: RecordIssue[] = [];
  const out: Record<string, unknown> = {};
  const wanted = (k: string): boolean => has(fields, k) || !partial;
  const get = (k: string): unknown => (has(fields, k) ? fields[k] : undefined);
  if (wanted('full_name')) out['full_name'] = text(get('full_name'), 'full_name', maxLength(MEMBER_FIELDS, 'full_name'), issues, true);
  if (wanted('relationship')) {
    const rel = get('relationship') ?? null;
    if (!(RELATIONSHIPS as readonly unknown[]).includes(rel)) issues.push(msg('relationship', 'bad_relationship'));
    out['relationship'] = rel;
  }
  if (wanted('sex')) {
    const sex = get('sex') ?? null;
    if (sex !== null && !(SEXES as readonly unknown[]).includes(sex)) issues.push(msg('sex', 'bad_sex'));
    out['sex'] = sex;
  }
  if (wanted('date_of_birth')) out['date_of_birth'] = dateField(get('date_of_birth'), 'date_of_birth', today, issues);
  if (wanted('ethnicity')) out['ethnicity'] = text(get('ethnicity'), 'ethnicity', maxLength(MEMBER_FIELDS, 'ethnicity'), issues, false);
  if (wanted('notes')) out['notes'] = text(get('notes'), 'notes', maxLength(MEMBER_FIELDS, 'notes'), issues, false);
  if (wanted('phone')) {
    const raw = get('phone');
    if (raw === undefined || raw === null || raw === '') out['phone'] = null;
    else if (typeof raw !== 'string') issues.push(issue('phone', 'wrong_type', 'Số điện thoại phải là chuỗi.', 'Bad phone.'));
    else if (!badText(raw, 'phone', issues)) {
      const phone = normalisePhone(raw);
      for (const it of checkPhone(phone)) issues.push(issue('phone', it.code, it.message_vi, it.message_en));
      out['phone'] = phone;
    }
  }
  if (wanted('cccd')) {
    const raw = get('cccd');
    if (raw === undefined || raw === null || raw === '') out['cccd'] = null;
    else if (typeof raw !== 'string') issues.push(issue('cccd', 'wrong_type', 'Số CCCD phải là chuỗi.', 'CCCD as text.'));
    else if (!badText(raw, 'cccd', issues)) {
      const dob = has(out, 'date_of_birth') ? out['date_of_birth'] : get('date_of_birth');
      const sex = has(out, 'sex') ? out['sex'] : get('sex');
      const validSex = (SEXES as readonly unknown[]).includes(sex) ? (sex as Sex) : null;
      for (const it of checkCccd(raw, isoDate(dob) ? dob : null, validSex)) issues.push(issue('cccd', it.code, it.message_vi, it.message_en));
      out['cccd'] = raw;
    }
  }
  if (has(fields, 'status') || has(fields, 'source_dossier_id')) {
    const status = get('status') || 'active';
    const source = get('source_dossier_id') ?? null;
    if (!(MEMBER_STATUSES as readonly unknown[]).includes(status)) issues.push(msg('status', 'bad_status'));
    if (source !== null && !validUuid(source)) issues.push(msg('source_dossier_id', 'bad_uuid'));
    if (status === 'pending_birth' && source === null) {
      const [vi, en] = MESSAGES['pending_needs_dossier']!;
      issues.push(issue('source_dossier_id', 'required', vi, en));
    }
    out['status'] = status;
    out['source_dossier_id'] = source;
  }
  return [out, issues];
}

/** REC5: household text fields (address, notes); with `partial` only those present. */
export function checkHousehold(fields: Readonly<Record<string, unknown>>, partial = false): [Record<string, unknown>, RecordIssue[]] {
  const issues: RecordIssue[] = [];
  const out: Record<string, unknown> = {};
  if (has(fields, 'address') || !partial) out['address'] = text(fields['address'], 'address', maxLength(HOUSEHOLD_FIELDS, 'address'), issues, true);
  if (has(fields, 'notes') || !partial) out['notes'] = text(fields['notes'], 'notes', maxLength(HOUSEHOLD_FIELDS, 'notes'), issues, false, false);
  return [out, issues];
}
