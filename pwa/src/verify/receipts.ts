/**
 * Offline verification of submission receipts (backend/dossiers/receipts.py): a receipt is
 * {payload: canonical JSON text, sig: base64url Ed25519 over its UTF-8 bytes}, signed by the
 * commune key with id `key_id`. The commune public keys come from
 * GET /.well-known/langso/keys.json, fetched during sync (src/net/keys.ts) and cached in meta
 * "commune_keys", so a receipt — and later a receipt shown again — verifies with no network at all.
 *
 * What makes a receipt valid is the core's rule (src/sync/receipts.ts, sync/SPEC-records.md RCP2);
 * this module keeps the key cache and stores the verdicts.
 */
import type { PublicKey } from '../api/wire';
import { db, type LangsoDB } from '../store/db';
import type { ReceiptRow } from '../store/types';
import { checkReceipt, RECEIPT_REASONS } from '../sync/receipts';

export const KEYS_META_KEY = 'commune_keys';

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

/**
 * Verify `receipt` for (dossierId, contentHash) with cached keys; returns the row to store
 * (id = contentHash, the revision). The rule is the core's (src/sync/receipts.ts, RCP2).
 */
export async function verifyReceipt(
  receipt: unknown,
  dossierId: string,
  contentHash: string,
  keys: readonly CommuneKey[],
  nowIso: string = new Date().toISOString(),
): Promise<ReceiptRow> {
  const { verdict, reason, payload } = await checkReceipt(receipt, dossierId, contentHash, keys);
  const out: ReceiptRow = {
    id: contentHash,
    dossier_id: dossierId,
    received_at: typeof payload?.['received_at'] === 'string' ? (payload['received_at'] as string) : nowIso,
    body: receipt,
    verdict,
    verified_at: nowIso,
  };
  if (reason) out.reason_vi = RECEIPT_REASONS[reason][0];
  if (typeof payload?.['receipt_code'] === 'string') out.receipt_code = payload['receipt_code'] as string;
  return out;
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
