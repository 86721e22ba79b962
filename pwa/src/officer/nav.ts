/**
 * Console navigation. The app shell routes `#/officer` (any query) here; the console's own views
 * live in the hash query: `tab=queue|dossier|dashboard|devices|import|privacy|signer`, plus the
 * view's parameters.
 */
import { navigate } from '../router';

export type Tab = 'queue' | 'dossier' | 'dashboard' | 'devices' | 'import' | 'privacy' | 'signer';
export const TABS: readonly Tab[] = ['queue', 'dashboard', 'devices', 'import', 'privacy', 'signer'];

export function consoleHref(params: string | Record<string, string>): string {
  const query = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  return `#/officer${query ? `?${query}` : ''}`;
}

export function go(params: string | Record<string, string>): void {
  navigate(consoleHref(params).slice(1));
}

export function queryOf(path: string): URLSearchParams {
  return new URLSearchParams(path.split('?')[1] ?? '');
}

export function tabOf(q: URLSearchParams): Tab {
  const t = q.get('tab');
  return t === 'dossier' || t === 'dashboard' || t === 'devices' || t === 'import' || t === 'privacy' || t === 'signer'
    ? t
    : 'queue';
}

/** The queue view last shown, so "back to the queue" keeps its filters and page. */
let lastQueue = 'tab=queue';
export function rememberQueue(query: string): void {
  lastQueue = query ? `tab=queue&${query}` : 'tab=queue';
}
export function queueHref(): string {
  return consoleHref(lastQueue);
}
