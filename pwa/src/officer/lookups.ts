/**
 * Lists the filters and forms pick from: villages, procedures, volunteers. Loaded once per console
 * session. There is no "list volunteers" endpoint, so volunteers come from the dashboard's
 * per-volunteer figures (those who prepared at least one dossier) and its device list.
 */
import { getJson } from '../api/http';
import type { Dashboard, ProcedureSummary, Village } from './types';

export interface Option {
  id: string;
  name: string;
}

export interface Lookups {
  villages: Option[];
  procedures: { code: string; name_vi: string; name_en: string }[];
  volunteers: Option[];
}

let cached: Promise<Lookups> | undefined;

export function loadLookups(refresh = false): Promise<Lookups> {
  if (!cached || refresh) {
    cached = (async () => {
      const [villages, procedures, board] = await Promise.all([
        getJson<Village[]>('/api/units/villages').catch(() => [] as Village[]),
        getJson<ProcedureSummary[]>('/api/procedures').catch(() => [] as ProcedureSummary[]),
        getJson<Dashboard>('/api/monitoring/dashboard').catch(() => undefined),
      ]);
      const seen = new Map<string, string>();
      for (const v of board?.by_volunteer ?? []) seen.set(v.volunteer_id, v.name);
      for (const d of board?.sync_health.items ?? []) if (!seen.has(d.user_id)) seen.set(d.user_id, d.volunteer_name);
      const latest = new Map<string, ProcedureSummary>();
      for (const p of procedures) {
        const prev = latest.get(p.code);
        if (!prev || prev.version < p.version) latest.set(p.code, p);
      }
      return {
        villages: villages.map((v) => ({ id: v.id, name: v.name })),
        procedures: [...latest.values()].map((p) => ({ code: p.code, name_vi: p.name.vi, name_en: p.name.en ?? p.name.vi })),
        volunteers: [...seen].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, 'vi')),
      };
    })();
    cached.catch(() => {
      cached = undefined;
    });
  }
  return cached;
}

/** Tests start from an empty cache. */
export function resetLookups(): void {
  cached = undefined;
}
