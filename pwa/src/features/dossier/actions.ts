/**
 * Wizard actions that write: attachments (stored through putBlob, referenced by hash in the
 * draft) and the satisfaction rating (queued as a signed `rating` mutation).
 */
import { putBlob } from '../../store/blobs';
import { queueMutation } from '../../store/outbox';
import { db, type LangsoDB } from '../../store/db';
import type { PreparedFile } from '../../media/prepare';
import { getDossier, ratingsTable } from './drafts';
import { transition } from '../../sync/states';
import { startFillTimer } from './model';
import type { AttachmentRef, DossierDraft, RatingRecord, RatingValue } from './types';
import { RATING_VALUES } from './types';

/** Maximum comment length accepted by the server (backend/monitoring/ratings.py COMMENT_MAX). */
export const RATING_COMMENT_MAX = 500;

/** The draft's entry for a stored file. */
export function attachmentRef(stored: { sha256: string; size: number; type: string }, file: PreparedFile, now: Date): AttachmentRef {
  return {
    sha256: stored.sha256,
    size: stored.size,
    type: stored.type || file.type,
    original_size: file.originalSize,
    within_target: file.withinTarget,
    added_at: now.toISOString(),
  };
}

/**
 * The draft with `ref` added to a component; adding the same content twice is a no-op
 * (content-addressed). Starts the fill timer if it is not running.
 */
export function withAttachment(draft: DossierDraft, componentCode: string, ref: AttachmentRef, now: Date): DossierDraft {
  const list = draft.components[componentCode] ?? [];
  if (list.some((r) => r.sha256 === ref.sha256)) return draft;
  return startFillTimer({ ...draft, components: { ...draft.components, [componentCode]: [...list, ref] } }, now);
}

/** The draft without one file of a component (the blob itself stays; the sync engine cleans up). */
export function withoutAttachment(draft: DossierDraft, componentCode: string, sha256: string): DossierDraft {
  const list = (draft.components[componentCode] ?? []).filter((r) => r.sha256 !== sha256);
  const components = { ...draft.components };
  if (list.length) components[componentCode] = list;
  else delete components[componentCode];
  return { ...draft, components };
}

/** Store a prepared file through the sync engine's blob store and return the draft's entry. */
export async function storeFile(file: PreparedFile, now: Date = new Date()): Promise<AttachmentRef> {
  return attachmentRef(await putBlob(file.blob), file, now);
}

export class RatingError extends Error {
  readonly code = 'invalid_rating';
}

/**
 * Record satisfaction with a handed-over result: one `rating` create mutation (fields exactly as
 * backend/monitoring RATING_FIELDS) and a local record so the screen shows it. `by: 'citizen'`
 * marks the citizen's own rating (the phone handed over), kept apart from the volunteer's.
 */
export async function recordRating(
  dossierId: string,
  rating: RatingValue,
  comment: string,
  d: LangsoDB = db(),
  now: Date = new Date(),
  by: 'volunteer' | 'citizen' = 'volunteer',
): Promise<RatingRecord> {
  if (!(RATING_VALUES as readonly string[]).includes(rating)) throw new RatingError(rating);
  const text = comment.normalize('NFC').trim();
  if (text.length > RATING_COMMENT_MAX) throw new RatingError('comment too long');
  const existing = await ratingsTable(d).where('dossier_id').equals(dossierId).first();
  if (existing) return existing;
  const record: RatingRecord = {
    id: crypto.randomUUID(),
    dossier_id: dossierId,
    rating,
    rated_at: now.toISOString(),
    ...(text ? { comment: text } : {}),
    ...(by === 'citizen' ? { by } : {}),
  };
  const fields: Record<string, unknown> = { dossier_id: dossierId, rating, rated_at: record.rated_at };
  if (text) fields.comment = text;
  if (by === 'citizen') fields.by = by;
  await queueMutation({ entity: 'rating', entity_id: record.id, op: 'create', base: 0, fields });
  await ratingsTable(d).put(record);
  return record;
}

/**
 * The volunteer handed the result to the household: a signed `transition` (return_result, done →
 * result_returned). The local status changes at once; the pull keeps it while the mutation is
 * pending, and the server's answer replaces it.
 */
export async function markResultReturned(dossierId: string, d: LangsoDB = db()): Promise<void> {
  const row = await getDossier(dossierId, d);
  if (!row) throw new Error(`dossier ${dossierId} not found`);
  const moved = transition(row.status, 'return_result', 'volunteer');
  await queueMutation(
    { entity: 'dossier', entity_id: dossierId, op: 'transition', base: row.server?.version ?? 1, fields: { action: 'return_result' } },
    { write: async () => void (await d.dossiers.update(dossierId, { status: moved.target, sync_state: 'queued' })) },
    d,
  );
}
