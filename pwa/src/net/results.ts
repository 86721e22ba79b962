/**
 * The sync loop's part for signed results (pull entity `result`): after each pull, check every
 * result not yet checked for its version (src/verify/results-check.ts, offline, cached commune keys)
 * and store the verdict on the row; for a valid result, fetch the issued PDF once
 * (GET /api/results/{id}.pdf — volunteers of the dossier's village may read it) into the blob
 * store, so it opens offline, after checking the bytes are the issued file.
 *
 * Failure modes: a result whose key is not cached stays 'unverified' and is checked again next
 * run; a PDF whose bytes do not match is NOT stored (state 'mismatch', tried again after
 * MISMATCH_RETRY_MS); a refused download (403/404/503) is recorded and retried next run; an
 * unreachable server rethrows OfflineError like the other steps of a run.
 */
import { storableBlob } from '../store/vault';
import { db, type LangsoDB } from '../store/db';
import type { BlobRow, ResultPdf, ResultRow } from '../store/types';
import { HttpError, OfflineError, request } from '../api/http';
import { cachedKeys } from '../verify/receipts';
import { refreshKeys } from './keys';
import { parseRecord, PDF_REASONS, pdfProblem, verifyResult } from '../verify/results-check';

/** A result PDF is a page or two; anything larger is not what the server issues. */
export const MAX_RESULT_PDF = 10 * 1024 * 1024;
export const MISMATCH_RETRY_MS = 60 * 60 * 1000;
const PDF_TIMEOUT_MS = 120_000;

export interface ResultsReport {
  checked: number;
  fetched: number;
}

/** Path of a result's PDF, built from the result id only (never a URL taken from the server's data). */
export function resultPdfPath(resultId: string): string {
  return `/api/results/${encodeURIComponent(resultId)}.pdf`;
}

function needsPdf(row: ResultRow, nowMs: number): boolean {
  const pdf = row.pdf;
  if (!pdf || pdf.version !== row.version) return true;
  if (pdf.state === 'error') return true;
  if (pdf.state === 'mismatch') return nowMs - Date.parse(pdf.at) >= MISMATCH_RETRY_MS;
  return false;
}

async function fetchPdf(row: ResultRow, d: LangsoDB, nowIso: string): Promise<ResultPdf> {
  const base = { version: row.version, at: nowIso };
  let bytes: Uint8Array;
  try {
    const response = await request(resultPdfPath(row.id), { d, timeoutMs: PDF_TIMEOUT_MS, headers: { Accept: 'application/pdf' } });
    const declared = Number(response.headers.get('Content-Length') ?? '0');
    if (declared > MAX_RESULT_PDF) return { ...base, state: 'error', reason_vi: 'Tệp kết quả quá lớn.', reason_en: 'The result file is too large.' };
    try {
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw new OfflineError(error); // cut off mid-way
    }
  } catch (error) {
    if (error instanceof HttpError) return { ...base, state: 'error', reason_vi: error.message_vi, reason_en: error.message };
    throw error;
  }
  if (bytes.length > MAX_RESULT_PDF) return { ...base, state: 'error', reason_vi: 'Tệp kết quả quá lớn.', reason_en: 'The result file is too large.' };
  const problem = await pdfProblem(bytes, row.data);
  if (problem) {
    const [reason_vi, reason_en] = PDF_REASONS[problem];
    return { ...base, state: 'mismatch', reason_vi, reason_en };
  }
  const sha256 = row.data['pdf_sha256'] as string;
  const blob: BlobRow = {
    sha256,
    blob: storableBlob(bytes, 'application/pdf'),
    mime: 'application/pdf',
    // The server holds these bytes already: nothing to upload.
    state: 'uploaded',
    size: bytes.length,
    uploaded_bytes: bytes.length,
    created_at: nowIso,
  };
  await d.transaction('rw', d.blobs, async () => {
    if (!(await d.blobs.get(sha256))) await d.blobs.add(blob);
  });
  return { ...base, state: 'ok', sha256, size: bytes.length };
}

/**
 * Check results and fetch their PDFs. `online: false` only checks (no request at all).
 * Writes each row's `check` / `pdf` with an update that leaves a row replaced meanwhile by a
 * newer pull untouched (the version is compared inside the transaction).
 */
export async function checkResults(d: LangsoDB = db(), options: { online?: boolean; now?: () => Date } = {}): Promise<ResultsReport> {
  const { online = true, now = () => new Date() } = options;
  const report: ResultsReport = { checked: 0, fetched: 0 };
  let keys = (await cachedKeys(d))?.keys ?? [];
  if (online) {
    // A result signed with a key this device has not cached yet (a new commune key): ask once.
    for (const row of await d.results.toArray()) {
      const kid = parseRecord(row.data?.['record'])?.key_id;
      if (!kid || keys.some((k) => k.key_id === kid)) continue;
      keys = (await refreshKeys(d, kid).catch((e: unknown) => {
        if (e instanceof OfflineError) throw e;
        return undefined;
      }))?.keys ?? keys;
      break;
    }
  }
  const write = async (row: ResultRow, patch: Partial<ResultRow>): Promise<void> => {
    await d.transaction('rw', d.results, async () => {
      const current = await d.results.get(row.id);
      if (current && current.version === row.version) await d.results.update(row.id, patch);
    });
  };
  for (const row of await d.results.toArray()) {
    let check = row.check;
    if (!check || check.version !== row.version || check.verdict === 'unverified') {
      check = await verifyResult(row.data ?? {}, row.dossier_id, keys, row.version, now().toISOString());
      await write(row, { check });
      report.checked++;
    }
    if (!online || check.verdict !== 'valid' || !needsPdf(row, now().getTime())) continue;
    const pdf = await fetchPdf(row, d, now().toISOString());
    await write(row, { pdf });
    if (pdf.state === 'ok') report.fetched++;
  }
  return report;
}
