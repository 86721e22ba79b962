/**
 * RFC 8785 (JCS) canonical JSON with the Làng Số profile (SPEC §CAN), twin of sync/canonical.py.
 *
 * Profile on top of RFC 8785: every string and key is NFC (refused, never normalised: `not_nfc`);
 * numbers are integers within ±(2^53 − 1) (`float_forbidden`, `int_out_of_range`); no lone
 * surrogates (`invalid_unicode`); nesting depth ≤ 32 (`too_deep`). When a value has several
 * violations the code is the first in CAN9 order, whatever the traversal order.
 *
 * `parseCanonical` is how "the exact bytes" are verified: they must decode, parse, satisfy the
 * profile and be byte-identical to their own canonical serialisation (CAN8).
 */
import canonicalize from 'canonicalize';
import { CanonicalError } from './core-errors';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const INT_MAX = Number.MAX_SAFE_INTEGER;
export const MAX_DEPTH = 32;

/** CAN9: lower index wins. `not_canonical` is only ever raised by parseCanonical. */
const PRECEDENCE = [
  'invalid_json',
  'too_deep',
  'not_json_type',
  'key_not_string',
  'float_forbidden',
  'int_out_of_range',
  'invalid_unicode',
  'not_nfc',
] as const;
type ProfileCode = (typeof PRECEDENCE)[number];

const MESSAGES: Record<string, string> = {
  invalid_json: 'Dữ liệu không phải JSON UTF-8 hợp lệ / data is not valid UTF-8 JSON',
  too_deep: `JSON lồng quá ${MAX_DEPTH} cấp / JSON nested deeper than ${MAX_DEPTH} levels`,
  not_json_type: 'Giá trị không thuộc kiểu JSON / value is not a JSON type',
  key_not_string: 'Khoá của đối tượng phải là chuỗi / object keys must be strings',
  float_forbidden: 'Không cho phép số thực (chỉ số nguyên) / non-integral numbers are forbidden',
  int_out_of_range: 'Số nguyên vượt quá ±(2^53−1) / integer outside ±(2^53−1)',
  invalid_unicode: 'Chuỗi chứa ký tự thay thế (surrogate) đơn lẻ / string contains a lone surrogate',
  not_nfc: 'Chuỗi chưa được chuẩn hoá NFC / string is not in Unicode NFC',
  not_canonical: 'Dữ liệu không ở dạng chuẩn RFC 8785 / bytes are not the RFC 8785 canonical form',
  duplicate_key: 'Hai khoá trùng nhau sau khi chuẩn hoá NFC / two keys collide after NFC normalisation',
};

function fail(code: string, detail = ''): never {
  throw new CanonicalError(MESSAGES[code]! + (detail ? `: ${detail}` : ''), code);
}

/** With the `u` flag a surrogate *pair* is one code point outside this range: only lone ones match. */
export const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** A plain object of any realm: prototype is null or some realm's Object.prototype. */
function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function checkString(s: string, found: Set<ProfileCode>): void {
  if (LONE_SURROGATE.test(s)) found.add('invalid_unicode');
  else if (s.normalize('NFC') !== s) found.add('not_nfc');
}

function walk(value: unknown, depth: number, found: Set<ProfileCode>): void {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    // NaN/±Infinity (e.g. 1e400) are not integers: float_forbidden, as in Python.
    if (!Number.isInteger(value)) found.add('float_forbidden');
    else if (!Number.isSafeInteger(value)) found.add('int_out_of_range');
    return;
  }
  if (typeof value === 'string') {
    checkString(value, found);
    return;
  }
  if (typeof value === 'object') {
    const isArray = Array.isArray(value);
    if (isArray || isPlainObject(value)) {
      if (depth >= MAX_DEPTH) {
        // Stop here: cycles end as too_deep instead of overflowing the stack.
        found.add('too_deep');
        return;
      }
      if (isArray) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value)) found.add('not_json_type'); // sparse hole
          else walk(value[i], depth + 1, found);
        }
        return;
      }
      if (Object.getOwnPropertySymbols(value).length > 0) found.add('key_not_string');
      for (const key of Object.keys(value)) {
        checkString(key, found);
        walk(value[key], depth + 1, found);
      }
      return;
    }
  }
  // undefined, bigint, symbol, function, Date, Map, typed arrays, class instances…
  found.add('not_json_type');
}

/**
 * Throw CanonicalError if `value` violates the profile (CAN4–CAN6, CAN10), with the CAN9 code.
 * JavaScript has one number type: `1.0` is the integer 1 and is accepted (CAN4).
 */
export function checkProfile(value: unknown): asserts value is Json {
  const found = new Set<ProfileCode>();
  walk(value, 0, found);
  for (const code of PRECEDENCE) if (found.has(code)) fail(code);
}

/** RFC 8785 text of `value` after the profile check; never normalises. */
export function canonicalText(value: unknown): string {
  checkProfile(value);
  const text = canonicalize(value);
  if (text === undefined) fail('not_json_type'); // unreachable after checkProfile
  return text;
}

/** UTF-8 bytes of canonicalText(value) — what is signed and hashed. */
export function canonicalBytes(value: unknown): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(canonicalText(value));
}

/**
 * Parse JSON leniently (any whitespace/order) per CAN2–CAN3 and check the profile. Bytes are decoded
 * as fatal UTF-8 with the BOM kept (so a BOM is `invalid_json`). Duplicate keys: last wins and
 * numbers are doubles — exactly JSON.parse, which is what SPEC CAN2/CAN3 prescribe.
 */
export function parseJson(data: Uint8Array | string): Json {
  let text: string;
  if (typeof data === 'string') {
    text = data;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data);
    } catch {
      fail('invalid_json', 'not UTF-8');
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // A parser that runs out of stack reports too_deep (CAN10); everything else is grammar.
    if (err instanceof RangeError) fail('too_deep');
    fail('invalid_json', err instanceof Error ? err.message : '');
  }
  checkProfile(value);
  return value;
}

/** CAN8: decode → parse → profile → byte identity with the canonical form (`not_canonical`). */
export function parseCanonical(data: Uint8Array): Json {
  const value = parseJson(data);
  const again = canonicalBytes(value);
  if (again.length !== data.length || again.some((b, i) => b !== data[i])) fail('not_canonical');
  return value;
}

/**
 * CAN11: a copy with every string and key NFC-normalised, for clients preparing data before
 * signing. Two keys of one object that become equal → `duplicate_key`. Never runs implicitly.
 */
export function nfc<T>(value: T): T;
export function nfc(value: unknown): unknown {
  if (typeof value === 'string') return value.normalize('NFC');
  if (Array.isArray(value)) return value.map((v: unknown) => nfc(v));
  if (value !== null && typeof value === 'object' && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const k = key.normalize('NFC');
      if (hasOwn(out, k)) fail('duplicate_key', JSON.stringify(k));
      // defineProperty: a "__proto__" key stays an own member, as JSON.parse makes it.
      Object.defineProperty(out, k, { value: nfc(value[key]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}
