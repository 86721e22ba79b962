/**
 * Wire shapes of the officer API as the console reads them (docs/review-api.md,
 * docs/monitoring-and-push.md, backend/devices/schemas.py). Only the fields the console uses are
 * typed; the server may send more.
 */

import { STATES, type State } from '../sync/states';

/** The dossier states are the core's state machine (ST1, src/sync/states.ts). */
export const STATUSES = STATES;
export type Status = State;

export interface Flags {
  overdue: boolean;
  due_soon: boolean;
  has_conflict: boolean;
  possible_duplicate: boolean;
  /** null: no signed revision (dossier made through REST). */
  signature_valid: boolean | null;
  attachments_complete: boolean;
}

export interface QueueItem {
  id: string;
  code: string;
  official_code: string | null;
  procedure_code: string;
  procedure_name: string;
  applicant_name: string;
  village_id: string;
  village_name: string;
  volunteer_id: string;
  volunteer_name: string;
  status: string;
  status_label_vi: string;
  received_at: string | null;
  due_date: string | null;
  submitted_at: string | null;
  flags: Flags;
  version: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

export interface QueuePage extends Page<QueueItem> {
  today: string;
}

export interface FormEntry {
  key: string;
  label_vi: string;
  label_en: string;
  type: string;
  required: boolean;
  value: unknown;
  /** What to show; for a repeat group a list of rows of entries. */
  display: unknown;
  /** False when the form's conditions hide the field: not applicable, not missing. */
  visible?: boolean;
}

export interface AttachmentRef {
  sha256: string;
  present: boolean;
  content_type: string | null;
  size: number | null;
  width: number | null;
  height: number | null;
  url: string;
}

export interface Component {
  code: string;
  name_vi: string;
  name_en: string;
  required: boolean;
  min_count: number;
  complete: boolean;
  missing_count: number;
  attachments: AttachmentRef[];
}

export interface SignatureCheck {
  valid: boolean;
  code: string;
  message_vi: string;
  message_en: string;
  revision: string;
  device_id: string;
  alg: string;
  key_id: string;
  signed_at: string | null;
  received_at: string | null;
  device_label: string;
  device_revoked_at: string | null;
  volunteer_id: string;
  volunteer_name: string;
  matches_current_data: boolean;
}

export interface Change {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  label_vi: string;
  before: unknown;
  after: unknown;
  added?: string[];
  removed?: string[];
  /** Readable values (labels, names, dd/mm/yyyy) for form fields and consent. */
  before_text?: string;
  after_text?: string;
  /** Attachment changes in words ("thêm 1 ảnh, thay 1 ảnh") and the files before and after. */
  summary_vi?: string;
  before_files?: ChangedFile[];
  after_files?: ChangedFile[];
}

export interface ChangedFile {
  sha256: string;
  url: string;
  is_image: boolean;
  present: boolean;
}

export interface Revision {
  number: number;
  hash: string;
  kind: 'submit' | 'supplement' | string;
  prev_revision: string | null;
  created_at: string;
  device_id: string;
  volunteer_name: string;
  signature: SignatureCheck | null;
  receipt_code: string | null;
  /** null when the revision's signature fails (unverified content is not diffed). */
  changes: Change[] | null;
}

export interface ConflictRecord {
  id: string;
  field: string;
  status: string;
  base_value: unknown;
  current_value: unknown;
  proposed_value: unknown;
  created_at: string;
  resolved_value: unknown;
  resolved_at: string | null;
  resolved_by_name?: string | null;
  label_vi?: string;
  base_text?: string;
  current_text?: string;
  proposed_text?: string;
  resolved_text?: string;
}

export interface Amendment {
  id: string;
  status: string;
  fields: Record<string, unknown>;
  base_version: number;
  created_at: string;
  decided_at: string | null;
  decided_by_name?: string | null;
  reason: string;
}

export interface SupplementItem {
  component_code?: string;
  field?: string;
  label_vi?: string;
  problem: string;
}

export interface SupplementRequest {
  id: string;
  status: 'open' | 'answered' | 'cancelled' | string;
  reason: string;
  items: SupplementItem[];
  requested_at: string;
  requested_by_name: string;
  closed_at: string | null;
}

export interface AuditEvent {
  id: number;
  action: string;
  from_status: string | null;
  to_status: string | null;
  actor_name: string | null;
  actor_role: string | null;
  at: string;
  reason: string;
  data: Record<string, unknown> | null;
}

export interface Duplicate {
  id: string;
  code: string;
  status: string;
  status_label_vi: string;
  applicant_name: string;
  match: 'member' | 'cccd' | string;
  created_at: string;
}

export interface DocumentLink {
  kind: string;
  title_vi: string;
  url: string;
}

export interface Result {
  id: string;
  dossier_id: string;
  official_code: string;
  outcome: 'approved' | 'rejected' | string;
  document_kind: string;
  document_number: string;
  summary: string;
  issued_at: string;
  result_sha256: string;
  key_id: string;
  qr_text: string;
  pdf_sha256: string;
  pdf_url: string;
}

export interface DossierView {
  dossier: {
    id: string;
    code: string;
    official_code: string | null;
    receipt_code: string | null;
    status: string;
    status_label_vi: string;
    outcome: string | null;
    received_at: string | null;
    due_date: string | null;
    created_at: string;
    updated_at: string;
    version: number;
    commune_id: string;
    procedure_version: number;
    /** The phone given in the dossier (the citizen's status look-up uses its last digits). */
    contact_phone?: string | null;
  };
  procedure: { code: string; version: number; name_vi: string; name_en: string; processing_days: number };
  applicant: {
    id: string;
    full_name: string;
    date_of_birth: string | null;
    sex: string | null;
    cccd: string | null;
    phone: string | null;
    relationship: string | null;
    ethnicity: string | null;
  } | null;
  household: { id: string; address: string } | null;
  village: { id: string; name: string };
  volunteer: { id: string; name: string };
  flags: Flags;
  form: FormEntry[];
  components: Component[];
  consent: {
    signer_name: string;
    signed_at: string;
    signature_sha256: string;
    present: boolean;
    url: string;
  } | null;
  signature: SignatureCheck | null;
  revisions: Revision[];
  conflicts: ConflictRecord[];
  amendments: Amendment[];
  supplement_requests: SupplementRequest[];
  result: Result | null;
  audit: AuditEvent[];
  duplicates: Duplicate[];
  allowed_actions: string[];
  documents: DocumentLink[];
}

export interface ActionOut {
  id: string;
  status: string;
  status_label_vi: string;
  official_code: string | null;
  due_date: string | null;
  version: number;
  documents: DocumentLink[];
  supplement_request_id?: string | null;
}

export interface ApologyDraft {
  dossier_id: string;
  official_code: string | null;
  due_date: string | null;
  overdue: boolean;
  processing_days: number;
  elapsed_working_days: number;
  remaining_working_days: number;
  proposed_date: string;
  reason: string;
  text: string;
  pdf_url: string;
}

/** The server's live feed message (`event: dossier`). */
export interface LiveEvent {
  seq: number;
  dossier_id: string;
  version: number;
  commune_id: string | null;
  village_id: string | null;
  deleted: boolean;
  status: string | null;
}

export interface OnTime {
  finished: number;
  before: number;
  on: number;
  after: number;
  open_overdue: number;
  rate: number | null;
}

export interface Figures {
  dossiers?: number;
  by_status: Record<string, number>;
  on_time: OnTime;
  fill_time: {
    count: number;
    median_seconds: number | null;
    within_target: number;
    target_seconds: number;
    meets_target: boolean | null;
  };
  prefill: {
    dossiers: number;
    prefilled_fields: number;
    total_fields: number;
    share: number | null;
    target: number;
    meets_target: boolean | null;
    source: string | null;
  };
  satisfaction: {
    ratings: number;
    very_satisfied: number;
    satisfied: number;
    not_satisfied: number;
    rate: number | null;
    target: number;
    meets_target: boolean | null;
    /** The citizens' own ratings: on the volunteer's phone at hand-over, or on /tra-cuu. */
    by_channel?: { device: number; web: number };
  };
  /** What volunteers recorded themselves: shown apart, never counted for the target. */
  satisfaction_volunteer?: {
    ratings: number;
    very_satisfied: number;
    satisfied: number;
    not_satisfied: number;
    rate: number | null;
  };
}

export interface SyncHealthItem {
  device_id: string;
  label: string;
  user_id: string;
  volunteer_name: string;
  pending: number | null;
  oldest_pending_at: string | null;
  oldest_pending_age_seconds: number | null;
  reported_at: string | null;
  last_push_at: string | null;
}

export interface Dashboard {
  scope: { commune_id: string; village_id: string | null; volunteer_id: string | null; from: string | null; to: string | null };
  generated_at: string;
  totals: Figures & { dossiers: number };
  by_village: (Figures & { village_id: string; name: string; dossiers: number })[];
  by_volunteer: (Figures & { volunteer_id: string; name: string; dossiers: number })[];
  sync_health: {
    devices: number;
    devices_with_pending: number;
    devices_never_reported: number;
    pending_total: number;
    oldest_pending_at: string | null;
    oldest_pending_age_seconds: number | null;
    items: SyncHealthItem[];
  };
}

export interface Device {
  id: string;
  user_id: string;
  commune_id: string | null;
  alg: string;
  key_id: string;
  label: string;
  enrolled_via: string;
  last_n: number;
  created_at: string;
  last_push_at: string | null;
  revoked_at: string | null;
  revoke_reason: string;
}

export interface Ticket {
  ticket: string;
  expires_at: string;
  volunteer_username: string;
  /** The QR payload, `langso-enrol:1:<code>`. */
  qr: string;
}

export interface Village {
  id: string;
  name: string;
  commune_id: string;
}

export interface Commune {
  id: string;
  name: string;
}

/** GET/PUT /api/review/communes/{id}/signer. */
export interface Signer {
  commune_id: string;
  signer_name: string;
  signer_title: string;
}

export interface ProcedureSummary {
  code: string;
  version: number;
  name: { vi: string; en?: string };
}

export interface RowError {
  row: number | null;
  column: string | null;
  code: string;
  message_vi: string;
  message_en: string;
}

export interface ImportReport {
  imported_households: number;
  imported_members: number;
}

/** GET /api/review/dossiers/{id}/result-draft: the result paper before it is issued. */
export interface ResultDraft {
  template: string;
  title: string;
  intro: string;
  closing: string;
  outcome: string;
  document_kind: string;
  signer_name: string;
  signer_title: string;
  summary: string;
  sections: { heading: string | null; fields: { key: string; label: string; value: string }[] }[];
}
