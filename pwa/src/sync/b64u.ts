/**
 * base64url without padding (RFC 4648 §5), decoded strictly (SPEC SIG3): alphabet `A–Z a–z 0–9 - _`
 * only, no `=`, no whitespace, length ≢ 1 (mod 4), unused trailing bits zero — so every byte string
 * has exactly one accepted encoding. Hand-written (not atob) because atob tolerates whitespace and
 * padding and does not check trailing bits.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const STRICT = /^[A-Za-z0-9_-]*$/;

export function b64uEncode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

/** Strict decode; throws a plain Error (callers map it to bad_key / bad_signature). */
export function b64uDecode(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string' || !STRICT.test(text) || text.length % 4 === 1) {
    throw new Error('not strict base64url');
  }
  const out = new Uint8Array((text.length * 3) >> 2);
  let acc = 0;
  let bits = 0;
  let j = 0;
  for (let i = 0; i < text.length; i++) {
    acc = ((acc << 6) | ALPHABET.indexOf(text[i]!)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) throw new Error('non-zero trailing bits in base64url');
  return out;
}
