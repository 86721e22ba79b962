/**
 * What the console shows and does around the HTTP client (../api/http.ts): the text of an
 * error and files fetched with the session (the access-reason question is ./reason-dialog.tsx).
 */
import { getBlob, HttpError, OfflineError } from '../api/http';
import { ot } from './i18n';

/** Message to show for any failure: the server's Vietnamese message first. */
export function errorText(error: unknown): string {
  if (error instanceof OfflineError) return ot('error.network');
  if (error instanceof HttpError) return error.problem.message_vi ?? error.problem.detail ?? ot('error.http', { status: error.status });
  return ot('error.unexpected', { message: error instanceof Error ? error.message : String(error) });
}

/** Fetch a file with the session and save it under `filename`. */
export async function download(path: string, filename: string): Promise<void> {
  const blob = await getBlob(path);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Open a PDF (or any file) fetched with the session in a new tab. The tab is opened before the
 * request so the popup blocker sees a user gesture; it is closed again when the request fails.
 */
export async function openFile(path: string): Promise<void> {
  const tab = window.open('', '_blank');
  try {
    const blob = await getBlob(path);
    const url = URL.createObjectURL(blob);
    if (tab) tab.location.href = url;
    else window.location.assign(url);
    setTimeout(() => URL.revokeObjectURL(url), 5 * 60_000);
  } catch (error) {
    tab?.close();
    throw error;
  }
}
