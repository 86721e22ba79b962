/**
 * The offline unlock PIN.
 *
 * Stored in meta "pin": a random 16-byte salt and a PBKDF2-HMAC-SHA-256 verifier (32 bytes,
 * PIN_ITERATIONS rounds) — never the PIN. Wrong tries are counted persistently (a reload does not
 * reset them): after FREE_TRIES failures each further failure locks the PIN for
 * BASE_LOCK_MS · 2^(failures − FREE_TRIES), capped at MAX_LOCK_MS. Nothing is ever wiped on
 * failures: the outbox may hold the only copy of a volunteer's work.
 *
 * What the PIN is NOT: encryption. It gates the UI and signing on a shared phone; the device key
 * stays non-extractable either way.
 */
import { db, type LangsoDB } from '../store/db';
import { b64uDecode, b64uEncode } from '../sync/b64u';
import { DeviceError } from './errors';
import { setUnlocked } from './lock';

export const PIN_META_KEY = 'pin';
export const PIN_ITERATIONS = 250_000;
export const FREE_TRIES = 5;
export const BASE_LOCK_MS = 30_000;
export const MAX_LOCK_MS = 60 * 60 * 1000;
const PIN_RE = /^[0-9]{4,8}$/;

export interface PinRecord {
  salt: string;
  verifier: string;
  iterations: number;
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

/** Set (or replace) the PIN and unlock. Throws DeviceError('pin_format'). */
export async function setPin(pin: string, d: LangsoDB = db(), iterations: number = PIN_ITERATIONS): Promise<void> {
  const bad = checkPinFormat(pin);
  if (bad) throw bad;
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const verifier = await derive(pin, salt, iterations);
  const record: PinRecord = { salt: b64uEncode(salt), verifier: b64uEncode(verifier), iterations, failures: 0, locked_until: 0 };
  await d.meta.put({ key: PIN_META_KEY, value: record });
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
  const candidate = await derive(pin, b64uDecode(record.salt), record.iterations);
  // Re-read: another tab may have counted a failure meanwhile.
  const current = (await getPinRecord(d)) ?? record;
  if (sameBytes(candidate, b64uDecode(record.verifier))) {
    await d.meta.put({ key: PIN_META_KEY, value: { ...current, failures: 0, locked_until: 0 } });
    setUnlocked(true);
    return { ok: true };
  }
  const failures = current.failures + 1;
  const delay = lockDelayMs(failures);
  const lockedUntil = delay > 0 ? nowMs + delay : 0;
  await d.meta.put({ key: PIN_META_KEY, value: { ...current, failures, locked_until: lockedUntil } });
  return { ok: false, reason: 'wrong', remainingFreeTries: Math.max(0, FREE_TRIES - failures), lockedUntil };
}
