/**
 * The signed result record, its compact QR text and its offline check (sync/SPEC-records.md §RES),
 * twin of sync/result_record.py. v1 = {commune_id, dossier_id, issued_at, key_id, official_code,
 * outcome, result_sha256, v: 1}; v2 adds holder_initials, procedure_code, procedure_name (v: 2).
 * The commune's Ed25519 key signs the canonical JSON text of the record.
 */
import { b64uDecode, b64uEncode } from './b64u';
import { canonicalText, parseJson } from './canonical';
import { keyId, verify } from './signatures';

export interface ResultRecordV1 {
  commune_id: string;
  dossier_id: string;
  issued_at: string;
  key_id: string;
  official_code: string;
  outcome: string;
  result_sha256: string;
  v: 1;
}

export interface ResultRecordV2 extends Omit<ResultRecordV1, 'v'> {
  holder_initials: string;
  procedure_code: string;
  procedure_name: string;
  v: 2;
}

export type ResultRecord = ResultRecordV1 | ResultRecordV2;

export interface PublishedKey {
  key_id: string;
  alg?: string;
  public_key: string;
  commune_id: string;
  revoked_at?: string | null;
}

export type CompactVerdict = 'valid' | 'altered' | 'revoked' | 'unknown_key' | 'malformed';

export const OUTCOME_LETTERS: Readonly<Record<string, string>> = { approved: 'a', rejected: 'r' };
const LETTER_OUTCOMES: Readonly<Record<string, string>> = { a: 'approved', r: 'rejected' };
const PREFIXES: Readonly<Record<number, string>> = { 1: 'LSR1', 2: 'LSR2' };
const V1_KEYS = ['commune_id', 'dossier_id', 'issued_at', 'key_id', 'official_code', 'outcome', 'result_sha256'] as const;
const V2_KEYS = [...V1_KEYS, 'holder_initials', 'procedure_code', 'procedure_name'] as const;
export const VERIFY_PATH = '/v';
export const MAX_INITIALS = 24;
/** 9999-12-31T23:59:59.999Z, the last time RFC 3339 can write. */
export const MAX_MS = 253402300799999;
export const MAX_PROCEDURE_NAME = 120;

const COMMUNE = /^[0-9A-Za-z_-]{1,16}$/;
const KEY_ID = /^[0-9a-f]{16}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const CODE = /^[0-9A-Za-z.-]{1,48}$/;
const PROCEDURE = /^[a-z0-9][a-z0-9-]{0,47}$/;
const MS = /^[0-9]{1,15}$/;
const RFC3339_MS = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// NAM1's whitespace set (SPEC-identity).
const WHITESPACE = /[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+/u;

export class BadRecord extends Error {
  readonly code = 'bad_record';
}

const codePoints = (s: string): number => [...s].length;

/** RES1: Unix milliseconds as YYYY-MM-DDTHH:MM:SS.mmmZ. */
export const rfc3339Ms = (ms: number): string => new Date(ms).toISOString();

/** The inverse of rfc3339Ms; anything but that exact form throws BadRecord. */
export function parseRfc3339Ms(text: string): number {
  const ms = RFC3339_MS.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms) || new Date(ms).toISOString() !== text) throw new BadRecord(`not an RFC 3339 UTC time with milliseconds: ${text}`);
  return ms;
}

/** RES2: "Lò Văn Pọm" → "L.V.P." (first letter of each word of the NFC name, upper case). */
export function initials(name: string): string {
  const words = name.normalize('NFC').split(WHITESPACE).filter((w) => w !== '');
  return [...words.map((w) => `${[...w][0]!.toUpperCase()}.`).join('')].slice(0, MAX_INITIALS).join('');
}

/** What every record obeys: the outcome, and v2's initials and procedure. */
function checkShape(r: ResultRecord): void {
  if (!(r.outcome in OUTCOME_LETTERS)) throw new BadRecord('outcome');
  if (r.v === 2) {
    if (codePoints(r.holder_initials) > MAX_INITIALS || r.holder_initials.normalize('NFC') !== r.holder_initials) throw new BadRecord('holder initials');
    if (!PROCEDURE.test(r.procedure_code)) throw new BadRecord('procedure code');
    const n = r.procedure_name;
    if (!n || codePoints(n) > MAX_PROCEDURE_NAME || n.normalize('NFC') !== n) throw new BadRecord('procedure name');
  } else if (r.v !== 1) {
    throw new BadRecord('version');
  }
}

/** RES3: what a record must also obey to have a compact text. */
function checkFields(r: ResultRecord): void {
  checkShape(r);
  if (!COMMUNE.test(r.commune_id)) throw new BadRecord('commune');
  if (!UUID.test(r.dossier_id)) throw new BadRecord('dossier id');
  parseRfc3339Ms(r.issued_at);
  if (!KEY_ID.test(r.key_id)) throw new BadRecord('key id');
  if (!HEX64.test(r.result_sha256)) throw new BadRecord('hash');
  if (!CODE.test(r.official_code)) throw new BadRecord('official code');
}

/** RES1: a checked record from its JSON object (exact keys of v1 or v2, strings). */
export function makeRecord(fields: Readonly<Record<string, unknown>>): ResultRecord {
  const v = fields['v'];
  if (v !== 1 && v !== 2) throw new BadRecord('version');
  const keys: readonly string[] = v === 2 ? V2_KEYS : V1_KEYS;
  const have = Object.keys(fields).sort();
  const want = [...keys, 'v'].sort();
  if (have.length !== want.length || have.some((k, i) => k !== want[i])) throw new BadRecord('keys');
  if (!keys.every((k) => typeof fields[k] === 'string')) throw new BadRecord('keys');
  const record = { ...fields } as unknown as ResultRecord;
  checkShape(record);
  return record;
}

/** The record from its exact signed text; undefined when it is not a v1 or v2 record. */
export function parseRecord(text: unknown): ResultRecord | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const parsed = parseJson(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    return makeRecord(parsed as Record<string, unknown>);
  } catch {
    return undefined;
  }
}

/** The exact signed text (canonical JSON) of a record. */
export const recordText = (r: ResultRecord): string => canonicalText(r);

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const textPart = (text: string): string => b64uEncode(new TextEncoder().encode(text));

/** RES3: the compact QR text of a record and its signature. */
export function compactText(record: ResultRecord, sig: string): string {
  // Only what the text needs is checked here; fromCompact checks every part.
  checkShape(record);
  if (!HEX64.test(record.result_sha256)) throw new BadRecord('hash');
  if (!UUID.test(record.dossier_id)) throw new BadRecord('dossier id');
  try {
    b64uDecode(sig);
  } catch {
    throw new BadRecord('signature encoding');
  }
  const parts = [
    PREFIXES[record.v]!,
    record.commune_id,
    b64uEncode(hexBytes(record.dossier_id.replace(/-/g, ''))),
    String(parseRfc3339Ms(record.issued_at)),
    record.key_id,
    OUTCOME_LETTERS[record.outcome]!,
    b64uEncode(hexBytes(record.result_sha256)),
    sig,
  ];
  if (record.v === 2) parts.push(record.procedure_code, textPart(record.holder_initials), textPart(record.procedure_name));
  return [...parts, record.official_code].join('.');
}

/** RES4: what the QR code encodes: the public page with the record after '#'. */
export const verifyUrl = (base: string, compact: string): string => `${base.replace(/\/+$/, '')}${VERIFY_PATH}#${compact}`;

function decodeText(part: string, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b64uDecode(part));
  } catch {
    throw new BadRecord(what);
  }
}

function splitN(text: string, count: number): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let i = 0; i < count - 1; i++) {
    const dot = rest.indexOf('.');
    if (dot < 0) return [...parts, rest];
    parts.push(rest.slice(0, dot));
    rest = rest.slice(dot + 1);
  }
  return [...parts, rest];
}

/** RES3/RES4: [record, signature] from a QR text or a verification link (…/v#LSR…). Throws BadRecord. */
export function fromCompact(input: string): [ResultRecord, string] {
  let text = input.trim();
  const hash = text.indexOf('#');
  if (hash >= 0) text = text.slice(hash + 1);
  const version = text.startsWith('LSR1.') ? 1 : text.startsWith('LSR2.') ? 2 : 0;
  if (version === 0) throw new BadRecord('not a Làng Số result code (LSR1.… or LSR2.…)');
  const count = version === 1 ? 9 : 12;
  const parts = splitN(text, count);
  if (parts.length !== count) throw new BadRecord('parts');
  const [, commune, did, ms, kid, letter, digest, sig] = parts as [string, string, string, string, string, string, string, string];
  let didBytes: Uint8Array;
  let digestBytes: Uint8Array;
  try {
    didBytes = b64uDecode(did);
  } catch {
    throw new BadRecord('dossier id');
  }
  if (didBytes.length !== 16) throw new BadRecord('dossier id');
  if (!MS.test(ms) || Number(ms) > MAX_MS) throw new BadRecord('issued time');
  if (!(letter in LETTER_OUTCOMES)) throw new BadRecord('outcome');
  try {
    digestBytes = b64uDecode(digest);
    b64uDecode(sig);
  } catch {
    throw new BadRecord('hash or signature encoding');
  }
  if (digestBytes.length !== 32) throw new BadRecord('hash length');
  const h = hex(didBytes);
  const base = {
    commune_id: commune,
    dossier_id: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`,
    issued_at: rfc3339Ms(Number(ms)),
    key_id: kid,
    official_code: parts[count - 1]!,
    outcome: LETTER_OUTCOMES[letter]!,
    result_sha256: hex(digestBytes),
  };
  const record: ResultRecord =
    version === 1
      ? { ...base, v: 1 }
      : {
          ...base,
          holder_initials: decodeText(parts[9]!, 'holder initials'),
          procedure_code: parts[8]!,
          procedure_name: decodeText(parts[10]!, 'procedure name'),
          v: 2,
        };
  checkFields(record);
  return [record, sig];
}

/** RES5: the offline verdict on a QR text with the published commune keys, with the record when readable. */
export async function checkCompact(text: string, keys: readonly PublishedKey[]): Promise<[CompactVerdict, ResultRecord | undefined]> {
  let record: ResultRecord;
  let sig: string;
  try {
    [record, sig] = fromCompact(text);
  } catch {
    return ['malformed', undefined];
  }
  const entry = keys.find((k) => k.key_id === record.key_id && k.commune_id === record.commune_id);
  if (!entry) return ['unknown_key', record];
  try {
    if ((await keyId(entry.alg || 'Ed25519', entry.public_key)) !== record.key_id) return ['unknown_key', record];
  } catch {
    return ['unknown_key', record];
  }
  if (entry.revoked_at) return ['revoked', record];
  try {
    await verify('Ed25519', entry.public_key, new TextEncoder().encode(recordText(record)), sig);
  } catch {
    return ['altered', record];
  }
  return ['valid', record];
}
