/**
 * What the volunteer sees about a dossier, in three words that cannot be confused:
 *   - *bản nháp*: on this phone, not signed;
 *   - *đã ký, chờ gửi*: signed, something of it (form data or a file) has not reached the server;
 *   - *đã gửi — biên nhận …*: the server's signed receipt verified on this phone, every file there.
 * Two exceptions say what went wrong: the server refused it, or its receipt could not be verified.
 * The server's own status (src/sync/states.ts labels) is shown only after the receipt.
 * Reads only the local store (the sync loop fills `server`, `receipt`, `tasks`, `results`, blobs).
 */
import { db, type LangsoDB } from '../../store/db';
import type { BlobRow, ResultRow, TaskRow } from '../../store/types';
import { isState, LABELS_EN, LABELS_VI } from '../../sync/states';
import { draftsTable, getDraft, isDiscardable, ratingOf, type LocalDossierRow } from './drafts';
import type { DossierDraft, LocalSyncState, RatingRecord } from './types';

export interface SyncInputs {
  row: Pick<LocalDossierRow, 'sync_state' | 'status'> & { receipt?: { verdict: string } | undefined };
  /** A wizard draft exists on this device for the dossier. */
  hasDraft: boolean;
  /** The draft's current round (new or supplement) is signed. */
  signed: boolean;
  /** Attachments of the signed dossier not yet verified by the server. */
  blobsPending: number;
}

/**
 * - `draft`: not signed (or re-opened for a supplement and not re-signed yet);
 * - `signed`: signed; mutations still in the outbox, or files still on their way;
 * - `sent`: acknowledged with a VERIFIED receipt and every file uploaded — or known only from the
 *   server (pulled: filed from another phone, nothing of it waits here);
 * - `unconfirmed`: acknowledged, files there, but the receipt is missing, unverified or invalid;
 * - `rejected`: the server refused the last mutation (reason in `sync_result`).
 */
export function deriveSyncState(input: SyncInputs): LocalSyncState {
  const { row } = input;
  if (row.sync_state === 'rejected') return 'rejected';
  if (input.hasDraft && !input.signed) return 'draft';
  if (row.sync_state === 'local') return input.signed ? 'signed' : 'draft';
  if (row.sync_state === 'queued' || input.blobsPending > 0) return 'signed';
  if (!input.hasDraft) return 'sent';
  return row.receipt?.verdict === 'valid' ? 'sent' : 'unconfirmed';
}

/** The commune's status is the server's word: shown only once the receipt is in (or while the volunteer prepares a supplement the commune asked for). */
export function serverStatusVisible(o: Pick<DossierOverview, 'sync' | 'draft'>): boolean {
  return o.sync === 'sent' || (o.sync === 'draft' && o.draft?.mode === 'supplement');
}

export function serverStatusLabel(status: string, lang: 'vi' | 'en' = 'vi'): string {
  if (!isState(status)) return status;
  return (lang === 'en' ? LABELS_EN : LABELS_VI)[status];
}

/** A supplement item as the officer wrote it (backend/review/actions.py `_check_items`). */
export interface SupplementItem {
  component_code?: string;
  field?: string;
  label_vi?: string;
  problem: string;
}

export function supplementItems(task: TaskRow | undefined): SupplementItem[] {
  if (!task || !Array.isArray(task.items)) return [];
  return task.items.flatMap((raw) => {
    const item = raw as Partial<SupplementItem> | null;
    if (!item || typeof item.problem !== 'string') return [];
    return [item as SupplementItem];
  });
}

/** Fields of the `result` pull entity the screens show (backend/results/service.py `result_entity`). */
export interface ResultView {
  outcome?: string;
  document_kind?: string;
  document_number?: string;
  summary?: string;
  issued_at?: string;
  official_code?: string;
  result_sha256?: string;
}

export function resultView(row: ResultRow | undefined): ResultView | undefined {
  if (!row) return undefined;
  const d = row.data ?? {};
  const str = (k: string): string | undefined => (typeof d[k] === 'string' ? (d[k] as string) : undefined);
  const out: ResultView = {};
  for (const k of ['outcome', 'document_kind', 'document_number', 'summary', 'issued_at', 'official_code', 'result_sha256'] as const) {
    const v = str(k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export interface DossierOverview {
  row: LocalDossierRow;
  draft: DossierDraft | undefined;
  sync: LocalSyncState;
  /** Open supplement request, if any. */
  task: TaskRow | undefined;
  result: ResultRow | undefined;
  rating: RatingRecord | undefined;
  blobsPending: number;
  /** When it was signed (ms), for "chờ gửi từ …"; undefined when not waiting. */
  waitingSince: number | undefined;
}

function waitingSince(row: LocalDossierRow, draft: DossierDraft | undefined): number | undefined {
  const ms = Date.parse(draft?.signed_at ?? row.signed_at ?? row.updated_at);
  return Number.isFinite(ms) ? ms : undefined;
}

function referencedHashes(row: LocalDossierRow, draft: DossierDraft | undefined): string[] {
  const out = new Set<string>();
  for (const list of Object.values(row.signed_components ?? {})) for (const h of list) out.add(h);
  if (draft?.signature_sha256) out.add(draft.signature_sha256);
  return [...out];
}

export async function overview(row: LocalDossierRow, d: LangsoDB = db()): Promise<DossierOverview> {
  const draft = await getDraft(row.id, d);
  const hashes = referencedHashes(row, draft);
  // A hash with no blob row here was never on this device (pulled dossier): nothing to wait for.
  const blobs = hashes.length ? ((await d.blobs.bulkGet(hashes)) as (BlobRow | undefined)[]) : [];
  const blobsPending = blobs.filter((b) => b && b.state !== 'uploaded').length;
  const tasks = await d.tasks.where('dossier_id').equals(row.id).toArray();
  const task = tasks
    .filter((t) => t.kind === 'supplement_request' && t.status === 'open')
    .sort((a, b) => (b.requested_at ?? '').localeCompare(a.requested_at ?? ''))[0];
  const results = await d.results.where('dossier_id').equals(row.id).toArray();
  const result = results.sort((a, b) => b.version - a.version)[0];
  return {
    row,
    draft,
    sync: deriveSyncState({ row, hasDraft: !!draft, signed: !!draft?.signed_at, blobsPending }),
    waitingSince: waitingSince(row, draft),
    task,
    result,
    rating: await ratingOf(row.id, d),
    blobsPending,
  };
}

export async function listOverviews(d: LangsoDB = db()): Promise<DossierOverview[]> {
  const rows = (await d.dossiers.orderBy('updated_at').reverse().toArray()) as LocalDossierRow[];
  return Promise.all(rows.map((r) => overview(r, d)));
}

export interface DossierGroups {
  drafts: DossierOverview[];
  /** Signed, waiting for a connection; oldest first is what matters, so `oldest` is given. */
  waiting: DossierOverview[];
  oldestWaiting: number | undefined;
  /** Refused, or sent without a verified receipt: the volunteer must look. */
  attention: DossierOverview[];
  sent: DossierOverview[];
}

/** The list screen's sections, each in the given (newest first) order. */
export function groupOverviews(list: readonly DossierOverview[]): DossierGroups {
  const g: DossierGroups = { drafts: [], waiting: [], oldestWaiting: undefined, attention: [], sent: [] };
  for (const o of list) {
    if (o.sync === 'draft') g.drafts.push(o);
    else if (o.sync === 'signed') {
      g.waiting.push(o);
      if (o.waitingSince !== undefined && (g.oldestWaiting === undefined || o.waitingSince < g.oldestWaiting)) g.oldestWaiting = o.waitingSince;
    } else if (o.sync === 'sent') g.sent.push(o);
    else g.attention.push(o);
  }
  return g;
}

/** Unsigned drafts on this device (not unsynced work: they are never sent unsigned). */
export async function countDrafts(d: LangsoDB = db()): Promise<number> {
  const drafts = await draftsTable(d).toArray();
  return drafts.filter((x) => !x.signed_at).length;
}

export { isDiscardable };

/** Dossiers a supplement can be prepared for (the officer asked, and it is not re-signed yet). */
export function needsSupplement(o: DossierOverview): boolean {
  return o.row.status === 'supplement_requested' && o.row.sync_state !== 'queued';
}

/** A result is ready to hand over: rating can be recorded once. */
export function canRate(o: DossierOverview): boolean {
  return (o.row.status === 'done' || o.row.status === 'result_returned') && !o.rating;
}
