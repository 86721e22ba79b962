/**
 * The offline unlock PIN.
 *
 * The PIN unlocks the DATA KEY that encrypts every personal record at rest (src/store/vault.ts):
 * meta "vault" holds the key wrapped under Argon2id(PIN); a correct PIN is recognised by the
 * wrap's authentication tag, so no PIN verifier is stored. Meta "pin" keeps only the failure
 * counter. Wrong tries are counted persistently (a reload does not reset them): after FREE_TRIES
 * failures each further failure locks the PIN for BASE_LOCK_MS · 2^(failures − FREE_TRIES),
 * capped at MAX_LOCK_MS. Nothing is ever wiped on failures: the outbox may hold the only copy of
 * a volunteer's work (a lost phone is wiped by the server's order instead, src/device/wipe.ts).
 *
 * Installations from before encryption have a PBKDF2 verifier (salt, verifier, iterations): their
 * first correct unlock creates the data key, seals every row (sealExisting) and deletes the
 * verifier, which would otherwise let a copied profile test PINs cheaply.
 */
import { db, type LangsoDB } from '../store/db';
import { sealExisting } from '../store/encrypted';
import {
  ARGON2_PARAMS,
  type Argon2Params,
  currentDataKey,
  escrowKeyInMemory,
  newDataKey,
  rememberEscrowKey,
  setDataKey,
  unwrapKey,
  unwrapWithPin,
  VAULT_META_KEY,
  vaultOpen,
  vaultRecordFor,
  wrapKey,
  type VaultRecord,
} from '../store/vault';
import { b64uDecode } from '../sync/b64u';
import { DeviceError } from './errors';
import { setUnlocked } from './lock';

export const PIN_META_KEY = 'pin';
export const FREE_TRIES = 5;
export const BASE_LOCK_MS = 30_000;
export const MAX_LOCK_MS = 60 * 60 * 1000;
const PIN_RE = /^[0-9]{4,8}$/;

export interface PinRecord {
  /** Legacy PBKDF2 verifier (installations from before encryption); absent once migrated. */
  salt?: string;
  verifier?: string;
  iterations?: number;
  failures: number;
  /** ms since epoch until which tries are refused; 0 when not locked. */
  locked_until: number;
}

export type UnlockResult =
  | { ok: true }
  | { ok: false; reason: 'wrong'; remainingFreeTries: number; lockedUntil: number }
  | { ok: false; reason: 'locked'; lockedUntil: number }
  | { ok: false; reason: 'no_pin' };

async function derive(pin: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, 256);
  return new Uint8Array(bits);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Format rule: 4–8 digits, not all the same digit. Returns a Vietnamese-first error or null. */
export function checkPinFormat(pin: string): DeviceError | null {
  if (!PIN_RE.test(pin) || /^(\d)\1+$/.test(pin)) {
    return new DeviceError(
      'pin_format',
      'Mã PIN gồm 4 đến 8 chữ số và không được trùng một số (ví dụ 1111).',
      'The PIN must be 4 to 8 digits, not all the same digit.',
    );
  }
  return null;
}

export async function getPinRecord(d: LangsoDB = db()): Promise<PinRecord | undefined> {
  return (await d.meta.get(PIN_META_KEY))?.value as PinRecord | undefined;
}

export async function hasPin(d: LangsoDB = db()): Promise<boolean> {
  return (await getPinRecord(d)) !== undefined;
}

export async function getVault(d: LangsoDB = db()): Promise<VaultRecord | undefined> {
  return (await d.meta.get(VAULT_META_KEY))?.value as VaultRecord | undefined;
}

/**
 * Set (or replace) the PIN and unlock. A first PIN creates the data key; a new PIN (change, or
 * after "forgot PIN" unlocked the key by escrow) re-wraps the key in memory. Throws
 * DeviceError('pin_format'), or DeviceError('vault_locked') when a vault exists but its key is
 * not in memory (the old PIN or an online login must unlock it first).
 */
export async function setPin(pin: string, d: LangsoDB = db(), params: Argon2Params = ARGON2_PARAMS): Promise<void> {
  const bad = checkPinFormat(pin);
  if (bad) throw bad;
  const existing = await getVault(d);
  if (existing && !vaultOpen()) {
    throw new DeviceError(
      'vault_locked',
      'Cần mở khoá bằng mã PIN cũ hoặc đăng nhập lại trước khi đặt mã PIN mới.',
      'Unlock with the old PIN or log in again before setting a new PIN.',
    );
  }
  const key = existing ? currentDataKey() : newDataKey();
  const escrowKey = escrowKeyInMemory();
  const record = await vaultRecordFor(pin, key, escrowKey ? await wrapKey(escrowKey, key) : existing?.escrow, params);
  await d.meta.bulkPut([
    { key: VAULT_META_KEY, value: record },
    { key: PIN_META_KEY, value: { failures: 0, locked_until: 0 } satisfies PinRecord },
  ]);
  if (!vaultOpen()) setDataKey(key);
  key.fill(0);
  await sealExisting(d);
  setUnlocked(true);
}

/** Lock duration after the `failures`-th consecutive wrong PIN (0 while free tries remain). */
export function lockDelayMs(failures: number): number {
  if (failures < FREE_TRIES) return 0;
  return Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (failures - FREE_TRIES));
}

/**
 * Check a PIN. A correct one resets the failure count and unlocks the app; a wrong one is
 * counted (persistently) and may lock further tries. While locked, the PIN is not even derived.
 */
export async function unlockWithPin(pin: string, d: LangsoDB = db(), nowMs: number = Date.now()): Promise<UnlockResult> {
  const record = await getPinRecord(d);
  if (!record) return { ok: false, reason: 'no_pin' };
  if (record.locked_until > nowMs) return { ok: false, reason: 'locked', lockedUntil: record.locked_until };
  const vault = await getVault(d);
  let key: Uint8Array | undefined;
  if (vault) key = await unwrapWithPin(vault, pin);
  else if (record.verifier && record.salt && record.iterations) {
    const candidate = await derive(pin, b64uDecode(record.salt), record.iterations);
    if (sameBytes(candidate, b64uDecode(record.verifier))) {
      // First unlock after the update that brought encryption: create the key, seal everything.
      await setPin(pin, d);
      return { ok: true };
    }
  }
  // Re-read: another tab may have counted a failure meanwhile.
  const current = (await getPinRecord(d)) ?? record;
  if (key) {
    await d.meta.put({ key: PIN_META_KEY, value: { ...current, failures: 0, locked_until: 0 } });
    setDataKey(key);
    key.fill(0);
    await sealExisting(d);
    setUnlocked(true);
    return { ok: true };
  }
  const failures = current.failures + 1;
  const delay = lockDelayMs(failures);
  const lockedUntil = delay > 0 ? nowMs + delay : 0;
  await d.meta.put({ key: PIN_META_KEY, value: { ...current, failures, locked_until: lockedUntil } });
  return { ok: false, reason: 'wrong', remainingFreeTries: Math.max(0, FREE_TRIES - failures), lockedUntil };
}

/**
 * The escrow key a password login returned (POST /api/auth/login `escrow_key`): kept in memory
 * for a PIN not yet set; with the key open, (re)wraps it under the escrow key; with the app
 * locked and a wrap present, opens the key — "forgot PIN": the user then sets a new PIN (setPin),
 * and nothing on the device is lost. Returns true when it opened the key.
 */
export async function useEscrowKey(escrowB64u: string, d: LangsoDB = db()): Promise<boolean> {
  if (!escrowB64u) return false;
  const escrow = b64uDecode(escrowB64u);
  rememberEscrowKey(escrow);
  const vault = await getVault(d);
  if (!vault) return false;
  if (vaultOpen()) {
    await d.meta.put({ key: VAULT_META_KEY, value: { ...vault, escrow: await wrapKey(escrow, currentDataKey()) } });
    return false;
  }
  if (!vault.escrow) return false;
  const key = await unwrapKey(escrow, vault.escrow);
  if (!key) return false;
  setDataKey(key);
  key.fill(0);
  return true;
}
