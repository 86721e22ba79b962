/**
 * The device signing key and enrolment record, kept in the `meta` table under "device".
 *
 * Invariants:
 *  - the private key is a NON-EXTRACTABLE CryptoKey (generateDeviceKey): IndexedDB stores the
 *    handle, nothing can read the key bytes out, not even this code;
 *  - `id` is the server's device id from POST /api/devices; until enrolment succeeds it is absent
 *    and the SAME key is reused on retry (the server answers a repeated enrolment of one key with
 *    the same device), so a flaky first login never leaves orphan devices behind;
 *  - the record is deleted only by an allowed logout (src/device/account.ts).
 */
import { db, type LangsoDB } from '../store/db';
import type { Alg } from '../sync/signatures';

export const DEVICE_META_KEY = 'device';

export interface DeviceRecord {
  alg: Alg;
  /** Wire form (base64url) of the public key. */
  public_key: string;
  private_key: CryptoKey;
  /** Server device id; absent until enrolled. */
  id?: string;
  user_id: string;
  enrolled_at?: string;
  label?: string;
}

export interface EnrolledDevice extends DeviceRecord {
  id: string;
}

export async function getDevice(d: LangsoDB = db()): Promise<DeviceRecord | undefined> {
  const row = await d.meta.get(DEVICE_META_KEY);
  return (row?.value as DeviceRecord | undefined) ?? undefined;
}

export async function getEnrolledDevice(d: LangsoDB = db()): Promise<EnrolledDevice | undefined> {
  const device = await getDevice(d);
  return device?.id ? (device as EnrolledDevice) : undefined;
}

export async function saveDevice(device: DeviceRecord, d: LangsoDB = db()): Promise<void> {
  await d.meta.put({ key: DEVICE_META_KEY, value: device });
}
