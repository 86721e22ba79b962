/**
 * The supplement request body (`POST …/actions` with `action: request_supplement`): the officer
 * ticks components and form fields and describes each problem. Server rules mirrored here so the
 * dialog can explain before sending: a reason; 1…30 items; each exactly one of `component_code`
 * or `field`, with a problem of at most 500 characters. Text is NFC and trimmed.
 */

export const MAX_ITEMS = 30;
export const MAX_PROBLEM = 500;

export interface PickedItem {
  checked: boolean;
  problem: string;
}

export interface SupplementPick {
  /** by component code, in catalogue order */
  components: Record<string, PickedItem>;
  /** by form field key (`group.sub` for a field of a repeat group) */
  fields: Record<string, PickedItem>;
}

export interface SupplementBody {
  action: 'request_supplement';
  reason: string;
  items: ({ component_code: string; problem: string } | { field: string; problem: string })[];
  expected_version?: number;
}

export type PickError =
  | { kind: 'reason_required' }
  | { kind: 'items_required' }
  | { kind: 'too_many'; max: number }
  | { kind: 'problem_required'; target: string }
  | { kind: 'problem_too_long'; target: string; max: number };

const clean = (s: string): string => s.normalize('NFC').trim();

export function buildSupplementBody(
  reason: string,
  pick: SupplementPick,
  expectedVersion?: number,
): { body: SupplementBody; errors: PickError[] } {
  const errors: PickError[] = [];
  const items: SupplementBody['items'] = [];
  for (const [code, item] of Object.entries(pick.components)) {
    if (!item.checked) continue;
    const problem = clean(item.problem);
    if (!problem) errors.push({ kind: 'problem_required', target: code });
    else if (problem.length > MAX_PROBLEM) errors.push({ kind: 'problem_too_long', target: code, max: MAX_PROBLEM });
    items.push({ component_code: code, problem });
  }
  for (const [field, item] of Object.entries(pick.fields)) {
    if (!item.checked) continue;
    const problem = clean(item.problem);
    if (!problem) errors.push({ kind: 'problem_required', target: field });
    else if (problem.length > MAX_PROBLEM) errors.push({ kind: 'problem_too_long', target: field, max: MAX_PROBLEM });
    items.push({ field, problem });
  }
  const why = clean(reason);
  if (!why) errors.unshift({ kind: 'reason_required' });
  if (!items.length) errors.push({ kind: 'items_required' });
  if (items.length > MAX_ITEMS) errors.push({ kind: 'too_many', max: MAX_ITEMS });
  const body: SupplementBody = { action: 'request_supplement', reason: why, items };
  if (expectedVersion !== undefined) body.expected_version = expectedVersion;
  return { body, errors };
}
