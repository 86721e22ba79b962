/**
 * A closed dossier the lean pull brought as one row (server.summary) is fetched whole when the
 * volunteer opens it: GET /api/sync/dossiers/{id} answers the dossier as a pull change, applied like
 * one (a later pull page with a newer version still wins; an older one is skipped).
 */
import { applyPullPage, type PullChange } from '../store/apply-pull';
import { db, type LangsoDB } from '../store/db';
import { requestJson } from '../api/http';

/** In flight per dossier: opening the screen twice asks once. */
const fetching = new Map<string, Promise<boolean>>();

/** Fetch one dossier whole; true when it was stored. Throws OfflineError / HttpError. */
export function fetchWholeDossier(id: string, d: LangsoDB = db()): Promise<boolean> {
  const running = fetching.get(id);
  if (running) return running;
  const job = (async () => {
    const change = await requestJson<PullChange>(`/api/sync/dossiers/${encodeURIComponent(id)}`, { d, timeoutMs: 60_000 });
    if (change.entity !== 'dossier' || change.id !== id || typeof change.version !== 'number') throw new Error('malformed dossier answer');
    const result = await applyPullPage([{ entity: 'dossier', id, version: change.version, data: change.data, deleted: change.deleted === true }], false, null, d);
    return result.applied > 0;
  })().finally(() => fetching.delete(id));
  fetching.set(id, job);
  return job;
}
