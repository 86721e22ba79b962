/**
 * Calls of the console's personal-data pages (/api/privacy, docs/privacy.md). Built on the
 * console's one HTTP helper (./api `call`); the reads that open a person's data carry the
 * reason the officer typed as `X-Access-Reason` (percent-encoded UTF-8), so the server logs it.
 */
import { call, getJson, sendJson } from '../api/http';
import type { Page } from './types';

export interface PersonHit {
  id: string;
  full_name: string;
  birth_year: number | null;
  village: string;
  household_id: string;
}

export type RequestKind = 'erasure' | 'restriction' | 'consent_withdrawal' | 'correction';
export const REQUEST_KINDS: readonly RequestKind[] = ['erasure', 'restriction', 'consent_withdrawal', 'correction'];

export interface RightsRequest {
  id: string;
  member_id: string;
  kind: string;
  status: string;
  outcome: Record<string, unknown>;
  recorded_at: string;
}

export interface AccessEntry {
  at: string;
  actor_id: string;
  actor_name?: string;
  actor_role: string;
  action: string;
  subject_kind: string;
  subject_id: string;
  in_queue: boolean;
  reason: string;
}

export interface Breach {
  id: string;
  description: string;
  found_at: string;
  notify_by: string;
  affected_members: number;
  affected_communes: string[];
  device_ids: string[];
  actor_ids: string[];
}

export interface BreachInput {
  description: string;
  found_at: string;
  window_from: string;
  window_to: string;
  device_ids: string[];
  actor_ids: string[];
  measures: string;
}

export interface RetentionInfo {
  closed_dossier_days: number;
  rejected_dossier_days: number;
  access_log_days: number;
  device_closed_dossier_days: number;
  due_dossiers: number;
  due_access_log: number;
  waiting_erasures: number;
  last_run_at: string | null;
  last_result: string;
  next_run_at: string | null;
}

const person = (id: string): string => `/api/privacy/people/${encodeURIComponent(id)}`;
const reasonHeader = (reason: string): HeadersInit => ({ 'X-Access-Reason': encodeURIComponent(reason.normalize('NFC').trim()) });

export const findPeople = (q: string): Promise<PersonHit[]> =>
  getJson<PersonHit[]>(`/api/privacy/people?q=${encodeURIComponent(q.normalize('NFC').trim())}`);

export const requestsOf = (id: string): Promise<RightsRequest[]> => getJson<RightsRequest[]>(`${person(id)}/requests`);

export const personLog = (id: string): Promise<AccessEntry[]> => getJson<AccessEntry[]>(`${person(id)}/access-log`);

export const recordRequest = (id: string, kind: RequestKind, note: string): Promise<RightsRequest> =>
  sendJson<RightsRequest>(`${person(id)}/requests`, { kind, note: note.normalize('NFC').trim() });

/** The person's export (JSON) or summary (PDF), read with the officer's reason. */
export async function personFile(id: string, kind: 'export' | 'summary.pdf', reason: string): Promise<Blob> {
  const accept = kind === 'export' ? 'application/json' : 'application/pdf';
  return (await call(`${person(id)}/${kind}`, { headers: { ...reasonHeader(reason), Accept: accept } })).blob();
}

export const accessLog = (query: string): Promise<Page<AccessEntry>> => getJson<Page<AccessEntry>>(`/api/privacy/access-log?${query}`);

export const breaches = (): Promise<Breach[]> => getJson<Breach[]>('/api/privacy/breaches');
export const openBreach = (data: BreachInput): Promise<Breach> => sendJson<Breach>('/api/privacy/breaches', data);
export const breachNoticePath = (id: string, format: 'txt' | 'pdf'): string =>
  `/api/privacy/breaches/${encodeURIComponent(id)}/notice?format=${format}`;

export const retention = (): Promise<RetentionInfo> => getJson<RetentionInfo>('/api/privacy/retention');
export const purgeNow = (): Promise<{ dossiers: number; people: number; access_log: number }> =>
  sendJson('/api/privacy/retention/purge', {});

/** Save a fetched file under `filename` (the browser's download). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** dd/mm/yyyy [hh:mm] typed by the officer → a Date in the browser's zone, or undefined. */
export function parseDayTime(text: string, withTime: boolean): Date | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(text.trim());
  if (!m) return undefined;
  if (withTime && m[4] === undefined) return undefined;
  const [d, mo, y, h, mi] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0)];
  const date = new Date(y, mo - 1, d, h, mi);
  const same = date.getFullYear() === y && date.getMonth() === mo - 1 && date.getDate() === d && date.getHours() === h && date.getMinutes() === mi;
  return same && h < 24 && mi < 60 ? date : undefined;
}
