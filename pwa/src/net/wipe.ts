/**
 * The lost-phone drill, device side (docs/protocol.md, "Device status and wipe").
 *
 * At every sync run — locked or not, since it needs no key — the device asks
 * GET /api/devices/{id}/status; a push may also answer 410 `device_wipe`. On a wipe order the
 * device forgets the data key, deletes every row of every table (the device signing key, the
 * wrapped data key, the session, the outbox: it signs nothing more), keeps only a note that it was
 * wiped, and tells the server (POST /api/devices/{id}/wiped, best effort with the session it had).
 */
import type { DeviceStatusOut } from '../api/wire';
import { lockNow } from '../device/lock';
import type { LangsoDB } from '../store/db';
import { saveClosedDossierDays } from '../store/retention';
import { forgetDataKey } from '../store/vault';
import { META_KEYS, type Session } from '../store/types';
import { HttpError, request, requestJson } from '../api/http';

export const WIPED_META_KEY = 'wiped';

/** GET /api/devices/{id}/status; `closed_dossier_days` is the retention on the phone
 * (src/store/retention.ts). */
export type DeviceStatus = DeviceStatusOut;

/** Destroys keys and local data. Never throws on the report to the server. */
export async function wipeDevice(d: LangsoDB, deviceId: string): Promise<void> {
  const session = (await d.meta.get(META_KEYS.session))?.value as Session | undefined;
  forgetDataKey();
  lockNow();
  await d.transaction('rw', d.tables, async () => {
    for (const table of d.tables) await table.clear();
    await d.meta.put({ key: WIPED_META_KEY, value: { at: new Date().toISOString(), device_id: deviceId } });
  });
  if (session) {
    await request(`/api/devices/${encodeURIComponent(deviceId)}/wiped`, {
      method: 'POST',
      headers: { Accept: 'application/json' },
      token: session.token,
      timeoutMs: 0,
      accept: 'any',
    }).catch(() => undefined);
  }
  if (typeof window !== 'undefined') window.dispatchEvent(new CustomEvent('langso:wiped'));
}

/**
 * Asks the server whether this device must wipe itself, and does it. True when it wiped.
 * A server without the endpoint (404/405) or a refused token answers "no order"; offline throws.
 */
export async function checkWipeOrder(d: LangsoDB, deviceId: string): Promise<boolean> {
  let status: DeviceStatus;
  try {
    status = await requestJson<DeviceStatus>(`/api/devices/${encodeURIComponent(deviceId)}/status`, { d });
  } catch (error) {
    if (error instanceof HttpError) return false;
    throw error;
  }
  if (status.wipe !== true) {
    await saveClosedDossierDays(d, status.closed_dossier_days);
    return false;
  }
  await wipeDevice(d, deviceId);
  return true;
}
