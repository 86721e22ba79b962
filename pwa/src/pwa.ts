/**
 * Service-worker registration ('prompt' strategy) and the app's offline readiness.
 *
 * First install: the worker precaches every volunteer asset (install fails unless ALL of them were
 * stored), activates, and claims this page (vite.config.ts `clientsClaim`), so the session that
 * logged in keeps working offline without a reload — the lazy wizard chunk included.
 *
 * Updates: a waiting new version is only activated when the user taps "Cập nhật ngay"; until then
 * the running version keeps serving, so an open form is never reloaded away. Activation replaces
 * Cache Storage only — IndexedDB (households, outbox, drafts…) is never touched by the service
 * worker, and schema changes are Dexie version upgrades (src/store/schema.ts).
 *
 * "Ready offline" is claimed only when BOTH hold: the precache finished installing (Workbox's
 * `installed`, or an already active worker at start-up) and a service worker controls this page.
 */
import { useEffect, useState } from 'preact/hooks';
import { registerSW } from 'virtual:pwa-register';
import { offlineCapable } from './offline-ready';

export interface PwaState {
  needRefresh: boolean;
  /** The one-time "ready offline" notice (dismissable). */
  offlineReady: boolean;
  /** The page is controlled by an activated worker whose precache is complete (not dismissable). */
  offlineCapable: boolean;
  /** Set when another tab upgraded the database — or applied an app update — and this tab must reload. */
  dbOutdated: boolean;
}

let state: PwaState = { needRefresh: false, offlineReady: false, offlineCapable: false, dbOutdated: false };
let updateSW: ((reload?: boolean) => Promise<void>) | undefined;
const listeners = new Set<(s: PwaState) => void>();
let precached = false;
let announced = false;
/** The volunteer tapped "Cập nhật ngay" in THIS tab. */
let consented = false;

function set(patch: Partial<PwaState>): void {
  state = { ...state, ...patch };
  for (const l of listeners) l(state);
}

function reassess(): void {
  const capable = offlineCapable(precached, navigator.serviceWorker.controller);
  if (capable === state.offlineCapable) return;
  // The notice is shown once per page life, on the transition to capable.
  const notice = capable && !announced;
  if (notice) announced = true;
  set({ offlineCapable: capable, ...(notice ? { offlineReady: true } : {}) });
}

export function registerPwa(): void {
  window.addEventListener('langso:db-outdated', () => set({ dbOutdated: true }));
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  const sw = navigator.serviceWorker;
  sw.addEventListener('controllerchange', () => {
    reassess();
    // The controller becomes 'activated' a moment after claiming.
    sw.controller?.addEventListener('statechange', reassess);
  });
  // A worker that is already active installed its whole precache earlier (Workbox's install step
  // fails unless every entry was stored).
  void sw.getRegistration().then((reg) => {
    if (reg?.active) {
      precached = true;
      reassess();
    }
  });
  updateSW = registerSW({
    immediate: true,
    onNeedRefresh: () => set({ needRefresh: true }),
    // The new version took control. Reload only the tab where the volunteer asked for it; another
    // tab (maybe with a form open) is asked to reload when it suits the volunteer.
    onNeedReload: () => (consented ? location.reload() : set({ needRefresh: false, dbOutdated: true })),
    onOfflineReady: () => {
      precached = true;
      reassess();
      sw.controller?.addEventListener('statechange', reassess);
    },
  });
}

export function applyUpdate(): void {
  consented = true;
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
