/**
 * Resumable, content-addressed attachment upload (docs/attachments-protocol.md, AT1–AT10).
 *
 * For the blobs queued for upload: ask which the server lacks (POST /api/attachments/missing),
 * then for each, smallest first: POST /api/uploads (start or resume; `complete` if someone already
 * has it) and PATCH 64 KiB chunks at the SERVER's offset. After a dropped request, HEAD gives the
 * offset to continue from; a 409 carries it too. Bytes before the server's offset are never sent
 * again (AT7) — a restart from zero happens only when the server forgot the upload (404, AT8).
 * 413/415/422 are final: the blob is marked 'failed' with the Vietnamese reason, never retried.
 */
import type { MissingOut, UploadOut } from '../api/wire';
import { blobsToUpload, markBlob } from '../store/blobs';
import { db, type LangsoDB } from '../store/db';
import type { BlobRow } from '../store/types';
import { HttpError, OfflineError, request, requestJson } from '../api/http';

export const CHUNK_SIZE = 64 * 1024;
const MISSING_MAX = 500;
const FINAL = new Set([400, 413, 415, 422]);

type UploadState = UploadOut;

export interface UploadReport {
  uploaded: number;
  failed: number;
  bytesSent: number;
}

function offsetOf(headers: Headers): number | undefined {
  const raw = headers.get('Upload-Offset');
  if (raw === null || !/^[0-9]+$/.test(raw)) return undefined;
  return Number(raw);
}

async function headOffset(url: string, d: LangsoDB): Promise<{ offset: number; complete: boolean }> {
  const response = await request(url, { method: 'HEAD', d, timeoutMs: 20_000 });
  const offset = offsetOf(response.headers);
  if (offset === undefined) throw new OfflineError('no Upload-Offset in HEAD answer');
  return { offset, complete: response.headers.get('Upload-Complete') === '?1' };
}

async function fail(row: BlobRow, error: HttpError, d: LangsoDB): Promise<void> {
  await markBlob(row.sha256, { state: 'failed', error_vi: error.message_vi, error_en: error.problem.message_en ?? error.message }, d);
}

/** Upload one blob to completion; returns bytes sent. Throws OfflineError to stop the run. */
async function uploadOne(row: BlobRow, d: LangsoDB, report: UploadReport): Promise<void> {
  const size = row.size ?? row.blob.size;
  for (let restarts = 0; restarts < 2; restarts++) {
    let start: UploadState;
    try {
      start = await requestJson<UploadState>('/api/uploads', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ sha256: row.sha256, size, content_type: row.mime }),
        d,
      });
    } catch (error) {
      if (error instanceof HttpError && FINAL.has(error.status)) return fail(row, error, d);
      throw error;
    }
    if (start.complete || !start.upload_url) {
      await markBlob(row.sha256, { state: 'uploaded', uploaded_bytes: size }, d);
      report.uploaded++;
      return;
    }
    const url = start.upload_url;
    let offset = start.offset;
    let complete = false;
    await markBlob(row.sha256, { state: 'uploading', uploaded_bytes: offset }, d);
    try {
      while (!complete) {
        if (offset >= size) {
          // Everything is there but completion was not confirmed (lost answer): ask.
          const head = await headOffset(url, d);
          offset = head.offset;
          complete = head.complete;
          if (!complete && offset >= size) throw new OfflineError('upload not confirmed complete');
          continue;
        }
        const chunk = new Uint8Array(await row.blob.slice(offset, Math.min(size, offset + CHUNK_SIZE)).arrayBuffer());
        let response: Response;
        try {
          report.bytesSent += chunk.length;
          response = await request(url, {
            method: 'PATCH',
            headers: { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
            body: chunk,
            accept: [409],
            d,
            timeoutMs: 60_000,
          });
        } catch (error) {
          if (!(error instanceof OfflineError)) throw error;
          // The chunk may or may not have landed: the server's offset decides (AT7).
          const head = await headOffset(url, d);
          offset = head.offset;
          complete = head.complete;
          await markBlob(row.sha256, { uploaded_bytes: offset }, d);
          continue;
        }
        const next = offsetOf(response.headers);
        if (next === undefined) throw new OfflineError('no Upload-Offset in PATCH answer');
        offset = next;
        complete = response.headers.get('Upload-Complete') === '?1';
        await markBlob(row.sha256, { uploaded_bytes: offset }, d);
      }
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) continue; // upload purged: start again
      if (error instanceof HttpError && FINAL.has(error.status)) return fail(row, error, d);
      throw error;
    }
    await markBlob(row.sha256, { state: 'uploaded', uploaded_bytes: size, error_vi: undefined, error_en: undefined }, d);
    report.uploaded++;
    return;
  }
}

/** Upload every queued blob the server lacks. OfflineError / HttpError (5xx, 401) stop the run. */
export async function uploadPending(d: LangsoDB = db()): Promise<UploadReport> {
  const report: UploadReport = { uploaded: 0, failed: 0, bytesSent: 0 };
  const rows = await blobsToUpload(d);
  if (rows.length === 0) return report;
  const missing = new Set<string>();
  for (let i = 0; i < rows.length; i += MISSING_MAX) {
    const hashes = rows.slice(i, i + MISSING_MAX).map((r) => r.sha256);
    const body = await requestJson<MissingOut>('/api/attachments/missing', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ hashes }),
      d,
    });
    for (const h of body.missing ?? []) missing.add(h.toLowerCase());
  }
  for (const row of rows) {
    if (!missing.has(row.sha256)) {
      await markBlob(row.sha256, { state: 'uploaded', uploaded_bytes: row.size ?? row.blob.size }, d);
      report.uploaded++;
      continue;
    }
    await uploadOne(row, d, report);
    if ((await d.blobs.get(row.sha256))?.state === 'failed') report.failed++;
  }
  return report;
}
