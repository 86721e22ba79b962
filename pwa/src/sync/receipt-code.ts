/**
 * Provisional receipt codes "XXXX-XXXX-C" (SPEC §RC), twin of sync/receipt_code.py.
 *
 * Eight Crockford base32 symbols carry the first 40 bits of SHA-256(seed); C is the Crockford
 * mod-37 check symbol of that number, which catches every single-symbol error and adjacent swap.
 * 40-bit values fit exactly in a double, so plain arithmetic is used (no bitwise ops past 32 bits).
 */
import { ReceiptCodeInvalid } from './core-errors';
import { sha256 } from './hashing';

export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CHECK_ALPHABET = ALPHABET + '*~$=U';
const ALIASES: Readonly<Record<string, string>> = { I: '1', L: '1', O: '0' };

/** RC1: UTF-8 of "<dossierId>|<receivedAtMs in decimal>". */
export function receiptSeed(dossierId: string, receivedAtMs: number): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${dossierId}|${receivedAtMs}`);
}

function format(value: number): string {
  let body = '';
  for (let i = 7; i >= 0; i--) body += ALPHABET[Math.floor(value / 32 ** i) % 32];
  return `${body.slice(0, 4)}-${body.slice(4)}-${CHECK_ALPHABET[value % 37]}`;
}

/** Code for `seed`: value = first 5 bytes of SHA-256(seed), big-endian (RC2, RC3). */
export async function receiptCode(seed: Uint8Array): Promise<string> {
  const digest = await sha256(seed);
  let value = 0;
  for (let i = 0; i < 5; i++) value = value * 256 + digest[i]!;
  return format(value);
}

export function receiptCodeFor(dossierId: string, receivedAtMs: number): Promise<string> {
  return receiptCode(receiptSeed(dossierId, receivedAtMs));
}

/**
 * Display form of a typed code, or throw (RC4). Tolerated: lowercase, missing or extra hyphens,
 * spaces, and the confusables I/L → 1, O → 0 anywhere. Codes: `bad_receipt_code` (length or
 * symbol), `receipt_check_mismatch` (well-formed, wrong check symbol).
 */
export function validateReceiptCode(text: string): string {
  if (typeof text !== 'string') throw new ReceiptCodeInvalid('Mã biên nhận phải là chuỗi / receipt code must be a string');
  // Array.from: count code points, as Python's len() does.
  const cleaned = Array.from(text.toUpperCase())
    .filter((ch) => ch !== '-' && ch !== ' ')
    .map((ch) => ALIASES[ch] ?? ch);
  if (cleaned.length !== 9) throw new ReceiptCodeInvalid('Mã biên nhận phải có 9 ký tự / receipt code must have 9 symbols');
  let value = 0;
  for (const ch of cleaned.slice(0, 8)) {
    const digit = ALPHABET.indexOf(ch);
    if (ch.length !== 1 || digit < 0) {
      throw new ReceiptCodeInvalid(`Ký tự không hợp lệ «${ch}» / invalid symbol ${JSON.stringify(ch)} in receipt code`);
    }
    value = value * 32 + digit;
  }
  const check = cleaned[8]!;
  if (check.length !== 1 || !CHECK_ALPHABET.includes(check)) {
    throw new ReceiptCodeInvalid(`Ký tự kiểm tra không hợp lệ «${check}» / invalid check symbol ${JSON.stringify(check)}`);
  }
  if (CHECK_ALPHABET[value % 37] !== check) {
    throw new ReceiptCodeInvalid(
      'Mã biên nhận sai (ký tự kiểm tra không khớp) / receipt code check symbol mismatch',
      'receipt_check_mismatch',
    );
  }
  return format(value);
}
