/** Review actions: which need a reason (server rules, docs/review-api.md §3) and their bodies. */

export const ACTIONS = ['receive', 'refuse', 'request_supplement', 'approve', 'reject', 'stop', 'apologise'] as const;

/** The server answers 422 `reason_required` without one; the dialog asks first. */
export const REASON_REQUIRED: ReadonlySet<string> = new Set(['refuse', 'request_supplement', 'reject', 'stop', 'apologise']);

/** Actions that end the work on a dossier or turn it away: styled as dangerous. */
export const DANGEROUS: ReadonlySet<string> = new Set(['refuse', 'reject', 'stop']);

export function reasonRequired(action: string): boolean {
  return REASON_REQUIRED.has(action);
}

export interface ActionBody {
  action: string;
  reason: string;
  expected_version?: number;
  appointment_date?: string;
}

export function actionBody(action: string, reason: string, expectedVersion?: number, appointmentDate?: string): ActionBody {
  const body: ActionBody = { action, reason: reason.normalize('NFC').trim() };
  if (expectedVersion !== undefined) body.expected_version = expectedVersion;
  if (appointmentDate) body.appointment_date = appointmentDate;
  return body;
}
