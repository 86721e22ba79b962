/**
 * In-memory unlock state. It is never persisted: every app start begins locked, and only a
 * correct PIN (pin.ts) unlocks. Signing new mutations requires the unlocked state (outbox.ts).
 */
let unlocked = false;
const listeners = new Set<(unlocked: boolean) => void>();

export function isUnlocked(): boolean {
  return unlocked;
}

export function setUnlocked(value: boolean): void {
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
