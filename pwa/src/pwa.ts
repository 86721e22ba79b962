/**
 * Service-worker registration ('prompt' strategy). A waiting new version is only activated when the
 * user taps "Cập nhật ngay"; until then the running version keeps serving, so an open form is never
 * reloaded away. Activation replaces Cache Storage only — IndexedDB (households, outbox…) is never
 * touched by the service worker, and schema changes are Dexie version upgrades (src/store/schema.ts).
 */
import { useEffect, useState } from 'preact/hooks';
import { registerSW } from 'virtual:pwa-register';

export interface PwaState {
  needRefresh: boolean;
  offlineReady: boolean;
  /** Set when another tab upgraded the database; this tab must reload. */
  dbOutdated: boolean;
}

let state: PwaState = { needRefresh: false, offlineReady: false, dbOutdated: false };
let updateSW: ((reload?: boolean) => Promise<void>) | undefined;
const listeners = new Set<(s: PwaState) => void>();

function set(patch: Partial<PwaState>): void {
  state = { ...state, ...patch };
  for (const l of listeners) l(state);
}

export function registerPwa(): void {
  window.addEventListener('langso:db-outdated', () => set({ dbOutdated: true }));
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  updateSW = registerSW({
    immediate: true,
    onNeedRefresh: () => set({ needRefresh: true }),
    onOfflineReady: () => set({ offlineReady: true }),
  });
}

export function applyUpdate(): void {
  void updateSW?.(true);
}

export function dismiss(key: 'needRefresh' | 'offlineReady'): void {
  set({ [key]: false });
}

export function usePwaState(): PwaState {
  const [s, setS] = useState(state);
  useEffect(() => {
    listeners.add(setS);
    setS(state);
    return () => {
      listeners.delete(setS);
    };
  }, []);
  return s;
}
