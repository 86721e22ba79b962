/**
 * Wire shapes of the officer API as the console reads them (docs/review-api.md,
 * docs/monitoring-and-push.md). Answers the server types are the generated ones (../api/wire);
 * the parts of the dossier view the server sends as free-form objects are described here.
 */
import type { Schemas } from '../api/wire';

import { STATES, type State } from '../sync/states';

/** The dossier states are the core's state machine (ST1, src/sync/states.ts). */
export const STATUSES = STATES;
export type Status = State;

export type Flags = Schemas['QueueFlags'];

export type QueueItem = Schemas['QueueItem'];

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

export type QueuePage = Schemas['QueuePage'];

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

/** One field an amendment would change, in words (label, before and after, as the history reads). */
export interface AmendmentRow {
  label_vi: string;
  before_text: string;
  after_text: string;
}

export interface Amendment {
  id: string;
  status: string;
  fields: Record<string, unknown>;
  rows?: AmendmentRow[];
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

export type DocumentLink = Schemas['DocumentLink'];

export type Result = Schemas['ResultOut'];

type DossierViewParts =
  | 'dossier' | 'procedure' | 'applicant' | 'household' | 'village' | 'volunteer' | 'form'
  | 'components' | 'consent' | 'signature' | 'revisions' | 'conflicts' | 'amendments'
  | 'supplement_requests' | 'audit' | 'duplicates';

/** The server types the dossier view's envelope; its free-form parts are described here. */
export type DossierView = Omit<Schemas['DossierView'], DossierViewParts> & {
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
  audit: AuditEvent[];
  duplicates: Duplicate[];
};

export type ActionOut = Schemas['ActionOut'];

export type ApologyDraft = Schemas['ApologyDraft'];

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

export type OnTime = Schemas['OnTime'];

export type Figures = Schemas['Figures'];

export type SyncHealthItem = Schemas['DeviceHealthRow'];

export type Dashboard = Schemas['DashboardOut'];

export type Device = Schemas['DeviceOut'];

export type Ticket = Schemas['TicketOut'];

export type Village = Schemas['VillageOut'];

export type Commune = Schemas['units_schemas_CommuneOut'];

/** GET/PUT /api/review/communes/{id}/signer. */
export interface Signer {
  commune_id: string;
  signer_name: string;
  signer_title: string;
}

export type ProcedureSummary = Pick<Schemas['Procedure'], 'code' | 'version' | 'name'>;

export interface RowError {
  row: number | null;
  column: string | null;
  code: string;
  message_vi: string;
  message_en: string;
}

export type ImportReport = Schemas['ImportReport'];

/** GET /api/review/dossiers/{id}/result-draft: the result paper before it is issued. */
export type ResultDraft = Schemas['ResultDraft'];
