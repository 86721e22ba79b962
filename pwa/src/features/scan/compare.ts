/**
 * What a scanned card means for the member form: which fields it fills (empty in the form),
 * which it confirms (same value) and which differ (shown side by side for the volunteer to
 * choose). Pure, so the rules are tested without a camera.
 */
import type { FormValues } from '../../forms/schema';
import type { CccdQr } from '../../sync/cccd-qr';
import { normaliseName } from '../../sync/identity';

/** The card fields that are also member fields, in form order. */
export const MEMBER_SCAN_FIELDS = ['full_name', 'date_of_birth', 'sex', 'cccd'] as const;
export type MemberScanField = (typeof MEMBER_SCAN_FIELDS)[number];

export type ScanStatus = 'filled' | 'verified' | 'differs';

export interface ScanRow {
  readonly field: MemberScanField;
  readonly scanned: string;
  /** The form's value before the scan; undefined when it was empty. */
  readonly current: string | undefined;
  readonly status: ScanStatus;
}

function formText(values: FormValues, field: MemberScanField): string | undefined {
  const v = values[field];
  if (typeof v !== 'string') return undefined;
  const trimmed = v.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Names are the same when only spacing, Unicode form or letter case differ. */
function same(field: MemberScanField, a: string, b: string): boolean {
  if (field !== 'full_name') return a === b;
  return normaliseName(a).toLowerCase() === normaliseName(b).toLowerCase();
}

/** One row per card field that has a usable value; fields the card could not give are left out. */
export function compareScan(scan: CccdQr, values: FormValues): ScanRow[] {
  const rows: ScanRow[] = [];
  for (const field of MEMBER_SCAN_FIELDS) {
    const scanned = scan[field];
    if (scanned === null) continue;
    const current = formText(values, field);
    const status: ScanStatus = current === undefined ? 'filled' : same(field, current, scanned) ? 'verified' : 'differs';
    rows.push({ field, scanned, current, status });
  }
  return rows;
}

/** The form values with every empty field filled from the card; differing fields are kept. */
export function fillEmpty(values: FormValues, rows: readonly ScanRow[]): FormValues {
  const next: Record<string, unknown> = { ...values };
  for (const row of rows) if (row.status === 'filled') next[row.field] = row.scanned;
  return next;
}

/** Problems that leave nothing to use: scan again. */
export function unusable(scan: CccdQr): boolean {
  return scan.problems.some((p) => p.field === null);
}
