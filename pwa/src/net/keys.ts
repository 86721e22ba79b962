/**
 * The commune public keys (GET /.well-known/langso/keys.json) that offline verification
 * (src/verify/) checks receipts and results against, fetched during sync and cached in meta.
 */
import type { PublicKeys } from '../api/wire';
import { db, type LangsoDB } from '../store/db';
import { cachedKeys, KEYS_META_KEY, type CachedKeys } from '../verify/receipts';
import { requestJson } from '../api/http';

export const KEYS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

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
