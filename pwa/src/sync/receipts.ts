/**
 * The submission receipt: its payload and its offline check (sync/SPEC-records.md §RCP), twin of
 * sync/receipts.py. A receipt is {payload: canonical JSON text, sig: base64url Ed25519 over its
 * UTF-8 bytes}; the payload holds exactly commune_id, content_hash, dossier_id, key_id,
 * received_at (RFC 3339 UTC, milliseconds) and receipt_code (RC1–RC3).
 */
import { canonicalText, parseJson } from './canonical';
import { receiptCodeFor } from './receipt-code';
import { parseRfc3339Ms, rfc3339Ms } from './result-record';
import { keyId, verify } from './signatures';

export const RECEIPT_KEYS = ['commune_id', 'content_hash', 'dossier_id', 'key_id', 'received_at', 'receipt_code'] as const;

export type ReceiptReason = 'shape' | 'nokey' | 'key' | 'sig' | 'canonical' | 'dossier' | 'content' | 'code';
export type ReceiptVerdict = 'valid' | 'invalid' | 'unverified';

/** RCP2: why a receipt is not valid, in the order they are checked (Vietnamese first). */
export const RECEIPT_REASONS: Readonly<Record<ReceiptReason, readonly [string, string]>> = {
  shape: ['Biên nhận không đúng định dạng.', 'The receipt is not well-formed.'],
  nokey: ['Chưa có khoá công khai của xã để kiểm tra (sẽ kiểm tra khi có mạng).', 'The commune key is not on this device yet (checked after the next sync).'],
  key: ['Khoá ký của xã không khớp với mã khoá.', 'The commune key does not match its key id.'],
  sig: ['Chữ ký trên biên nhận KHÔNG hợp lệ.', 'The receipt signature is NOT valid.'],
  canonical: ['Nội dung biên nhận không ở dạng chuẩn.', 'The receipt is not canonical.'],
  dossier: ['Biên nhận không thuộc hồ sơ này.', 'The receipt is for another dossier.'],
  content: ['Biên nhận không khớp với nội dung hồ sơ đã ký trên máy.', 'The receipt does not match the dossier signed on this device.'],
  code: ['Mã biên nhận không khớp.', 'The receipt code does not match.'],
};

export interface ReceiptKey {
  key_id: string;
  alg?: string;
  public_key: string;
  commune_id: string;
}

/** RCP1: the payload the commune signs. */
export async function receiptPayload(communeId: string, contentHash: string, dossierId: string, keyIdValue: string, receivedMs: number): Promise<Record<string, string>> {
  return {
    commune_id: communeId,
    content_hash: contentHash,
    dossier_id: dossierId,
    key_id: keyIdValue,
    received_at: rfc3339Ms(receivedMs),
    receipt_code: await receiptCodeFor(dossierId, receivedMs),
  };
}

export const receiptText = (payload: Readonly<Record<string, string>>): string => canonicalText(payload);

export interface ReceiptCheck {
  verdict: ReceiptVerdict;
  reason: ReceiptReason | null;
  payload: Record<string, unknown> | null;
}

/** RCP2: the verdict on a receipt for (dossierId, contentHash) with the known keys. Never throws. */
export async function checkReceipt(receipt: unknown, dossierId: string, contentHash: string, keys: readonly ReceiptKey[]): Promise<ReceiptCheck> {
  const out = (verdict: ReceiptVerdict, reason: ReceiptReason | null, payload: Record<string, unknown> | null = null): ReceiptCheck => ({ verdict, reason, payload });
  const r = receipt as { payload?: unknown; sig?: unknown } | null;
  if (!r || typeof r !== 'object' || Array.isArray(r) || typeof r.payload !== 'string' || typeof r.sig !== 'string') return out('invalid', 'shape');
  const text = r.payload;
  let parsed: unknown;
  try {
    parsed = parseJson(text);
  } catch {
    return out('invalid', 'shape');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return out('invalid', 'shape');
  const payload = parsed as Record<string, unknown>;
  if (!RECEIPT_KEYS.every((k) => typeof payload[k] === 'string')) return out('invalid', 'shape', payload);
  const key = keys.find((k) => k.key_id === payload['key_id'] && k.commune_id === payload['commune_id']);
  if (!key) return out('unverified', 'nokey', payload);
  const alg = key.alg || 'Ed25519';
  try {
    if ((await keyId(alg, key.public_key)) !== key.key_id) return out('invalid', 'key', payload);
    await verify(alg, key.public_key, new TextEncoder().encode(text), r.sig);
  } catch {
    return out('invalid', 'sig', payload);
  }
  if (canonicalText(payload) !== text) return out('invalid', 'canonical', payload);
  if (payload['dossier_id'] !== dossierId) return out('invalid', 'dossier', payload);
  if (payload['content_hash'] !== contentHash) return out('invalid', 'content', payload);
  try {
    const receivedMs = parseRfc3339Ms(payload['received_at'] as string);
    if ((await receiptCodeFor(dossierId, receivedMs)) !== payload['receipt_code']) return out('invalid', 'code', payload);
  } catch {
    return out('invalid', 'code', payload);
  }
  return out('valid', null, payload);
}
