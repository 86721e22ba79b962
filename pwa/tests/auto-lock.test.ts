// Issue 14 item 1 (audit, branch privacy3): the key lives in memory only while unlocked; the app
// locks itself after a few minutes without use and after being hidden for long, and locking
// zeroes the data key.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isUnlocked, setUnlocked, startAutoLock } from '../src/device/lock';
import { newDataKey, setDataKey, vaultOpen } from '../src/store/vault';

function setVisibility(state: 'visible' | 'hidden'): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('auto-lock', () => {
  let stop: () => void;
  beforeEach(() => {
    vi.useFakeTimers();
    setVisibility('visible');
    setDataKey(newDataKey());
    setUnlocked(true);
    stop = startAutoLock(5_000, 2_000);
  });
  afterEach(() => {
    stop();
    setUnlocked(false);
    vi.useRealTimers();
  });

  it('locks after the idle time without input and forgets the data key', () => {
    vi.advanceTimersByTime(4_000);
    expect(isUnlocked()).toBe(true);
    window.dispatchEvent(new Event('keydown')); // use re-arms the timer
    vi.advanceTimersByTime(4_000);
    expect(isUnlocked()).toBe(true);
    expect(vaultOpen()).toBe(true);
    vi.advanceTimersByTime(1_001);
    expect(isUnlocked()).toBe(false);
    expect(vaultOpen()).toBe(false);
  });

  it('locks when the page was hidden longer than the hidden limit, not for a glance away', () => {
    setVisibility('hidden');
    vi.advanceTimersByTime(1_000);
    setVisibility('visible');
    expect(isUnlocked()).toBe(true);
    setVisibility('hidden');
    vi.setSystemTime(Date.now() + 3_000); // a suspended tab runs no timer: the return checks
    setVisibility('visible');
    expect(isUnlocked()).toBe(false);
    expect(vaultOpen()).toBe(false);
  });
});
