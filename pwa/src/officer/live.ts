/**
 * The live dossier feed (`GET /api/live/dossiers`, server-sent events, docs/monitoring-and-push.md).
 * EventSource authenticates with the session cookie and reconnects by itself, resuming after
 * `Last-Event-ID`. Where EventSource is missing or keeps failing, the caller polls instead.
 */
import type { LiveEvent } from './types';

export const LIVE_URL = '/api/live/dossiers';

export type LiveState = 'connecting' | 'open' | 'retrying' | 'unsupported';

export function subscribeLive(onEvent: (event: LiveEvent) => void, onState: (state: LiveState) => void): () => void {
  if (typeof EventSource === 'undefined') {
    onState('unsupported');
    return () => undefined;
  }
  onState('connecting');
  const source = new EventSource(LIVE_URL, { withCredentials: true });
  source.addEventListener('open', () => onState('open'));
  source.addEventListener('error', () => onState('retrying'));
  source.addEventListener('dossier', (message) => {
    try {
      const data = JSON.parse((message as MessageEvent<string>).data) as LiveEvent;
      if (data && typeof data.dossier_id === 'string') onEvent(data);
    } catch {
      /* a malformed message is ignored; the next re-fetch shows the truth anyway */
    }
  });
  return () => source.close();
}

/**
 * Which dossier ids of a batch of events are new to the officer: not on the current page, not seen
 * before, not deleted, not drafts (drafts are the volunteer's work and not in the queue).
 */
export function newDossierIds(events: readonly LiveEvent[], known: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.deleted || e.status === 'draft' || known.has(e.dossier_id) || out.includes(e.dossier_id)) continue;
    out.push(e.dossier_id);
  }
  return out;
}
