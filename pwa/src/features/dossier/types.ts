/**
 * Local working state of the dossier wizard. One `DossierDraft` per dossier lives in the
 * `dossier_drafts` table (schema v-see src/store/schema.ts); the shared `dossiers` row carries what
 * lists show. Times are ISO-8601 UTC strings; counts and seconds are integers (signed data has no
 * floats).
 */

/** One stored file of a document component (content-addressed through putBlob). */
export interface AttachmentRef {
  sha256: string;
  size: number;
  type: string;
  original_size?: number;
  /** False when compression could not reach the per-page budget (src/media/compress.ts). */
  within_target?: boolean;
  added_at: string;
}

export type WizardStep = 'form' | 'documents' | 'review' | 'consent';
export const WIZARD_STEPS: readonly WizardStep[] = ['form', 'documents', 'review', 'consent'];

export interface DossierDraft {
  dossier_id: string;
  household_id: string;
  applicant_member_id: string;
  procedure_code: string;
  procedure_version: number;
  /** 'new' until the first signature; 'supplement' when re-opened after a supplement request. */
  mode: 'new' | 'supplement';
  /**
   * Values under the user's edits: `{}` for a new dossier (the live prefill is used instead), the
   * last submitted form data for a supplement.
   */
  base: Record<string, unknown>;
  /** Only what the user changed; `null` marks a value the user cleared. */
  typed: Record<string, unknown>;
  components: Record<string, AttachmentRef[]>;
  step: WizardStep;
  /** Key of the form step (catalogue section) on screen while `step` is 'form'. */
  section?: string;
  /** First form interaction (fill timer start). */
  fill_started_at?: string;
  /** Seconds from fill_started_at to the first signature. */
  fill_seconds?: number;
  prefilled_fields?: number;
  total_fields?: number;
  /** True once the `create` mutation is in the outbox (never queue it twice). */
  create_queued: boolean;
  /** Set when signed; cleared when the wizard is re-opened for a supplement. */
  signed_at?: string;
  signer_name?: string;
  signature_sha256?: string;
  /** Hash of the last `submit` mutation this device queued (chain for the next supplement). */
  last_revision?: string;
  /** Number of signed submissions queued from this device. */
  submissions: number;
  updated_at: string;
}

/** Satisfaction rating recorded on this device (also queued as a `rating` mutation). */
export interface RatingRecord {
  id: string;
  dossier_id: string;
  rating: RatingValue;
  comment?: string;
  rated_at: string;
  /** 'citizen' when the citizen rated on the handed-over phone (absent: the volunteer). */
  by?: 'citizen';
}

export const RATING_VALUES = ['very_satisfied', 'satisfied', 'not_satisfied'] as const;
export type RatingValue = (typeof RATING_VALUES)[number];

/** Sync state of a dossier as the volunteer sees it. */
export type LocalSyncState = 'draft' | 'signed' | 'sent' | 'unconfirmed' | 'rejected';
