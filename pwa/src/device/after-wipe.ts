/**
 * After a wipe (src/net/wipe.ts) nothing of the old session may stay in memory: the session and
 * its token in the app's state, decoded rows held by screens, the sync loop's state, the search
 * index, module caches. Clearing each by hand would miss the next cache someone adds, so the page
 * starts over: back to `#/` and reloaded (the shell comes from the service worker's precache, and a
 * wipe only happens while the server answers anyway). Other open tabs of the app hear it on a
 * BroadcastChannel and start over too. The login screen then says what happened (meta `wiped`).
 */
import { db } from '../store/db';
import { RECORD_KEY } from '../net/push-subscription';
import { WIPED_META_KEY } from '../net/wipe';

const CHANNEL = 'langso-wipe';

export interface WipedNote {
  at: string;
  device_id?: string;
}

/** A lost phone must not keep receiving the account's push notices either (best effort). */
async function dropPush(): Promise<void> {
  try {
    globalThis.localStorage?.removeItem(RECORD_KEY);
  } catch {
    /* storage blocked: nothing stored */
  }
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  const unsubscribe = navigator.serviceWorker.getRegistration().then(async (reg) => {
    const sub = await reg?.pushManager?.getSubscription();
    await sub?.unsubscribe();
  });
  await Promise.race([unsubscribe.catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
}

function startOver(): void {
  void dropPush().finally(() => {
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
    location.reload();
  });
}

/** Installs the listeners; returns their removal. */
export function resetOnWipe(): () => void {
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : undefined;
  const local = (): void => {
    channel?.postMessage('wiped');
    startOver();
  };
  window.addEventListener('langso:wiped', local);
  if (channel) channel.onmessage = () => startOver();
  return () => {
    window.removeEventListener('langso:wiped', local);
    channel?.close();
  };
}

/** The note the wipe left (the only row it keeps), for the login screen. */
export async function wipedNote(): Promise<WipedNote | undefined> {
  const row = await db().meta.get(WIPED_META_KEY);
  return row?.value as WipedNote | undefined;
}

/** A new login on this phone: the note has been read. */
export async function forgetWipedNote(): Promise<void> {
  await db().meta.delete(WIPED_META_KEY);
}
