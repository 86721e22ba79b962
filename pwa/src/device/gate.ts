/**
 * What the app shell shows before its screens: the login, the PIN to set, the PIN to enter — or
 * the app. Also starts the sync loop once a volunteer's device is enrolled (it runs even while the
 * app is locked, but only checks for a wipe order then: the outbox is encrypted, src/net/sync.ts),
 * and installs the auto-lock (idle and hidden, src/device/lock.ts).
 */
import { useEffect, useState } from 'preact/hooks';
import { startPushClient } from '../net/push-subscription';
import { startSync } from '../net/sync';
import type { Session } from '../store/types';
import { needsDevice } from './account';
import { getEnrolledDevice } from './keystore';
import { isUnlocked, onLockChange, startAutoLock } from './lock';
import { hasPin } from './pin';

export type Gate = 'loading' | 'enrol' | 'set_pin' | 'unlock' | 'ready';

export function useLockGate(session: Session | null | undefined): Gate {
  const [unlocked, setUnlockedState] = useState(isUnlocked());
  const [info, setInfo] = useState<{ device: boolean; pin: boolean } | undefined>();

  useEffect(() => onLockChange(setUnlockedState), []);

  useEffect(() => {
    if (!session || !needsDevice(session.user)) {
      setInfo(undefined);
      return;
    }
    let live = true;
    void Promise.all([getEnrolledDevice(), hasPin()]).then(([device, pin]) => {
      if (live) setInfo({ device: device !== undefined, pin });
    });
    return () => {
      live = false;
    };
  }, [session, unlocked]);

  useEffect(() => {
    if (session && info?.device) {
      startSync();
      startPushClient();
    }
  }, [session, info?.device]);

  useEffect(() => startAutoLock(), []);

  if (!session) return 'loading';
  if (!needsDevice(session.user)) return 'ready';
  if (!info) return 'loading';
  if (!info.device) return 'enrol';
  if (!info.pin) return 'set_pin';
  return unlocked ? 'ready' : 'unlock';
}
