/**
 * Queue filters ⇄ query strings. The console keeps the filters in its hash
 * (`#/officer?tab=queue&status=processing&overdue=true&page=2`) with exactly the names of
 * `GET /api/review/dossiers`, so a filtered view can be bookmarked and the API query is the same
 * text. Unknown or empty values are dropped; the order of parameters is fixed.
 */

export interface QueueFilters {
  status?: string;
  procedure_code?: string;
  village_id?: string;
  volunteer?: string;
  due_soon?: boolean;
  overdue?: boolean;
  has_conflict?: boolean;
  possible_duplicate?: boolean;
  page: number;
  page_size: number;
}

export const TEXT_FILTERS = ['status', 'procedure_code', 'village_id', 'volunteer'] as const;
export const FLAG_FILTERS = ['due_soon', 'overdue', 'has_conflict', 'possible_duplicate'] as const;
export type TextFilter = (typeof TEXT_FILTERS)[number];
export type FlagFilter = (typeof FLAG_FILTERS)[number];

export const DEFAULT_PAGE_SIZE = 25;
export const PAGE_SIZES = [25, 50, 100] as const;

function positive(raw: string | null, fallback: number, max: number): number {
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
}

export function parseQueueFilters(query: string | URLSearchParams): QueueFilters {
  const q = typeof query === 'string' ? new URLSearchParams(query) : query;
  const f: QueueFilters = {
    page: positive(q.get('page'), 1, 100_000),
    page_size: positive(q.get('page_size'), DEFAULT_PAGE_SIZE, 200),
  };
  for (const key of TEXT_FILTERS) {
    const v = q.get(key)?.trim();
    if (v) f[key] = v;
  }
  for (const key of FLAG_FILTERS) if (q.get(key) === 'true') f[key] = true;
  return f;
}

/** The query string (without `?`) for the API and the hash. Page 1 and the default size are kept
 * explicit so the request is always the same text for the same view. */
export function buildQueueQuery(f: QueueFilters): string {
  const q = new URLSearchParams();
  for (const key of TEXT_FILTERS) {
    const v = f[key]?.trim();
    if (v) q.set(key, v);
  }
  for (const key of FLAG_FILTERS) if (f[key]) q.set(key, 'true');
  q.set('page', String(f.page));
  q.set('page_size', String(f.page_size));
  return q.toString();
}

/** A change of any filter goes back to page 1 (the old page may not exist any more). */
export function withFilter(f: QueueFilters, key: TextFilter | FlagFilter, value: string | boolean | undefined): QueueFilters {
  const next: QueueFilters = { ...f, page: 1 };
  if (value === undefined || value === '' || value === false) delete next[key];
  else (next as unknown as Record<string, unknown>)[key] = value;
  return next;
}

export function activeFilterCount(f: QueueFilters): number {
  return TEXT_FILTERS.filter((k) => f[k]).length + FLAG_FILTERS.filter((k) => f[k]).length;
}

export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}
