/**
 * Offline check of signed electronic results (pull entity `result`, backend/results/service.py
 * `result_entity`). No network: the commune keys come from the cache the sync loop keeps for
 * receipts (src/net/keys.ts, GET /.well-known/langso/keys.json).
 *
 * What the commune signs (sync/SPEC-records.md RES1): the canonical JSON `record` v1 or v2 (v2
 * adds holder_initials, procedure_code, procedure_name) with Ed25519 over its UTF-8 bytes. `result_sha256` is the SHA-256 of the canonical result
 * `content` (what the document prints), so the content is covered by the signature too.
 *
 * A result is 'valid' only if ALL hold: the record is canonical and well-formed; its key is
 * known for its commune and the key id matches the key's bytes (SIG7); the signature verifies;
 * it names THIS dossier; the content hashes to `result_sha256`; and every fact the screen shows
 * (outcome, code, date, summary, document kind and number) is the signed one. 'unverified' =
 * the key is not cached yet. The check never throws for a bad result: the verdict says it.
 *
 * The PDF's own hash (`pdf_sha256`) is NOT inside the signed record (a PDF cannot carry a hash
 * of itself). A downloaded PDF is accepted when its SHA-256 equals `pdf_sha256` AND its bytes
 * carry the compact QR text rebuilt from the verified record and signature (the issued PDF has
 * it in its Keywords metadata and its QR), which binds the file to the signature.
 */
import { db, type LangsoDB } from '../store/db';
import type { ResultCheck, ResultRow } from '../store/types';
import { canonicalBytes, canonicalText } from '../sync/canonical';
import { sha256Hex } from '../sync/hashing';
import { compactText, initials, MAX_PROCEDURE_NAME, parseRecord } from '../sync/result-record';
import { keyId, verify } from '../sync/signatures';
import { cachedKeys, type CommuneKey } from './receipts';

// The record, its parse and its QR text are the core's (src/sync/result-record.ts, RES1–RES3).
export { compactText, parseRecord };
export type { ResultRecord } from '../sync/result-record';

type Reason = 'shape' | 'canonical' | 'key' | 'sig' | 'dossier' | 'content' | 'shown' | 'nokey';

export const REASONS: Record<Reason, [vi: string, en: string]> = {
  shape: ['Kết quả không đúng định dạng.', 'The result is not well-formed.'],
  canonical: ['Nội dung ký của kết quả không ở dạng chuẩn.', 'The signed record is not canonical.'],
  key: ['Khoá ký không khớp với mã khoá của xã.', 'The signing key does not match its key id.'],
  sig: ['Chữ ký của xã trên kết quả KHÔNG khớp: nội dung đã bị thay đổi hoặc giả mạo.', 'The commune signature does not match: altered or forged.'],
  dossier: ['Kết quả này không thuộc hồ sơ này.', 'This result belongs to another dossier.'],
  content: ['Nội dung kết quả không khớp với bản đã ký.', 'The result content does not match the signed hash.'],
  shown: ['Thông tin kết quả trên máy khác với bản xã đã ký.', 'The result shown differs from the signed one.'],
  nokey: ['Chưa có khoá công khai của xã để kiểm tra (sẽ kiểm tra khi có mạng).', 'The commune key is not on this device yet (checked after the next sync).'],
};

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (o: Record<string, unknown>, k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);

/** "Pu Sam Cáp" from "Xã Pu Sam Cáp" or "Pu Sam Cáp": the UI says "UBND xã …" itself. */
export function communeShortName(name: string): string {
  return name.replace(/^\s*(ubnd\s+)?xã\s+/iu, '').trim();
}

/**
 * Check one result entity for `dossierId` with the cached commune keys. Pure (WebCrypto only).
 * `version` is stored with the verdict so a newer result is checked again.
 */
export async function verifyResult(
  data: Record<string, unknown>,
  dossierId: string,
  keys: readonly CommuneKey[],
  version: number,
  nowIso: string = new Date().toISOString(),
): Promise<ResultCheck> {
  const out = (verdict: ResultCheck['verdict'], reason?: Reason, extra: Partial<ResultCheck> = {}): ResultCheck => {
    const check: ResultCheck = { verdict, version, verified_at: nowIso, ...extra };
    if (reason) [check.reason_vi, check.reason_en] = REASONS[reason];
    return check;
  };
  const text = data['record'];
  const sig = str(data, 'sig');
  const record = parseRecord(text);
  if (!record || sig === undefined) return out('invalid', 'shape');
  const who: Partial<ResultCheck> = { key_id: record.key_id, commune_id: record.commune_id };
  if (canonicalText(record) !== text) return out('invalid', 'canonical', who);
  if (data['key_id'] !== undefined && data['key_id'] !== record.key_id) return out('invalid', 'key', who);
  const key = keys.find((k) => k.key_id === record.key_id && k.commune_id === record.commune_id);
  if (!key) return out('unverified', 'nokey', who);
  try {
    if ((await keyId(key.alg, key.public_key)) !== key.key_id) return out('invalid', 'key', who);
    await verify(key.alg, key.public_key, new TextEncoder().encode(text as string), sig);
  } catch {
    return out('invalid', 'sig', who);
  }
  if (record.dossier_id !== dossierId) return out('invalid', 'dossier', who);
  const content = data['content'];
  if (!isObject(content)) return out('invalid', 'content', who);
  try {
    if ((await sha256Hex(canonicalBytes(content))) !== record.result_sha256) return out('invalid', 'content', who);
  } catch {
    return out('invalid', 'content', who); // not within the canonical profile
  }
  const signedFacts: Record<string, unknown> = {
    dossier_id: record.dossier_id,
    official_code: record.official_code,
    outcome: record.outcome,
    issued_at: record.issued_at,
    commune_id: record.commune_id,
  };
  for (const [k, v] of Object.entries(signedFacts)) {
    if (content[k] !== v) return out('invalid', 'content', who);
    if (k !== 'commune_id' && data[k] !== undefined && data[k] !== v) return out('invalid', 'shown', who);
  }
  if (record.v === 2) {
    // The signed initials and procedure are the content's (the name cut to the record's limit).
    const applicant = typeof content['applicant_name'] === 'string' ? content['applicant_name'] : '';
    const name = typeof content['procedure_name'] === 'string' ? [...content['procedure_name']].slice(0, MAX_PROCEDURE_NAME).join('') : undefined;
    if (content['procedure_code'] !== record.procedure_code || name !== record.procedure_name || initials(applicant) !== record.holder_initials) {
      return out('invalid', 'content', who);
    }
  }
  for (const k of ['summary', 'document_kind', 'document_number']) {
    if (data[k] !== undefined && data[k] !== content[k]) return out('invalid', 'shown', who);
  }
  const communeName = str(content, 'commune_name');
  return out('valid', undefined, communeName ? { ...who, commune_name: communeName } : who);
}

function containsAscii(haystack: Uint8Array, needle: string): boolean {
  const n = new TextEncoder().encode(needle);
  if (n.length === 0 || n.length > haystack.length) return false;
  const first = n[0]!;
  outer: for (let i = haystack.indexOf(first); i !== -1 && i <= haystack.length - n.length; i = haystack.indexOf(first, i + 1)) {
    for (let j = 1; j < n.length; j++) if (haystack[i + j] !== n[j]) continue outer;
    return true;
  }
  return false;
}

export type PdfProblem = 'hash' | 'unbound';

export const PDF_REASONS: Record<PdfProblem, [vi: string, en: string]> = {
  hash: ['Tệp PDF tải về không phải bản xã đã cấp (mã băm SHA-256 không khớp).', 'The downloaded PDF is not the issued file (SHA-256 mismatch).'],
  unbound: ['Tệp PDF không mang chữ ký của kết quả này.', 'The PDF does not carry this result\u2019s signature.'],
};

/**
 * Is `bytes` the issued PDF of this (already verified) result? Returns undefined when it is,
 * else the problem. `data` is the result entity.
 */
export async function pdfProblem(bytes: Uint8Array, data: Record<string, unknown>): Promise<PdfProblem | undefined> {
  if ((await sha256Hex(bytes)) !== data['pdf_sha256']) return 'hash';
  const record = parseRecord(data['record']);
  const sig = str(data, 'sig');
  if (!record || sig === undefined) return 'unbound';
  let qr: string;
  try {
    qr = compactText(record, sig);
  } catch {
    return 'unbound';
  }
  return containsAscii(bytes, qr) ? undefined : 'unbound';
}

export interface LocalResultState {
  check: ResultCheck;
  /** The verified PDF, ready to open offline. */
  pdf?: Blob;
  /** Why a stored PDF is not offered. */
  pdfReason_vi?: string;
  pdfReason_en?: string;
}

/**
 * What the dossier screen shows, computed on the device from the local store only: the
 * record checked again now (a row edited in storage after the sync loop's check shows as
 * invalid), and the stored PDF re-hashed before it is offered.
 */
export async function localResultState(row: ResultRow, d: LangsoDB = db()): Promise<LocalResultState> {
  const keys = (await cachedKeys(d))?.keys ?? [];
  const check = await verifyResult(row.data ?? {}, row.dossier_id, keys, row.version);
  const state: LocalResultState = { check };
  if (check.verdict !== 'valid' || row.pdf?.state !== 'ok' || !row.pdf.sha256) return state;
  const blob = (await d.blobs.get(row.pdf.sha256))?.blob;
  if (!blob) return state;
  const problem = await pdfProblem(new Uint8Array(await blob.arrayBuffer()), row.data);
  if (problem) [state.pdfReason_vi, state.pdfReason_en] = PDF_REASONS[problem];
  else state.pdf = blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' });
  return state;
}
