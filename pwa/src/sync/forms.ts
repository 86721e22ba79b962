/**
 * Pure form rules — TypeScript twin of sync/forms.py, written from sync/SPEC-forms.md (rule ids
 * cited below) and checked against sync/vectors/forms.json by tests/sync-forms-vectors.test.ts.
 *
 * Schemas and data are plain JSON (`unknown` until checked). Nothing here reads a clock, the DOM
 * or storage: `today` is a parameter.
 *
 * Invariants:
 *  - Validation never throws for bad *data*; it returns issues, at most one per path, in schema
 *    order, then the level's unknown keys sorted by code point (FRM2).
 *  - A malformed *schema* (which the catalogue loader would have refused) throws FormError with
 *    code `bad_form_schema` or `bad_prefill`.
 */
import { SyncError } from './errors';
import { TEXT_MESSAGES, textIssue } from './text';

export type MergeRule = 'identity' | 'lww' | 'server';
export type JsonObject = { readonly [key: string]: unknown };
/** A field of a schema as JSON; only `key` and `type` are guaranteed after `fieldsOf`. */
export type SchemaField = JsonObject & { readonly key: string; readonly type: string };

export const RELATIONSHIP_CODES = ['chu_ho', 'vo', 'chong', 'con', 'bo', 'me', 'ong', 'ba', 'chau', 'anh_chi_em', 'khac'] as const;
export const MEMBER_ATTRS = ['id', 'full_name', 'date_of_birth', 'sex', 'cccd', 'phone', 'ethnicity', 'relationship'] as const;
export const HOUSEHOLD_ATTRS = ['address', 'village_name', 'commune_name', 'province_name', 'head_name'] as const;
export const COUPLE_SEXES = ['male', 'female'] as const;
/** The sex a spouse's relationship implies when the member record has none (PRE6). */
const SPOUSE_SEX: Readonly<Record<string, string>> = { vo: 'female', chong: 'male' };

const BLANK = new Set([' ', '\t', '\n', '\r']);
const DATE_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const CCCD_RE = /^[0-9]{12}$/;
const PHONE_RE = /^0[35789][0-9]{8}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEY = '[a-z][a-z0-9]*(?:_[a-z0-9]+)*';
const PREFILL_RE = new RegExp(
  `^(?<source>applicant|head|household|field:(?<field>${KEY})|relation:(?<relation>${KEY})|couple:(?<couple>${KEY}))\\.(?<attr>${KEY})$`,
);

/** The form *schema* is malformed (data problems are returned as FormIssue). */
export class FormError extends SyncError {
  constructor(message: string, code: 'bad_form_schema' | 'bad_prefill' = 'bad_form_schema') {
    super(message, code);
  }
}

export type IssueCode =
  | 'required'
  | 'too_short'
  | 'too_long'
  | 'pattern'
  | 'not_nfc'
  | 'not_integer'
  | 'below_min'
  | 'above_max'
  | 'bad_date'
  | 'date_before_min'
  | 'date_after_max'
  | 'not_an_option'
  | 'bad_cccd'
  | 'bad_phone'
  | 'bad_member'
  | 'too_few_items'
  | 'too_many_items'
  | 'unknown_field'
  | 'wrong_type'
  | 'control_char'
  | 'lone_surrogate';

/** One problem with form data. `path` is like `children[0].full_name`. */
export interface FormIssue {
  path: string;
  code: IssueCode;
  message_vi: string;
  message_en: string;
  /** Values substituted into the messages (`min`, `max`), for UIs that word their own. */
  params: Record<string, string | number>;
}

const MESSAGES: Record<IssueCode, [string, string]> = {
  required: ['Trường này là bắt buộc', 'This field is required'],
  too_short: ['Cần ít nhất {min} ký tự', 'At least {min} characters'],
  too_long: ['Tối đa {max} ký tự', 'At most {max} characters'],
  pattern: ['Không đúng định dạng', 'Wrong format'],
  not_nfc: ['Văn bản không ở dạng chuẩn NFC', 'Text is not in NFC form'],
  not_integer: ['Phải là số nguyên', 'Must be a whole number'],
  below_min: ['Không được nhỏ hơn {min}', 'Must be at least {min}'],
  above_max: ['Không được lớn hơn {max}', 'Must be at most {max}'],
  bad_date: ['Ngày không hợp lệ (dd/mm/yyyy)', 'Invalid date (dd/mm/yyyy)'],
  date_before_min: ['Ngày không được trước {min}', 'Date must not be before {min}'],
  date_after_max: ['Ngày không được sau {max}', 'Date must not be after {max}'],
  not_an_option: ['Giá trị không nằm trong danh sách', 'Not one of the options'],
  bad_cccd: ['Số CCCD phải gồm 12 chữ số', 'CCCD number must be 12 digits'],
  bad_phone: ['Số điện thoại di động không hợp lệ (ví dụ 0912345678)', 'Invalid mobile number (e.g. 0912345678)'],
  bad_member: ['Không phải nhân khẩu của hộ', 'Not a member of the household'],
  too_few_items: ['Cần ít nhất {min} mục', 'At least {min} items'],
  too_many_items: ['Tối đa {max} mục', 'At most {max} items'],
  unknown_field: ['Trường không có trong biểu mẫu', 'Field is not part of the form'],
  wrong_type: ['Sai kiểu dữ liệu', 'Wrong type of value'],
  control_char: [...TEXT_MESSAGES.control_char],
  lone_surrogate: [...TEXT_MESSAGES.lone_surrogate],
};

function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

function issue(path: string, code: IssueCode, params: Record<string, string | number> = {}): FormIssue {
  const [vi, en] = MESSAGES[code];
  return { path, code, message_vi: fill(vi, params), message_en: fill(en, params), params };
}

// --- schema access ----------------------------------------------------------------------------

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the shape of a field list; throws FormError for anything the loader would refuse. */
export function fieldsOf(raw: unknown, where = 'fields'): SchemaField[] {
  if (!Array.isArray(raw) || !raw.every(isObject)) {
    throw new FormError(`${where}: danh sách trường không hợp lệ / invalid field list`);
  }
  for (const f of raw) {
    if (typeof f.key !== 'string' || typeof f.type !== 'string') {
      throw new FormError(`${where}: trường thiếu key/type / field without key/type`);
    }
  }
  return raw as SchemaField[];
}

function rulesOf(field: SchemaField): JsonObject {
  return isObject(field.rules) ? field.rules : {};
}

/** VIS3: absent, null, a string of only space/tab/CR/LF, or an empty list. `0` is not empty. */
export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return [...value].every((ch) => BLANK.has(ch));
  return Array.isArray(value) && value.length === 0;
}

/** JSON equality of scalars without coercion (`1` ≠ `"1"`, null equals nothing). */
function same(a: unknown, b: unknown): boolean {
  const t = typeof a;
  return (t === 'string' || t === 'number' || t === 'boolean') && t === typeof b && a === b;
}

/** Ascending Unicode code-point order (not UTF-16 units), as the spec requires for FRM2. */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

// --- visibility -------------------------------------------------------------------------------

/** Every field key a `show_if` condition reads, in order of appearance. */
export function conditionFields(cond: unknown): string[] {
  if (!isObject(cond)) throw new FormError('show_if: điều kiện không hợp lệ / invalid condition');
  for (const combinator of ['all', 'any'] as const) {
    if (combinator in cond) {
      const parts = cond[combinator];
      if (!Array.isArray(parts)) throw new FormError(`show_if.${combinator}: phải là danh sách / must be a list`);
      return parts.flatMap(conditionFields);
    }
  }
  if (typeof cond.field !== 'string') throw new FormError('show_if.field: thiếu khóa / missing key');
  return [cond.field];
}

/** VIS2: evaluate `cond`; a key missing from `valueOf` reads as absent. */
export function evaluateCondition(cond: unknown, valueOf: ReadonlyMap<string, unknown>): boolean {
  if (!isObject(cond)) throw new FormError('show_if: điều kiện không hợp lệ / invalid condition');
  if ('all' in cond) return Array.isArray(cond.all) && cond.all.every((p) => evaluateCondition(p, valueOf));
  if ('any' in cond) return Array.isArray(cond.any) && cond.any.some((p) => evaluateCondition(p, valueOf));
  const { field, op, value: expected } = cond;
  if (typeof field !== 'string') throw new FormError('show_if.field: thiếu khóa / missing key');
  const actual = valueOf.get(field);
  switch (op) {
    case 'equals':
      return same(actual, expected);
    case 'not_equals':
      return !same(actual, expected);
    case 'in':
      if (!Array.isArray(expected)) throw new FormError("show_if.value: 'in' cần danh sách / 'in' needs a list");
      return expected.some((v) => same(actual, v));
    case 'filled':
      return !isEmpty(actual);
    case 'empty':
      return isEmpty(actual);
    default:
      throw new FormError(`show_if.op: phép so sánh không hợp lệ / unknown op ${JSON.stringify(op)}`);
  }
}

/** Values a condition may read at one level: visible siblings first, then the top level (VIS4). */
class Scope {
  readonly values = new Map<string, unknown>();
  readonly visible: string[] = [];

  constructor(fields: readonly SchemaField[], data: JsonObject, root?: ReadonlyMap<string, unknown>) {
    const siblings = new Set(fields.map((f) => f.key));
    for (const [k, v] of root ?? []) if (!siblings.has(k)) this.values.set(k, v);
    for (const field of fields) {
      if (field.show_if === undefined || field.show_if === null || evaluateCondition(field.show_if, this.values)) {
        this.visible.push(field.key);
        this.values.set(field.key, data[field.key]);
      }
    }
  }
}

/**
 * VIS1: keys of the visible fields of one level, in schema order. For a repeat item pass the item
 * as `data` and the visible top-level values (`visibleValues`) as `root`.
 */
export function visibleFields(schemaFields: unknown, data: JsonObject, root?: ReadonlyMap<string, unknown> | JsonObject): string[] {
  return new Scope(fieldsOf(schemaFields), data, toMap(root)).visible;
}

/** Values of the visible top-level fields (absent ones read as undefined), in schema order. */
export function visibleValues(schemaFields: unknown, data: JsonObject): Map<string, unknown> {
  const scope = new Scope(fieldsOf(schemaFields), data);
  return new Map(scope.visible.map((k) => [k, scope.values.get(k)]));
}

function toMap(root: ReadonlyMap<string, unknown> | JsonObject | undefined): ReadonlyMap<string, unknown> | undefined {
  if (root === undefined || root instanceof Map) return root as ReadonlyMap<string, unknown> | undefined;
  return new Map(Object.entries(root));
}

// --- cleaning ---------------------------------------------------------------------------------

/** CLN1: drop values of hidden fields and nulls, recursing into repeat items; keep unknown keys. */
export function cleanForm(schemaFields: unknown, data: JsonObject, root?: ReadonlyMap<string, unknown> | JsonObject): Record<string, unknown> {
  const fields = fieldsOf(schemaFields);
  const rootMap = toMap(root);
  const scope = new Scope(fields, data, rootMap);
  const known = new Map(fields.map((f) => [f.key, f]));
  const visible = new Set(scope.visible);
  const itemRoot = rootMap ?? scope.values;
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(data)) {
    const field = known.get(key);
    if (raw === null || raw === undefined || (field !== undefined && !visible.has(key))) continue;
    let value = raw;
    if (field?.type === 'repeat' && Array.isArray(raw)) {
      const sub = fieldsOf(field.fields, key);
      value = raw.map((item: unknown) => (isObject(item) ? cleanForm(sub, item, itemRoot) : item));
    }
    out[key] = value;
  }
  return out;
}

// --- validation -------------------------------------------------------------------------------

/** Proleptic Gregorian check of an already well-formed YYYY-MM-DD (year 0000 is not a date). */
function isCalendarDate(text: string): boolean {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

function dateBound(raw: unknown, today: string, where: string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (raw === 'today') return today;
  if (typeof raw === 'string' && DATE_RE.test(raw) && isCalendarDate(raw)) return raw;
  throw new FormError(`${where}: giới hạn ngày không hợp lệ / invalid date bound ${JSON.stringify(raw)}`);
}

function intBound(raw: unknown, where: string): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  throw new FormError(`${where}: giới hạn số không hợp lệ / invalid number bound ${JSON.stringify(raw)}`);
}

function checkText(field: SchemaField, value: string, path: string): FormIssue | undefined {
  const rules = rulesOf(field);
  if (value.normalize('NFC') !== value) return issue(path, 'not_nfc');
  const min = intBound(rules.min_length, path);
  const max = intBound(rules.max_length, path);
  const length = [...value].length; // code points, not UTF-16 units
  if (min !== undefined && length < min) return issue(path, 'too_short', { min });
  if (max !== undefined && length > max) return issue(path, 'too_long', { max });
  if (typeof rules.pattern === 'string' && !new RegExp(`^(?:${rules.pattern})$`, 'u').test(value)) {
    const message = rules.pattern_message;
    if (isObject(message)) {
      return { path, code: 'pattern', message_vi: String(message.vi), message_en: String(message.en), params: {} };
    }
    return issue(path, 'pattern');
  }
  return undefined;
}

function checkNumber(field: SchemaField, value: unknown, path: string): FormIssue | undefined {
  if (typeof value !== 'number') return issue(path, 'wrong_type');
  if (!Number.isSafeInteger(value)) return issue(path, 'not_integer');
  const rules = rulesOf(field);
  const min = intBound(rules.min, path);
  const max = intBound(rules.max, path);
  if (min !== undefined && value < min) return issue(path, 'below_min', { min });
  if (max !== undefined && value > max) return issue(path, 'above_max', { max });
  return undefined;
}

/** `YYYY-MM-DD` → `dd/mm/yyyy`, the one date format people read. */
function dayMonthYear(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

function checkDate(field: SchemaField, value: string, path: string, today: string): FormIssue | undefined {
  if (!DATE_RE.test(value) || !isCalendarDate(value)) return issue(path, 'bad_date');
  const rules = rulesOf(field);
  const min = dateBound(rules.min, today, path);
  const max = dateBound(rules.max, today, path);
  // Well-formed ISO dates compare correctly as strings.
  if (min !== undefined && value < min) return issue(path, 'date_before_min', { min: dayMonthYear(min) });
  if (max !== undefined && value > max) return issue(path, 'date_after_max', { max: dayMonthYear(max) });
  return undefined;
}

function optionValues(field: SchemaField): string[] {
  if (!Array.isArray(field.options)) throw new FormError(`${field.key}: select thiếu options / select without options`);
  return field.options.filter(isObject).map((o) => String(o.value));
}

function checkScalar(
  field: SchemaField,
  value: unknown,
  path: string,
  today: string,
  memberIds: ReadonlySet<string> | undefined,
): FormIssue | undefined {
  if (field.type === 'number') return checkNumber(field, value, path);
  if (typeof value !== 'string') return issue(path, 'wrong_type');
  const bad = textIssue(value); // FRM14: the text rule (SPEC TXT) before the type's own checks
  if (bad) return issue(path, bad.code);
  switch (field.type) {
    case 'text':
      return checkText(field, value, path);
    case 'date':
      return checkDate(field, value, path, today);
    case 'select':
      return optionValues(field).includes(value) ? undefined : issue(path, 'not_an_option');
    case 'cccd':
      return CCCD_RE.test(value) ? undefined : issue(path, 'bad_cccd');
    case 'phone':
      return PHONE_RE.test(value) ? undefined : issue(path, 'bad_phone');
    case 'member':
      return UUID_RE.test(value) && (memberIds === undefined || memberIds.has(value)) ? undefined : issue(path, 'bad_member');
    default:
      throw new FormError(`${path}: kiểu trường không hợp lệ / unknown field type ${JSON.stringify(field.type)}`);
  }
}

function validateLevel(
  fields: readonly SchemaField[],
  data: JsonObject,
  prefix: string,
  root: ReadonlyMap<string, unknown> | undefined,
  today: string,
  memberIds: ReadonlySet<string> | undefined,
  out: FormIssue[],
): void {
  const scope = new Scope(fields, data, root);
  const visible = new Set(scope.visible);
  for (const field of fields) {
    if (!visible.has(field.key)) continue; // FRM3: hidden values are ignored
    const path = prefix + field.key;
    const value = data[field.key];
    if (isEmpty(value)) {
      if (field.required === true) out.push(issue(path, 'required'));
      continue;
    }
    if (field.type !== 'repeat') {
      const found = checkScalar(field, value, path, today, memberIds);
      if (found) out.push(found);
      continue;
    }
    if (!Array.isArray(value)) {
      out.push(issue(path, 'wrong_type'));
      continue;
    }
    const low = intBound(field.min_items, path);
    const high = intBound(field.max_items, path);
    if (low !== undefined && value.length < low) out.push(issue(path, 'too_few_items', { min: low }));
    else if (high !== undefined && value.length > high) out.push(issue(path, 'too_many_items', { max: high }));
    const sub = fieldsOf(field.fields, path);
    const itemsRoot = root ?? scope.values;
    value.forEach((item: unknown, index) => {
      const itemPath = `${path}[${index}]`;
      if (!isObject(item)) out.push(issue(itemPath, 'wrong_type'));
      else validateLevel(sub, item, `${itemPath}.`, itemsRoot, today, memberIds, out);
    });
  }
  const known = new Set(fields.map((f) => f.key));
  const unknown = Object.keys(data)
    .filter((k) => !known.has(k))
    .sort(compareCodePoints);
  for (const key of unknown) out.push(issue(prefix + key, 'unknown_field'));
}

/**
 * FRM1–FRM14: every problem of `data` against the schema; empty when valid.
 * @param today YYYY-MM-DD resolving the "today" date bound.
 * @param memberIds the household's member ids; when given, member fields must name one of them.
 */
export function validateForm(
  schemaFields: unknown,
  data: JsonObject,
  today: string,
  memberIds?: Iterable<string>,
): FormIssue[] {
  const out: FormIssue[] = [];
  validateLevel(fieldsOf(schemaFields), data, '', undefined, today, memberIds ? new Set(memberIds) : undefined, out);
  return out;
}

// --- prefill and merge rules ------------------------------------------------------------------

export interface PrefillPath {
  source: 'applicant' | 'head' | 'household' | 'field' | 'relation' | 'couple';
  /** Field key (source "field") or relationship code (source "relation"), else null. */
  selector: string | null;
  attr: string;
}

/** PRE1: parse a prefill path; throws FormError(`bad_prefill`) if malformed. */
export function parsePrefill(path: string): PrefillPath {
  const m = PREFILL_RE.exec(path);
  const g = m?.groups;
  if (!g) throw new FormError(`prefill: đường dẫn không hợp lệ / invalid path ${JSON.stringify(path)}`, 'bad_prefill');
  const attr = g.attr!;
  if (g.source === 'household') {
    if (!(HOUSEHOLD_ATTRS as readonly string[]).includes(attr)) {
      throw new FormError(`prefill: thuộc tính hộ không hợp lệ / unknown household attribute ${attr}`, 'bad_prefill');
    }
    return { source: 'household', selector: null, attr };
  }
  if (!(MEMBER_ATTRS as readonly string[]).includes(attr)) {
    throw new FormError(`prefill: thuộc tính nhân khẩu không hợp lệ / unknown member attribute ${attr}`, 'bad_prefill');
  }
  if (g.relation !== undefined) {
    if (!(RELATIONSHIP_CODES as readonly string[]).includes(g.relation)) {
      throw new FormError(`prefill: mã quan hệ không hợp lệ / unknown relationship ${g.relation}`, 'bad_prefill');
    }
    return { source: 'relation', selector: g.relation, attr };
  }
  if (g.couple !== undefined) {
    if (!(COUPLE_SEXES as readonly string[]).includes(g.couple)) {
      throw new FormError(`prefill: giới tính không hợp lệ / unknown sex ${g.couple}`, 'bad_prefill');
    }
    return { source: 'couple', selector: g.couple, attr };
  }
  if (g.field !== undefined) return { source: 'field', selector: g.field, attr };
  return { source: g.source === 'applicant' ? 'applicant' : 'head', selector: null, attr };
}

function memberById(id: unknown, pools: readonly (JsonObject | null | undefined)[]): JsonObject | undefined {
  if (typeof id !== 'string') return undefined;
  return pools.find((p): p is JsonObject => !!p && p.id === id);
}

function sexOf(person: JsonObject): unknown {
  const sex = person.sex;
  return sex === 'male' || sex === 'female' ? sex : SPOUSE_SEX[String(person.relationship)];
}

/**
 * PRE6: the partner of that sex in the couple heading the household: the head when the head is of
 * that sex, else the first spouse of the head (`vo`/`chong`) of that sex (a member without a
 * recorded sex has the one its relationship implies). A household headed by a woman still finds
 * the mother.
 */
export function coupleMember(sex: string, head: JsonObject | null | undefined, members: readonly JsonObject[]): JsonObject | undefined {
  if (head && sexOf(head) === sex) return head;
  const headId = head?.id;
  return members.find((m) => typeof m.relationship === 'string' && m.relationship in SPOUSE_SEX && m.id !== headId && sexOf(m) === sex);
}

/** PRE7: the option naming the applicant's role, from the member fields already resolved. */
function applicantRole(field: SchemaField, applicant: JsonObject | null | undefined, resolved: Readonly<Record<string, unknown>>): unknown {
  const roles = field.applicant_role;
  if (!Array.isArray(roles) || !applicant || isEmpty(applicant.id)) return undefined;
  for (const role of roles) {
    if (!isObject(role) || typeof role.field !== 'string') throw new FormError(`${field.key}.applicant_role: không hợp lệ / invalid entry`);
    if (same(resolved[role.field], applicant.id)) return role.value;
  }
  return undefined;
}

/**
 * PRE2–PRE5: prefilled values of the top-level fields, in schema order. `members` are the
 * household's members; `chosen` maps a member field's key to the member the user picked, which
 * wins over that field's own prefill. Empty results and non-option select values are left out.
 */
export function resolvePrefill(
  schemaFields: unknown,
  applicant: JsonObject | null | undefined,
  head: JsonObject | null | undefined,
  household: JsonObject | null | undefined,
  members: readonly JsonObject[],
  chosen: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const pools = [...members, applicant, head];
  const out: Record<string, unknown> = {};
  for (const field of fieldsOf(schemaFields)) {
    const key = field.key;
    if (field.type === 'member' && Object.prototype.hasOwnProperty.call(chosen, key)) {
      out[key] = chosen[key];
      continue;
    }
    const role = applicantRole(field, applicant, out);
    if (!isEmpty(role) && (field.type !== 'select' || optionValues(field).includes(role as string))) {
      out[key] = role;
      continue;
    }
    if (typeof field.prefill !== 'string') continue;
    const path = parsePrefill(field.prefill);
    let value: unknown;
    if (path.source === 'household') {
      value = household?.[path.attr];
    } else {
      let person: JsonObject | null | undefined;
      if (path.source === 'applicant') person = applicant;
      else if (path.source === 'head') person = head;
      else if (path.source === 'relation') person = members.find((m) => m.relationship === path.selector);
      else if (path.source === 'couple') person = coupleMember(path.selector!, head, members);
      else person = memberById(out[path.selector!], pools);
      value = person?.[path.attr];
    }
    if (isEmpty(value)) continue;
    if (field.type === 'select' && !optionValues(field).includes(value as string)) continue;
    out[key] = value;
  }
  return out;
}

/** MRR1: merge rule of each top-level field (`lww` when unset); a repeat merges as one value. */
export function fieldRules(schemaFields: unknown): Record<string, MergeRule> {
  const out: Record<string, MergeRule> = {};
  for (const field of fieldsOf(schemaFields)) {
    const rule = field.merge ?? 'lww';
    if (rule !== 'identity' && rule !== 'lww' && rule !== 'server') {
      throw new FormError(`${field.key}.merge: quy tắc không hợp lệ / unknown rule ${JSON.stringify(rule)}`);
    }
    out[field.key] = rule;
  }
  return out;
}

// --- sections (steps of the form) ------------------------------------------------------------

/** What one step of the wizard shows (SEC2). */
export interface SectionView {
  key: string;
  /** Visible fields of the step, in schema order. */
  visible: string[];
  /** Visible fields the volunteer still has to type or fix. */
  to_type: string[];
  /** Visible fields whose prefilled value stands and is valid. */
  prefilled: string[];
  /** Validation issues of the step's fields. */
  issues: number;
}

/**
 * SEC1: the steps of a form as `[key, field keys]`. Without `sections` (null/undefined) the form is
 * one step named `form`; otherwise the sections, read in order, list every top-level field exactly
 * once in schema order. Anything else throws FormError.
 */
export function formSections(schemaFields: unknown, sections: unknown): [string, string[]][] {
  const keys = fieldsOf(schemaFields).map((f) => f.key);
  if (sections === undefined || sections === null) return [['form', keys]];
  if (!Array.isArray(sections) || sections.length === 0) {
    throw new FormError('sections: phải là danh sách không rỗng / must be a non-empty list');
  }
  const out: [string, string[]][] = [];
  const seen = new Set<string>();
  sections.forEach((section: unknown, index) => {
    const key = isObject(section) ? section.key : undefined;
    const names = isObject(section) ? section.fields : undefined;
    if (typeof key !== 'string' || !new RegExp(`^${KEY}$`).test(key) || seen.has(key)) {
      throw new FormError(`sections[${index}].key: thiếu, sai dạng hoặc trùng / missing, malformed or duplicate key`);
    }
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string')) {
      throw new FormError(`sections[${index}].fields: danh sách khóa không rỗng / a non-empty list of keys`);
    }
    seen.add(key);
    out.push([key, names as string[]]);
  });
  const listed = out.flatMap(([, names]) => names);
  if (listed.length !== keys.length || listed.some((k, i) => k !== keys[i])) {
    throw new FormError('sections: phải liệt kê mọi trường đúng một lần theo thứ tự biểu mẫu / must list every field once, in form order');
  }
  return out;
}

function jsonSame(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonSame(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonSame(a[k], b[k]));
  }
  return same(a, b);
}

/**
 * SEC2: the steps to show for `data`, skipping steps with no visible field. A visible field is
 * prefilled when `prefill` has its key, the cleaned value is that same JSON value and validation
 * finds no issue at or under its path; every other visible field is to type.
 */
export function sectionViews(
  schemaFields: unknown,
  sections: unknown,
  data: JsonObject,
  prefill: JsonObject,
  today: string,
  memberIds?: readonly string[],
): SectionView[] {
  const fields = fieldsOf(schemaFields);
  const steps = formSections(fields, sections);
  const cleaned = cleanForm(fields, data);
  const visible = new Set(visibleFields(fields, cleaned));
  const issueCount = new Map<string, number>();
  for (const found of validateForm(fields, cleaned, today, memberIds)) {
    const root = found.path.split(/[.[]/, 1)[0]!;
    issueCount.set(root, (issueCount.get(root) ?? 0) + 1);
  }
  const has = (o: JsonObject, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
  const out: SectionView[] = [];
  for (const [key, names] of steps) {
    const shown = names.filter((n) => visible.has(n));
    if (shown.length === 0) continue;
    const ready = shown.filter((n) => has(prefill, n) && has(cleaned, n) && !issueCount.has(n) && jsonSame(cleaned[n], prefill[n]));
    out.push({
      key,
      visible: shown,
      to_type: shown.filter((n) => !ready.includes(n)),
      prefilled: ready,
      issues: shown.reduce((sum, n) => sum + (issueCount.get(n) ?? 0), 0),
    });
  }
  return out;
}
