/**
 * Reference data the volunteer needs offline: the user's villages (GET /api/units/villages) and
 * the procedure catalogue (GET /api/procedures: per procedure the version the province files
 * with, with form schemas; versions no longer served are kept, marked). Refreshed at
 * most every REFERENCE_MAX_AGE_MS; a failure keeps the previous copy.
 */
import type { Procedure, VillageOut } from '../api/wire';
import { db, type LangsoDB } from '../store/db';
import { requestJson } from '../api/http';

export const REFERENCE_META_KEY = 'reference_synced_at';
export const REFERENCE_MAX_AGE_MS = 6 * 60 * 60 * 1000;


export async function refreshReference(d: LangsoDB = db(), nowMs: number = Date.now(), force = false): Promise<boolean> {
  const last = (await d.meta.get(REFERENCE_META_KEY))?.value;
  if (!force && typeof last === 'number' && nowMs - last < REFERENCE_MAX_AGE_MS) return false;
  const villages = await requestJson<VillageOut[]>('/api/units/villages', { d });
  const procedures = await requestJson<Procedure[]>('/api/procedures', { d });
  await d.transaction('rw', d.villages, d.procedures, d.meta, async () => {
    if (Array.isArray(villages)) {
      await d.villages.bulkPut(villages.map((v) => ({ id: v.id, name: v.name, commune_id: v.commune_id })));
    }
    if (Array.isArray(procedures)) {
      await d.procedures.bulkPut(procedures.map((p) => ({ code: p.code, version: p.version, definition: p, served: true })));
      // versions no longer served stay for the dossiers filed with them, offered no more
      const now = new Set(procedures.map((p) => `${p.code}@${p.version}`));
      const gone = (await d.procedures.toArray()).filter((r) => !now.has(`${r.code}@${r.version}`) && r.served !== false);
      await d.procedures.bulkPut(gone.map((r) => ({ ...r, served: false })));
    }
    await d.meta.put({ key: REFERENCE_META_KEY, value: nowMs });
  });
  return true;
}
