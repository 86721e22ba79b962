/**
 * In-memory unlock state. It is never persisted: every app start begins locked, and only a
 * correct PIN (pin.ts) unlocks. Signing new mutations requires the unlocked state (outbox.ts).
 * Locking also forgets the data key (src/store/vault.ts): personal records become unreadable.
 *
 * The app locks itself after AUTO_LOCK_IDLE_MS without a touch or key press, and after being
 * hidden for AUTO_LOCK_HIDDEN_MS (startAutoLock, installed by the app shell's gate).
 */
import { forgetDataKey } from '../store/vault';

export const AUTO_LOCK_IDLE_MS = 5 * 60 * 1000;
export const AUTO_LOCK_HIDDEN_MS = 2 * 60 * 1000;

let unlocked = false;
const listeners = new Set<(unlocked: boolean) => void>();

export function isUnlocked(): boolean {
  return unlocked;
}

export function setUnlocked(value: boolean): void {
  if (!value) forgetDataKey();
  if (unlocked === value) return;
  unlocked = value;
  for (const listener of listeners) listener(value);
}

export function lockNow(): void {
  setUnlocked(false);
}

/** Subscribe to lock changes; returns the unsubscribe function. */
export function onLockChange(listener: (unlocked: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Locks after `idleMs` without user input and when the page comes back after being hidden for
 * more than `hiddenMs` (a timer also fires while hidden, where the browser still runs it).
 * Returns the uninstall function.
 */
export function startAutoLock(idleMs: number = AUTO_LOCK_IDLE_MS, hiddenMs: number = AUTO_LOCK_HIDDEN_MS): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let hiddenAt = 0;
  const arm = (ms: number): void => {
    clearTimeout(timer);
    timer = setTimeout(lockNow, ms);
  };
  const onInput = (): void => {
    if (unlocked && document.visibilityState !== 'hidden') arm(idleMs);
  };
  const onVisibility = (): void => {
    if (document.visibilityState === 'hidden') {
      hiddenAt = Date.now();
      arm(hiddenMs);
    } else if (hiddenAt && Date.now() - hiddenAt > hiddenMs) lockNow();
    else onInput();
  };
  const events = ['pointerdown', 'keydown', 'touchstart', 'scroll'] as const;
  for (const e of events) window.addEventListener(e, onInput, { passive: true, capture: true });
  document.addEventListener('visibilitychange', onVisibility);
  const unsubscribe = onLockChange((open) => (open ? arm(idleMs) : clearTimeout(timer)));
  if (unlocked) arm(idleMs);
  return () => {
    clearTimeout(timer);
    unsubscribe();
    for (const e of events) window.removeEventListener(e, onInput, { capture: true });
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
