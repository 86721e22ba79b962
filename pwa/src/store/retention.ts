/**
 * What leaves the phone once the server holds it (issue 14 item 2, docs/privacy.md):
 *  - document photos of a dossier whose submission receipt verified ('valid'), once the server
 *    acknowledged each photo (blob state 'uploaded'): the bytes are on the server, the phone keeps
 *    none (the consent signature stays with the dossier while it is open);
 *  - a CLOSED dossier (terminal state, sync/states.ts TERMINAL) untouched for the retention period
 *    the server delivers (GET /api/devices/{id}/status `closed_dossier_days`, kept in meta): the
 *    dossier, its drafts, receipts, results, tasks, ratings, acknowledged outbox rows and files.
 * Nothing that is still pending (unsent outbox row, file not uploaded) is ever removed.
 */
import { TERMINAL, type State } from '../sync/states';
import type { LangsoDB } from './db';
import { referencedBlobs } from './outbox';
import type { OutboxRow } from './types';

export const RETENTION_META_KEY = 'retention';
export const DEFAULT_CLOSED_DOSSIER_DAYS = 30;

export async function closedDossierDays(d: LangsoDB): Promise<number> {
  const v = (await d.meta.get(RETENTION_META_KEY))?.value as { closed_dossier_days?: unknown } | undefined;
  const days = v?.closed_dossier_days;
  return typeof days === 'number' && Number.isInteger(days) && days >= 0 ? days : DEFAULT_CLOSED_DOSSIER_DAYS;
}

export async function saveClosedDossierDays(d: LangsoDB, days: unknown): Promise<void> {
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > 3650) return;
  await d.meta.put({ key: RETENTION_META_KEY, value: { closed_dossier_days: days } });
}

/** Files each dossier's signed mutations reference: [documents, consent signatures]. */
async function dossierFiles(d: LangsoDB, dossierId: string): Promise<{ documents: Set<string>; consent: Set<string>; pending: boolean }> {
  const rows = (await d.outbox.where('entity_id').equals(dossierId).toArray()) as OutboxRow[];
  const documents = new Set<string>();
  const consent = new Set<string>();
  let pending = false;
  for (const r of rows) {
    if ((r.state ?? 'pending') === 'pending') pending = true;
    const fields = (r.fields ?? {}) as Record<string, unknown>;
    const sig = (fields['consent'] as { signature_sha256?: unknown } | undefined)?.signature_sha256;
    for (const sha of referencedBlobs(fields)) (sha === sig ? consent : documents).add(sha);
  }
  return { documents, consent, pending };
}

/** Drops the photo bytes of receipted dossiers. Returns how many files left the phone. */
export async function evictReceiptedPhotos(d: LangsoDB): Promise<number> {
  const receipted = (await d.dossiers.toArray()).filter((x) => x.receipt?.verdict === 'valid');
  let evicted = 0;
  for (const dossier of receipted) {
    const { documents } = await dossierFiles(d, dossier.id);
    if (documents.size === 0) continue;
    await d.transaction('rw', d.blobs, async () => {
      for (const sha of documents) {
        const state = (await d.blobs.where('sha256').equals(sha).first())?.state;
        if (state === 'uploaded') {
          await d.blobs.delete(sha);
          evicted++;
        }
      }
    });
  }
  return evicted;
}

/** Purges closed dossiers older than the retention period. Returns how many went. */
export async function purgeClosedDossiers(d: LangsoDB, nowMs: number = Date.now()): Promise<number> {
  const days = await closedDossierDays(d);
  const cutoff = nowMs - days * 86_400_000;
  const closed = (await d.dossiers.toArray()).filter((x) => TERMINAL.has(x.status as State) && Date.parse(x.updated_at) < cutoff);
  let purged = 0;
  for (const dossier of closed) {
    const files = await dossierFiles(d, dossier.id);
    if (files.pending) continue;
    const tables = [d.dossiers, d.table('dossier_drafts'), d.table('dossier_ratings'), d.receipts, d.results, d.tasks, d.outbox, d.blobs];
    await d.transaction('rw', tables, async () => {
      for (const sha of [...files.documents, ...files.consent]) {
        const state = (await d.blobs.where('sha256').equals(sha).first())?.state;
        if (state === 'uploaded') await d.blobs.delete(sha);
      }
      await d.outbox.where('entity_id').equals(dossier.id).delete();
      for (const t of [d.receipts, d.results, d.tasks, d.table('dossier_ratings')]) await t.where('dossier_id').equals(dossier.id).delete();
      await d.table('dossier_drafts').delete(dossier.id);
      await d.dossiers.delete(dossier.id);
    });
    purged++;
  }
  return purged;
}
