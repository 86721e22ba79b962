/**
 * The conflict inbox's server side: list open conflicts (GET /api/sync/conflicts, scoped by the
 * server to what this user may see) into the local `conflicts` table, and resolve one
 * (POST /api/sync/conflicts/{id}/resolve {value}) — online only; the new value then comes back
 * through the normal pull.
 */
import { db, type LangsoDB } from '../store/db';
import type { ConflictRow } from '../store/types';
import type { ConflictOut, ConflictPage } from '../api/wire';
import { requestJson } from '../api/http';

const PAGE_SIZE = 100;

function toRow(c: ConflictOut, existing: ConflictRow | undefined): ConflictRow {
  return {
    ...existing,
    id: c.id,
    entity: c.entity,
    entity_id: c.entity_id,
    field: c.field,
    base: c.base_value,
    local: c.proposed_value,
    remote: c.current_value,
    status: c.status,
    mutation_id: c.mutation_id,
    resolved_value: c.resolved_value,
    created_at: c.created_at,
  };
}

/** Refresh open conflicts; local open ones the server no longer lists are marked resolved. */
export async function refreshConflicts(d: LangsoDB = db()): Promise<number> {
  const open: ConflictOut[] = [];
  for (let page = 1; page < 50; page++) {
    const body = await requestJson<ConflictPage>(`/api/sync/conflicts?status=open&page=${page}&page_size=${PAGE_SIZE}`, { d });
    open.push(...body.items);
    if (page * PAGE_SIZE >= body.total || body.items.length === 0) break;
  }
  const ids = new Set(open.map((c) => c.id));
  await d.transaction('rw', d.conflicts, d.dossiers, async () => {
    for (const c of open) await d.conflicts.put(toRow(c, await d.conflicts.get(c.id)));
    const stale = await d.conflicts.where('status').equals('open').filter((c) => !ids.has(c.id)).toArray();
    for (const c of stale) await d.conflicts.update(c.id, { status: 'resolved' });
  });
  return open.length;
}

/**
 * Resolve a conflict with `value` (the commune's current value or this device's proposal).
 * @throws HttpError (409 conflict_closed / conflict_stale with message_vi), OfflineError.
 */
export async function resolveConflict(id: string, value: unknown, d: LangsoDB = db()): Promise<ConflictRow | undefined> {
  const body = await requestJson<ConflictOut>(`/api/sync/conflicts/${encodeURIComponent(id)}/resolve`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ value: value === undefined ? null : value }),
    d,
  });
  const row = toRow(body, await d.conflicts.get(id));
  await d.conflicts.put(row);
  return row;
}

/** Open conflicts, newest first, for the inbox. */
export async function openConflicts(d: LangsoDB = db()): Promise<ConflictRow[]> {
  const rows = await d.conflicts.where('status').equals('open').toArray();
  return rows.sort((a, b) => b.created_at.localeCompare(a.created_at));
}
