/**
 * Offline verification of submission receipts (backend/sync_api/receipts.py): a receipt is
 * {payload: canonical JSON text, sig: base64url Ed25519 over its UTF-8 bytes}, signed by the
 * commune key with id `key_id`. The commune public keys come from
 * GET /.well-known/langso/keys.json, fetched during sync and cached in meta "commune_keys", so a
 * receipt — and later a receipt shown again — verifies with no network at all.
 *
 * A receipt is 'valid' only if ALL hold: the key is known and its key id matches its bytes (SIG7),
 * the signature verifies over the exact payload bytes, the payload is canonical, names this
 * dossier and the hash of the mutation this device signed (content_hash), and its receipt code is
 * the one derived from (dossier id, received time) (RC1–RC3). 'unverified' = key not cached yet.
 */
import type { PublicKey, PublicKeys } from '../api/wire';
import { db, type LangsoDB } from '../store/db';
import type { ReceiptRow } from '../store/types';
import { canonicalText, parseJson } from '../sync/canonical';
import { receiptCodeFor } from '../sync/receipt-code';
import { keyId, verify } from '../sync/signatures';
import { requestJson } from '../api/http';

export const KEYS_META_KEY = 'commune_keys';
export const KEYS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export type CommuneKey = PublicKey;

export interface CachedKeys {
  keys: CommuneKey[];
  fetched_at: number;
}

export interface SignedReceipt {
  payload: string;
  sig: string;
}

export async function cachedKeys(d: LangsoDB = db()): Promise<CachedKeys | undefined> {
  return (await d.meta.get(KEYS_META_KEY))?.value as CachedKeys | undefined;
}

/** Fetch the published keys when the cache is missing, stale, or lacks `needKeyId`. */
export async function refreshKeys(d: LangsoDB = db(), needKeyId?: string, nowMs: number = Date.now()): Promise<CachedKeys | undefined> {
  const cached = await cachedKeys(d);
  const fresh = cached && nowMs - cached.fetched_at < KEYS_MAX_AGE_MS;
  if (fresh && (!needKeyId || cached.keys.some((k) => k.key_id === needKeyId))) return cached;
  const body = await requestJson<PublicKeys>('/.well-known/langso/keys.json', { d });
  const keys = Array.isArray(body.keys) ? body.keys.filter((k) => typeof k.key_id === 'string' && typeof k.public_key === 'string') : [];
  const next: CachedKeys = { keys, fetched_at: nowMs };
  await d.meta.put({ key: KEYS_META_KEY, value: next });
  return next;
}

const VI = {
  shape: 'Biên nhận không đúng định dạng.',
  key: 'Khoá ký của xã không khớp với mã khoá.',
  sig: 'Chữ ký trên biên nhận KHÔNG hợp lệ.',
  canonical: 'Nội dung biên nhận không ở dạng chuẩn.',
  dossier: 'Biên nhận không thuộc hồ sơ này.',
  content: 'Biên nhận không khớp với nội dung hồ sơ đã ký trên máy.',
  code: 'Mã biên nhận không khớp.',
  nokey: 'Chưa có khoá công khai của xã để kiểm tra (sẽ kiểm tra khi có mạng).',
};

function isSigned(value: unknown): value is SignedReceipt {
  const v = value as SignedReceipt | null;
  return !!v && typeof v === 'object' && typeof v.payload === 'string' && typeof v.sig === 'string';
}

/**
 * Verify `receipt` for (dossierId, contentHash) with cached keys; returns the row to store
 * (id = contentHash, the revision). Never throws for a bad receipt: the verdict says it.
 */
export async function verifyReceipt(
  receipt: unknown,
  dossierId: string,
  contentHash: string,
  keys: readonly CommuneKey[],
  nowIso: string = new Date().toISOString(),
): Promise<ReceiptRow> {
  const row = (verdict: ReceiptRow['verdict'], reason?: string, payload?: Record<string, unknown>): ReceiptRow => {
    const out: ReceiptRow = {
      id: contentHash,
      dossier_id: dossierId,
      received_at: typeof payload?.['received_at'] === 'string' ? (payload['received_at'] as string) : nowIso,
      body: receipt,
      verdict,
      verified_at: nowIso,
    };
    if (reason) out.reason_vi = reason;
    if (typeof payload?.['receipt_code'] === 'string') out.receipt_code = payload['receipt_code'] as string;
    return out;
  };
  if (!isSigned(receipt)) return row('invalid', VI.shape);
  let payload: Record<string, unknown>;
  try {
    const parsed = parseJson(receipt.payload);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return row('invalid', VI.shape);
    payload = parsed as Record<string, unknown>;
  } catch {
    return row('invalid', VI.shape);
  }
  const fields = ['commune_id', 'content_hash', 'dossier_id', 'key_id', 'received_at', 'receipt_code'];
  if (!fields.every((f) => typeof payload[f] === 'string')) return row('invalid', VI.shape, payload);
  const key = keys.find((k) => k.key_id === payload['key_id'] && k.commune_id === payload['commune_id']);
  if (!key) return row('unverified', VI.nokey, payload);
  try {
    if ((await keyId(key.alg, key.public_key)) !== key.key_id) return row('invalid', VI.key, payload);
    await verify(key.alg, key.public_key, new TextEncoder().encode(receipt.payload), receipt.sig);
  } catch {
    return row('invalid', VI.sig, payload);
  }
  if (canonicalText(payload) !== receipt.payload) return row('invalid', VI.canonical, payload);
  if (payload['dossier_id'] !== dossierId) return row('invalid', VI.dossier, payload);
  if (payload['content_hash'] !== contentHash) return row('invalid', VI.content, payload);
  const receivedMs = Date.parse(payload['received_at'] as string);
  if (!Number.isFinite(receivedMs) || (await receiptCodeFor(dossierId, receivedMs)) !== payload['receipt_code']) {
    return row('invalid', VI.code, payload);
  }
  return row('valid', undefined, payload);
}

/** Re-verify stored receipts still 'unverified' (their key arrived later). Returns how many changed. */
export async function reverifyPending(d: LangsoDB = db()): Promise<number> {
  const keys = (await cachedKeys(d))?.keys ?? [];
  const rows = (await d.receipts.toArray()).filter((r) => r.verdict === 'unverified' && r.dossier_id);
  let changed = 0;
  for (const r of rows) {
    const next = await verifyReceipt(r.body, r.dossier_id!, r.id, keys);
    if (next.verdict === 'unverified') continue;
    changed++;
    await d.transaction('rw', d.receipts, d.dossiers, async () => {
      await d.receipts.put(next);
      if (await d.dossiers.get(r.dossier_id!)) {
        await d.dossiers.update(r.dossier_id!, { receipt: { id: next.id, code: next.receipt_code, verdict: next.verdict ?? 'invalid' } });
      }
    });
  }
  return changed;
}
