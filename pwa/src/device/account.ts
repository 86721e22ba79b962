/**
 * Account life cycle on the device: first login (online) → device key + enrolment → PIN;
 * re-authentication when the token expires (same user, same device key); logout, refused while
 * anything is unsynced.
 *
 * Only volunteers get a device key and a PIN (they sign dossiers offline). Officers and admins use
 * the console online with the token alone; they never sign mutations.
 */
import { disablePush } from '../net/push-subscription';
import { HttpError, login, OfflineError, request } from '../api/http';
import { db, type LangsoDB } from '../store/db';
import { nothingPending, pendingSummary, type PendingSummary, CHAIN_META_KEY } from '../store/outbox';
import { saveSession } from '../store/repo';
import { META_KEYS, type Session, type SessionUser } from '../store/types';
import { canonicalBytes } from '../sync/canonical';
import { generateDeviceKey, sign } from '../sync/signatures';
import { DeviceError } from './errors';
import { DEVICE_META_KEY, getDevice, saveDevice, type DeviceRecord, type EnrolledDevice } from './keystore';
import { lockNow } from './lock';
import { PIN_META_KEY, useEscrowKey } from './pin';
import { ENCRYPTED_TABLES, SEALED_ALL_META_KEY } from '../store/encrypted';
import { forgetDataKey, VAULT_META_KEY, VaultLocked } from '../store/vault';

export const ENROL_PURPOSE = 'langso-enrol-v1';

/** Meta keys the sync loop owns; cleared with the account. */
export const SYNC_META_KEYS = ['sync_status', 'commune_keys', 'reference_synced_at'] as const;

export const needsDevice = (user: SessionUser): boolean => user.role === 'volunteer';

export type Persistence = 'persisted' | 'not_persisted' | 'unsupported';

export interface LoginOutcome {
  session: Session;
  device?: EnrolledDevice;
  persistence: Persistence;
}

function problemText(error: unknown, fallbackVi: string, fallbackEn: string): [string, string] {
  if (error instanceof HttpError) return [error.problem.message_vi ?? fallbackVi, error.problem.message_en ?? fallbackEn];
  if (error instanceof OfflineError) {
    return ['Không kết nối được máy chủ. Hãy kiểm tra mạng rồi thử lại.', 'Cannot reach the server. Check the connection and try again.'];
  }
  return [fallbackVi, fallbackEn];
}

/** The bytes a device signs to prove it holds the key (backend/devices/service.proof_message). */
export function enrolProofMessage(alg: string, publicKey: string, userId: string): Uint8Array {
  return canonicalBytes({ alg, public_key: publicKey, purpose: ENROL_PURPOSE, user_id: userId });
}

/**
 * Make sure this device has an enrolled key for `user`: reuse an enrolled one, reuse a generated
 * but not yet enrolled one (retry), or generate a new non-extractable key; then POST /api/devices
 * with the proof of possession. The key is stored BEFORE the request so a retry sends the same key.
 *
 * @throws DeviceError('enrol_failed') with the server's Vietnamese message.
 */
export async function enrolDevice(session: Session, fetchImpl: typeof fetch = fetch, d: LangsoDB = db()): Promise<EnrolledDevice> {
  let device = await getDevice(d);
  if (device && device.user_id !== session.user.id) {
    throw new DeviceError(
      'enrol_failed',
      'Máy này đang giữ khoá thiết bị của tài khoản khác. Người đó cần đồng bộ và đăng xuất trước.',
      'This phone holds another account’s device key. That user must sync and log out first.',
    );
  }
  if (device?.id) return device as EnrolledDevice;
  if (!device) {
    const key = await generateDeviceKey();
    device = { alg: key.alg, public_key: key.publicKey, private_key: key.privateKey, user_id: session.user.id };
    await saveDevice(device, d);
  }
  const proof = await sign(device.alg, device.private_key, enrolProofMessage(device.alg, device.public_key, session.user.id));
  const label = (typeof navigator !== 'undefined' ? navigator.userAgent : 'device').slice(0, 100);
  let response: Response;
  try {
    response = await request('/api/devices', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ alg: device.alg, public_key: device.public_key, label, proof }),
      token: session.token,
      timeoutMs: 0,
      transport: fetchImpl,
      accept: 'any',
    });
  } catch (error) {
    const [vi, en] = problemText(error, '', '');
    throw new DeviceError('enrol_failed', vi, en);
  }
  // DeviceOut, or the problem's messages
  const body = (await response.json().catch(() => ({}))) as { id?: unknown; message_vi?: string; message_en?: string };
  if (!response.ok || typeof body.id !== 'string') {
    throw new DeviceError(
      'enrol_failed',
      body.message_vi ?? `Không đăng ký được thiết bị (HTTP ${response.status}).`,
      body.message_en ?? `Device enrolment failed (HTTP ${response.status}).`,
    );
  }
  const enrolled: EnrolledDevice = { ...device, id: body.id, enrolled_at: new Date().toISOString(), label };
  await d.transaction('rw', d.meta, async () => {
    await saveDevice(enrolled, d);
    await d.meta.put({ key: META_KEYS.deviceId, value: body.id });
    await d.meta.delete(CHAIN_META_KEY); // a new device starts a new chain at n = 1
  });
  return enrolled;
}

/** Ask the browser not to evict our data; returns the outcome to show. */
export async function requestPersistence(): Promise<Persistence> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage?.persist) return 'unsupported';
  try {
    if (await storage.persisted?.()) return 'persisted';
    return (await storage.persist()) ? 'persisted' : 'not_persisted';
  } catch {
    return 'not_persisted';
  }
}

/**
 * First login (online): POST /api/auth/login, then — for volunteers — the device key and its
 * enrolment. The session is saved only after enrolment succeeded, so a half-done login leaves no
 * session behind (the generated key is kept and reused on the next try).
 *
 * @throws HttpError / OfflineError from login, DeviceError('enrol_failed').
 */
export async function firstLogin(username: string, password: string, fetchImpl: typeof fetch = fetch, d: LangsoDB = db()): Promise<LoginOutcome> {
  const { session, escrow } = await passwordLogin(username, password, fetchImpl);
  // Unsynced work of another account must never be signed with this account's key.
  const previous = (await d.meta.get(META_KEYS.session))?.value as Session | undefined;
  // With the previous account's data key locked away its outbox cannot even be read: refuse too.
  const summary = previous && previous.user.id !== session.user.id ? await pendingSummary(d).catch((e: unknown) => {
    if (e instanceof VaultLocked) return null;
    throw e;
  }) : undefined;
  if (previous && previous.user.id !== session.user.id && (summary === null || (summary && logoutRefusal(summary)))) {
    throw new DeviceError(
      'enrol_failed',
      `Máy này còn dữ liệu chưa đồng bộ của tài khoản ${previous.user.username}. Hãy đăng nhập bằng tài khoản đó để đồng bộ trước.`,
      `This phone holds unsynced data of ${previous.user.username}. Log in with that account and sync first.`,
    );
  }
  if (previous && previous.user.id !== session.user.id) await forgetOtherAccountsData(d);
  let device: EnrolledDevice | undefined;
  if (needsDevice(session.user)) device = await enrolDevice(session, fetchImpl, d);
  await saveSession(session, d);
  await useEscrowKey(escrow, d);
  const persistence = await requestPersistence();
  return device ? { session, device, persistence } : { session, persistence };
}

/**
 * POST /api/auth/login, keeping the escrow key (src/store/vault.ts) out of the session that is
 * stored: it must never rest on the phone in clear.
 */
async function passwordLogin(username: string, password: string, fetchImpl: typeof fetch): Promise<{ session: Session; escrow: string }> {
  const body = (await login(username, password, fetchImpl)) as Session & { escrow_key?: unknown };
  const { escrow_key: escrow, ...session } = body;
  return { session, escrow: typeof escrow === 'string' ? escrow : '' };
}

/**
 * Another account logs in on this phone (the previous one has nothing signed pending): its
 * encrypted rows cannot be opened with the new account's key, so they go with its key and PIN.
 */
async function forgetOtherAccountsData(d: LangsoDB): Promise<void> {
  forgetDataKey();
  await d.transaction('rw', [d.meta, ...ENCRYPTED_TABLES.map((t) => d.table(t))], async () => {
    for (const t of ENCRYPTED_TABLES) await d.table(t).clear();
    await d.meta.bulkDelete([VAULT_META_KEY, PIN_META_KEY, SEALED_ALL_META_KEY]);
  });
}

/**
 * New token for the SAME user when the old one expired (sync answers 401), keeping the device key,
 * the PIN and every local row. Refuses another account: that would mix two users' data.
 */
export async function reauthenticate(password: string, fetchImpl: typeof fetch = fetch, d: LangsoDB = db()): Promise<Session> {
  const current = (await d.meta.get(META_KEYS.session))?.value as Session | undefined;
  if (!current) throw new DeviceError('no_session', 'Chưa đăng nhập.', 'Not logged in.');
  const { session, escrow } = await passwordLogin(current.user.username, password, fetchImpl);
  if (session.user.id !== current.user.id) {
    throw new DeviceError('no_session', 'Tài khoản không khớp với tài khoản trên máy.', 'This is not the account of this device.');
  }
  await saveSession(session, d);
  // "Forgot PIN" goes through here: the escrow key opens the data key (useEscrowKey).
  await useEscrowKey(escrow, d);
  return session;
}

/**
 * Vietnamese-first explanation of why logout is refused, or null when it is allowed. Only what is
 * signed and not yet on the server blocks it; unsigned drafts never do (Settings asks before
 * logout destroys them).
 */
export function logoutRefusal(summary: PendingSummary): DeviceError | null {
  if (nothingPending(summary)) return null;
  const since = summary.oldestAt === null ? '' : new Date(summary.oldestAt).toLocaleString('vi-VN');
  const sinceEn = summary.oldestAt === null ? '' : new Date(summary.oldestAt).toISOString().slice(0, 16).replace('T', ' ');
  return new DeviceError(
    'logout_refused',
    `Chưa thể đăng xuất: còn ${summary.dossiers} hồ sơ đã ký, ${summary.mutations} thay đổi, ${summary.files} tệp và ${summary.signatures} chữ ký chưa gửi` +
      (since ? ` (từ ${since})` : '') +
      '. Đăng xuất sẽ xoá chúng cùng khoá thiết bị. Hãy đồng bộ trước.',
    `Cannot log out: ${summary.dossiers} signed dossiers, ${summary.mutations} changes, ${summary.files} files and ${summary.signatures} signatures are not sent` +
      (sinceEn ? ` (since ${sinceEn} UTC)` : '') +
      '. Logging out would destroy them and the device key. Sync first.',
  );
}

/**
 * Log out: refused (DeviceError 'logout_refused') while pendingSummary shows unsynced data.
 * Otherwise revoke the token on the server (best effort), then destroy the device key, PIN, token
 * and the local replica (everything signed in it is on the server; unsigned drafts go too — the
 * caller confirms that with the volunteer first), keeping only the catalogue.
 */
export async function logout(fetchImpl: typeof fetch = fetch, d: LangsoDB = db()): Promise<void> {
  const refusal = logoutRefusal(await pendingSummary(d));
  if (refusal) throw refusal;
  const session = (await d.meta.get(META_KEYS.session))?.value as Session | undefined;
  // Stop notices for this user while the token still works (best effort: offline, the push
  // service's 410 removes the server's row later).
  await disablePush().catch(() => undefined);
  if (session) {
    try {
      await request('/api/auth/logout', { method: 'POST', token: session.token, timeoutMs: 0, transport: fetchImpl, accept: 'any' });
    } catch {
      /* offline: the token simply expires */
    }
  }
  // Every table (incl. ones added by later schema versions) except the shared catalogue.
  const replica = d.tables.filter((table) => table.name !== 'meta' && table.name !== 'procedures');
  await d.transaction('rw', [d.meta, ...replica], async () => {
    // Re-check inside the transaction: a mutation queued meanwhile must not be destroyed.
    const again = logoutRefusal(await pendingSummary(d));
    if (again) throw again;
    const metaKeys = [META_KEYS.session, META_KEYS.deviceId, META_KEYS.cursor, DEVICE_META_KEY, PIN_META_KEY, VAULT_META_KEY, SEALED_ALL_META_KEY, CHAIN_META_KEY, ...SYNC_META_KEYS];
    await d.meta.bulkDelete(metaKeys);
    for (const table of replica) await table.clear();
  });
  lockNow();
}

export type { DeviceRecord };
