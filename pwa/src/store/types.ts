/**
 * Row shapes of the local store. Ids are server-assigned UUID strings, or device-generated ones
 * for rows created offline. Times are ISO-8601 UTC strings (sortable as text). No floats anywhere.
 */

/** Signed-in user as returned by POST /api/auth/login. */
export interface SessionUser {
  id: string;
  username: string;
  full_name: string;
  role: 'volunteer' | 'officer' | 'admin' | string;
  commune_id: string;
  village_ids: string[];
}

export interface Session {
  token: string;
  user: SessionUser;
}

/** `meta` rows: small key/value settings. Known keys are listed in META_KEYS. */
export interface MetaRow {
  key: string;
  value: unknown;
}

export const META_KEYS = {
  /** Session: {token, user}. Removed on logout; local data (incl. outbox) is kept. */
  session: 'session',
  /** Random id of this installation, generated once; later bound to the device signing key. */
  deviceId: 'device_id',
  /** Opaque pull cursor of the sync loop (written by the sync loop). */
  cursor: 'cursor',
  /** Mirror of the UI language; the source of truth is localStorage (read synchronously at start). */
  language: 'language',
} as const;

export interface VillageRow {
  id: string;
  commune_id: string;
  name: string;
}

export interface HouseholdRow {
  id: string;
  village_id: string;
  commune_id?: string;
  /** Denormalised name of the head (member with relationship "chu_ho"), for lists and search. */
  head_name: string;
  head_member_id?: string;
  address: string;
  notes?: string;
  /** Server row version; absent for households created on this device. */
  version?: number;
  /** householdSearchKey(head_name, address, member names); recomputed whenever a member changes. */
  search_key: string;
  /** Member ids in the server's union list (pull); local members are found by household_id. */
  members?: string[];
  /** True while a local change to this row is waiting in the outbox. */
  pending?: boolean;
  updated_at: string;
}

export interface MemberRow {
  id: string;
  household_id: string;
  full_name: string;
  /** YYYY-MM-DD */
  date_of_birth?: string;
  sex?: 'male' | 'female';
  /** 12-digit citizen identity card number. */
  cccd?: string;
  phone?: string;
  relationship: string;
  ethnicity?: string;
  notes?: string;
  /** `pending_birth`: a newborn added with its birth registration, until the result is issued. */
  status?: 'active' | 'pending_birth';
  /** The birth registration that added a pending newborn. */
  source_dossier_id?: string | null;
  /** Server row version; absent for rows created on this device. */
  version?: number;
  /** searchKey(full_name) */
  search_key: string;
  /** True while a local change to this row is waiting in the outbox. */
  pending?: boolean;
  updated_at: string;
}

export interface ProcedureRow {
  code: string;
  version: number;
  /** Catalogue form definition (see docs/catalog-format.md); rendered by src/forms. */
  definition: unknown;
  /** false: the server no longer serves this version (a newer one, or the province chose
   * another); kept so dossiers filed with it still open, never offered for a new one. */
  served?: boolean;
}

/** 'rejected': the server refused the last mutation (reason in the dossier's `sync_result`). */
export type DossierSyncState = 'local' | 'queued' | 'synced' | 'conflict' | 'rejected';

export interface DossierRow {
  id: string;
  household_id: string;
  procedure_code: string;
  procedure_version: number;
  status: string;
  sync_state: DossierSyncState;
  values: Record<string, unknown>;
  updated_at: string;
  /** Written only by the sync loop: the server's view, last push result, receipt summary. */
  server?: DossierServerView;
  sync_result?: SyncResultView;
  receipt?: { id: string; code?: string; verdict: 'valid' | 'invalid' | 'unverified' };
}

export type OutboxOp = 'create' | 'update' | 'submit' | 'transition' | 'delete';

/**
 * 'pending' until the server acknowledged it; then the per-mutation result decides: 'done'
 * (applied/merged), 'conflict', 'rejected'. Only 'pending' rows are (re)sent. See src/store/outbox.ts.
 */
export type OutboxState = 'pending' | 'done' | 'conflict' | 'rejected';

/** One per-mutation answer of POST /api/sync/push (docs/protocol.md). */
export interface PushResult {
  id: string;
  n?: number;
  entity?: string;
  entity_id?: string;
  status: 'applied' | 'merged' | 'conflict' | 'rejected' | 'not_processed' | string;
  version?: number | null;
  code?: string;
  message_vi?: string;
  message_en?: string;
  [extra: string]: unknown;
}

/**
 * A local mutation. Rows written by queueMutation (src/store/outbox.ts) are signed: `payload` is
 * the exact canonical JSON text that was signed, `hash` its SHA-256 (the next row's `prev`).
 * Rows without `payload` are unsigned drafts from schema v1 / repo.saveMember; the outbox signs
 * them, in `seq` order, before anything newer is signed or sent.
 */
export interface OutboxRow {
  /** Auto-increment; defines the order in which mutations are sent (= chain order `n`). */
  seq?: number;
  entity: 'member' | 'household' | 'dossier' | 'rating' | string;
  entity_id: string;
  op: OutboxOp;
  fields: Record<string, unknown>;
  created_at: string;
  /** Mutation id (uuid) — set once signed. */
  id?: string;
  n?: number;
  prev?: string;
  hlc?: string;
  base?: number;
  payload?: string;
  sig?: string;
  hash?: string;
  /** Absent on v1 rows (= pending). */
  state?: OutboxState;
  result?: PushResult;
  acked_at?: string;
  /** Why the server refused the whole batch at this item (bad signature…); the row stays pending. */
  error_vi?: string;
  error_en?: string;
}

/**
 * 'local': stored, not yet referenced by a queued mutation (a draft's photo);
 * 'pending': referenced by a queued mutation, must reach the server; 'uploading': partly sent;
 * 'uploaded': the server verified it (AT2); 'failed': the server refused it (type, size…).
 */
export type BlobState = 'local' | 'pending' | 'uploading' | 'uploaded' | 'failed';

export interface BlobRow {
  /** Lower-case hex SHA-256 of the content (content address). */
  sha256: string;
  blob: Blob;
  mime: string;
  state: BlobState;
  created_at: string;
  size?: number;
  /** Bytes the server acknowledged so far (progress display only; the server's offset rules). */
  uploaded_bytes?: number;
  error_vi?: string;
  error_en?: string;
}

export interface ReceiptRow {
  /** Id of the acknowledged mutation or dossier submission (for receipts: the revision hash). */
  id: string;
  dossier_id?: string;
  received_at: string;
  /** Receipt as the server sent it: {payload, sig} (src/verify/receipts.ts). */
  body: unknown;
  /** Offline verification with the commune key: 'valid' | 'invalid' | 'unverified' (no key yet). */
  verdict?: 'valid' | 'invalid' | 'unverified';
  reason_vi?: string;
  receipt_code?: string;
  verified_at?: string;
}

export interface ConflictRow {
  id: string;
  entity: string;
  entity_id: string;
  /** The value this device proposed. */
  local: unknown;
  /** The value the server holds (known after GET /api/sync/conflicts). */
  remote: unknown;
  created_at: string;
  /** Field name (dossier form fields: "form_data.<key>"). */
  field?: string;
  base?: unknown;
  status?: 'open' | 'resolved' | string;
  resolved_value?: unknown;
  mutation_id?: string | null;
}

/** A server task for the volunteer (pull entity `task`), e.g. a supplement request. */
export interface TaskRow {
  id: string;
  dossier_id: string;
  kind: string;
  status: string;
  reason?: string;
  items?: unknown[];
  official_code?: string | null;
  requested_at?: string | null;
  requested_by_name?: string;
  closed_at?: string | null;
  version: number;
}

/** A signed result of a dossier (pull entity `result`), stored as sent. */
export interface ResultRow {
  id: string;
  dossier_id: string;
  version: number;
  data: Record<string, unknown>;
  /** The device's own check of the commune's signature (src/net/results.ts); no schema index. */
  check?: ResultCheck;
  /** The issued PDF, fetched online into `blobs` and checked against the result (results.ts). */
  pdf?: ResultPdf;
}

/**
 * 'valid': signed by the commune key cached on the device, for this dossier, and every shown
 * fact is the signed one; 'invalid': any of that fails (reason given); 'unverified': the
 * commune key is not cached yet (checked again after the next sync).
 */
export interface ResultCheck {
  verdict: 'valid' | 'invalid' | 'unverified';
  /** Result version this check is for (a newer pull replaces the row and its check). */
  version: number;
  verified_at: string;
  reason_vi?: string;
  reason_en?: string;
  key_id?: string;
  commune_id?: string;
  commune_name?: string;
}

/** 'ok': stored in `blobs` under `sha256`; 'mismatch': the downloaded bytes were not the issued file. */
export interface ResultPdf {
  state: 'ok' | 'mismatch' | 'error';
  version: number;
  at: string;
  sha256?: string;
  size?: number;
  reason_vi?: string;
  reason_en?: string;
}

/** Server-side view of a dossier, written by the sync loop (pull / push results). */
export interface DossierServerView {
  version?: number;
  applicant_member_id?: string | null;
  village_id?: string;
  outcome?: string | null;
  official_code?: string | null;
  received_at?: string | null;
  due_date?: string | null;
  revision?: string | null;
  components?: Record<string, unknown>;
  /** Only the lean pull's one-line summary is on the phone: fetch the dossier whole to show it. */
  summary?: boolean;
}

/** The last push answer for an entity, for display (Vietnamese reason first). */
export interface SyncResultView {
  status: string;
  code?: string;
  message_vi?: string;
  message_en?: string;
  at: string;
}
