/**
 * Content-addressed attachments (photos of papers, the consent signature) on the device.
 *
 * A blob is named by the lowercase hex SHA-256 of its bytes (AT1), so storing the same photo twice
 * is one row. Its `state` says what the sync loop must do: 'local' (a draft's photo, nothing to
 * send yet) → 'pending' (a queued mutation references it, outbox.ts) → 'uploading' → 'uploaded'
 * (the server verified it, AT2) or 'failed' (refused: type, size; message kept). The bytes stay on
 * the device after upload: the volunteer still shows them; nothing is deleted before the server
 * acknowledged both the blob and the dossier that references it. Rows are encrypted at rest with
 * their bytes (src/store/encrypted.ts).
 */
import { sha256Hex } from '../sync/hashing';
import { db, type LangsoDB } from './db';
import { storableBlob } from './vault';
import type { BlobRow } from './types';

export interface StoredBlob {
  sha256: string;
  size: number;
  type: string;
}

/** Stores a blob content-addressed (SHA-256 hex) for later upload; idempotent. */
export async function putBlob(blob: Blob, d: LangsoDB = db()): Promise<StoredBlob> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const sha256 = await sha256Hex(bytes);
  const type = blob.type || 'application/octet-stream';
  // Store a fresh Blob of the exact bytes hashed (a File may change on disk afterwards), whose
  // bytes the encrypted store can seal (src/store/vault.ts storableBlob).
  const copy = storableBlob(bytes, type);
  await d.transaction('rw', d.blobs, async () => {
    if (await d.blobs.get(sha256)) return;
    const row: BlobRow = { sha256, blob: copy, mime: type, state: 'local', size: bytes.length, created_at: new Date().toISOString() };
    await d.blobs.add(row);
  });
  return { sha256, size: bytes.length, type };
}

export async function getBlob(sha256: string, d: LangsoDB = db()): Promise<Blob | undefined> {
  return (await d.blobs.get(sha256))?.blob;
}

/** Blobs the sync loop must upload, smallest first (AT10: a short window delivers the most files). */
export async function blobsToUpload(d: LangsoDB = db()): Promise<BlobRow[]> {
  const rows = await d.blobs.where('state').anyOf('pending', 'uploading').toArray();
  return rows.sort((a, b) => (a.size ?? a.blob.size) - (b.size ?? b.blob.size));
}

export async function markBlob(sha256: string, patch: Partial<Omit<BlobRow, 'sha256' | 'blob'>>, d: LangsoDB = db()): Promise<void> {
  await d.blobs.update(sha256, patch);
}
