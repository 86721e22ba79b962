/** SHA-256 helpers (SPEC §HASH), via WebCrypto — hence async. */

/** The `prev` of a device's first mutation (n = 1): 64 zeros (HASH2). */
export const GENESIS = '0'.repeat(64);

/** Lowercase hex of `bytes`. */
export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += (b < 16 ? '0' : '') + b.toString(16);
  return out;
}

/** WebCrypto wants an ArrayBuffer-backed view; copy only when given a shared/other buffer. */
export function asBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

export async function sha256(data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', asBuffer(data)));
}

/** Lowercase hex SHA-256 of `data`, 64 characters (HASH1). */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  return bytesToHex(await sha256(data));
}
