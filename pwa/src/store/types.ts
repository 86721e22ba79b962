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
}

export type DossierSyncState = 'local' | 'queued' | 'synced' | 'conflict';

export interface DossierRow {
  id: string;
  household_id: string;
  procedure_code: string;
  procedure_version: number;
  status: string;
  sync_state: DossierSyncState;
  values: Record<string, unknown>;
  updated_at: string;
}

export type OutboxOp = 'create' | 'update' | 'delete';

/**
 * A pending local mutation. For now an UNSIGNED draft; the sync spec will add the canonical
 * payload, HLC timestamp and device signature before anything is sent.
 */
export interface OutboxRow {
  /** Auto-increment; defines the order in which mutations are sent. */
  seq?: number;
  entity: 'member' | 'household' | 'dossier' | string;
  entity_id: string;
  op: OutboxOp;
  fields: Record<string, unknown>;
  created_at: string;
}

export type BlobState = 'local' | 'uploading' | 'uploaded';

export interface BlobRow {
  /** Lower-case hex SHA-256 of the content (content address). */
  sha256: string;
  blob: Blob;
  mime: string;
  state: BlobState;
  created_at: string;
}

export interface ReceiptRow {
  /** Id of the acknowledged mutation or dossier submission. */
  id: string;
  dossier_id?: string;
  received_at: string;
  body: unknown;
}

export interface ConflictRow {
  id: string;
  entity: string;
  entity_id: string;
  local: unknown;
  remote: unknown;
  created_at: string;
}
