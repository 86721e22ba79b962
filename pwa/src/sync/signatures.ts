/**
 * Ed25519 and ES256 signatures over exact bytes (SPEC §SIG), twin of sync/signatures.py, on
 * WebCrypto (hence async). Wire forms are what WebCrypto produces:
 *  - public keys: Ed25519 raw 32 bytes; P-256 uncompressed point 0x04‖X‖Y (65 bytes);
 *  - signatures: 64 bytes (Ed25519 RFC 8032; ES256 raw r‖s, not DER);
 *  - all byte strings base64url without padding, strictly decoded (SIG3).
 * Check order of verify (SIG6): bad_alg → bad_key → bad_signature (encoding/length) → bad_signature.
 */
import { b64uDecode, b64uEncode } from './b64u';
import { MalformedKey, SignatureInvalid, UnsupportedAlgorithm } from './core-errors';
import { asBuffer, bytesToHex, sha256 } from './hashing';

export type Alg = 'Ed25519' | 'ES256';
export const ALGORITHMS: readonly Alg[] = ['Ed25519', 'ES256'];

/** A device (or test) signing key: the private half never leaves WebCrypto. */
export interface DeviceKey {
  readonly alg: Alg;
  readonly privateKey: CryptoKey;
  /** Wire form of the public key (SIG2), base64url. */
  readonly publicKey: string;
}

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const EC_IMPORT: EcKeyImportParams = { name: 'ECDSA', namedCurve: 'P-256' };
const EC_SIGN: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
// PKCS#8 wrappers for a raw 32-byte secret (Ed25519 seed / P-256 scalar without public point).
const ED_PKCS8 = '302e020100300506032b657004220420';
const EC_PKCS8 = '308141020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420';

function checkAlg(alg: string): Alg {
  if (alg === 'Ed25519' || alg === 'ES256') return alg;
  throw new UnsupportedAlgorithm(`Thuật toán chữ ký không được hỗ trợ: ${JSON.stringify(alg)} / unsupported signature algorithm`);
}

const badKey = (why: string): MalformedKey => new MalformedKey(`Khoá công khai không hợp lệ / malformed public key: ${why}`);
const badSig = (why: string): SignatureInvalid => new SignatureInvalid(`Chữ ký không hợp lệ / invalid signature: ${why}`);

function bigFrom(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function concat(a: ArrayLike<number>, b: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const fromHex = (hex: string): number[] => hex.match(/../g)!.map((h) => parseInt(h, 16));

/** Decode and validate a wire public key into a verify-only CryptoKey. Throws bad_alg / bad_key. */
export async function importPublicKey(alg: string, publicKeyB64u: string): Promise<CryptoKey> {
  const checked = checkAlg(alg);
  let raw: Uint8Array<ArrayBuffer>;
  try {
    raw = b64uDecode(publicKeyB64u);
  } catch {
    throw badKey('base64url');
  }
  if (checked === 'Ed25519') {
    if (raw.length !== 32) throw badKey(`Ed25519 key must be 32 bytes, got ${raw.length}`);
    try {
      return await crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, true, ['verify']);
    } catch {
      throw badKey('not an Ed25519 point');
    }
  }
  // Length and prefix first: some WebCrypto implementations accept compressed points.
  if (raw.length !== 65 || raw[0] !== 0x04) throw badKey('P-256 key must be 65 bytes 0x04‖X‖Y (uncompressed)');
  try {
    return await crypto.subtle.importKey('raw', raw, EC_IMPORT, true, ['verify']);
  } catch {
    throw badKey('point is not on P-256');
  }
}

/**
 * Verify `signatureB64u` over exactly `message`; resolves on success, rejects with bad_alg, bad_key
 * or bad_signature (SIG6). High-S ES256 signatures are accepted (SIG5).
 */
export async function verify(alg: string, publicKeyB64u: string, message: Uint8Array, signatureB64u: string): Promise<void> {
  const key = await importPublicKey(alg, publicKeyB64u);
  let sig: Uint8Array<ArrayBuffer>;
  try {
    sig = b64uDecode(signatureB64u);
  } catch {
    throw badSig('base64url');
  }
  if (sig.length !== 64) throw badSig(`signature must be 64 bytes, got ${sig.length}`);
  let ok: boolean;
  if (alg === 'Ed25519') {
    ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, sig, asBuffer(message)).catch(() => false);
  } else {
    const r = bigFrom(sig.subarray(0, 32));
    const s = bigFrom(sig.subarray(32));
    if (!(r > 0n && r < P256_ORDER && s > 0n && s < P256_ORDER)) throw badSig('r or s out of range');
    ok = await crypto.subtle.verify(EC_SIGN, key, sig, asBuffer(message)).catch(() => false);
  }
  if (!ok) throw badSig('verification failed');
}

function algOfKey(key: CryptoKey): Alg | null {
  const a = key.algorithm as EcKeyAlgorithm;
  if (a.name === 'Ed25519') return 'Ed25519';
  if (a.name === 'ECDSA' && a.namedCurve === 'P-256') return 'ES256';
  return null;
}

/**
 * Sign `message` with a private CryptoKey; returns the wire signature. Ed25519 is deterministic,
 * ES256 randomised. Throws bad_alg if `alg` does not match the key.
 */
export async function sign(alg: string, privateKey: CryptoKey, message: Uint8Array): Promise<string> {
  const checked = checkAlg(alg);
  if (algOfKey(privateKey) !== checked) {
    throw new UnsupportedAlgorithm(`Khoá không dùng được với ${checked} / key does not match algorithm ${checked}`);
  }
  const params = checked === 'Ed25519' ? { name: 'Ed25519' } : EC_SIGN;
  return b64uEncode(new Uint8Array(await crypto.subtle.sign(params, privateKey, asBuffer(message))));
}

/** Wire form of a public CryptoKey (raw export: 32 bytes Ed25519, 65 bytes P-256). */
export async function exportPublicKey(publicKey: CryptoKey): Promise<string> {
  return b64uEncode(new Uint8Array(await crypto.subtle.exportKey('raw', publicKey)));
}

/**
 * Build a signing key from 32 raw bytes: Ed25519 seed or P-256 big-endian scalar d (1 ≤ d < n).
 * For vectors, tests and tools (twin of private_key_from_bytes + public_key_b64u); devices use
 * generateDeviceKey. The returned private key is not extractable. Throws bad_alg / bad_key.
 */
export async function deviceKeyFromBytes(alg: string, raw: Uint8Array): Promise<DeviceKey> {
  const checked = checkAlg(alg);
  if (raw.length !== 32) throw new MalformedKey('Khoá bí mật phải dài 32 byte / private key must be 32 bytes');
  if (checked === 'ES256') {
    const d = bigFrom(raw);
    if (!(d > 0n && d < P256_ORDER)) throw new MalformedKey('Khoá bí mật P-256 ngoài miền / P-256 scalar out of range');
  }
  const pkcs8 = concat(fromHex(checked === 'Ed25519' ? ED_PKCS8 : EC_PKCS8), raw);
  const params = checked === 'Ed25519' ? { name: 'Ed25519' } : EC_IMPORT;
  try {
    // Imported once extractable only to read the public half from its JWK, then again locked.
    const open = await crypto.subtle.importKey('pkcs8', pkcs8, params, true, ['sign']);
    const jwk = await crypto.subtle.exportKey('jwk', open);
    const x = b64uDecode(jwk.x ?? '');
    const pub = checked === 'Ed25519' ? x : concat([0x04, ...x], b64uDecode(jwk.y ?? ''));
    const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, params, false, ['sign']);
    return { alg: checked, privateKey, publicKey: b64uEncode(pub) };
  } catch {
    throw new MalformedKey('Không nhập được khoá bí mật / cannot import private key');
  }
}

async function tryGenerate(alg: Alg): Promise<DeviceKey> {
  const pair = (await crypto.subtle.generateKey(
    alg === 'Ed25519' ? { name: 'Ed25519' } : EC_IMPORT,
    false,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const publicKey = await exportPublicKey(pair.publicKey);
  // Round trip: some engines generate keys for algorithms they then cannot use.
  const probe = new Uint8Array([0x6c, 0x73]);
  await verify(alg, publicKey, probe, await sign(alg, pair.privateKey, probe));
  return { alg, privateKey: pair.privateKey, publicKey };
}

/**
 * A fresh device key: Ed25519 when this engine supports it, else ECDSA P-256 — decided by trying,
 * never by user-agent sniffing. The private key is non-extractable (it can be stored in IndexedDB
 * as a CryptoKey but never read out); the public key is returned in wire form.
 */
export async function generateDeviceKey(): Promise<DeviceKey> {
  try {
    return await tryGenerate('Ed25519');
  } catch {
    return tryGenerate('ES256');
  }
}

/**
 * Short stable id of a public key (SIG7): first 16 lowercase hex characters of
 * SHA-256(ASCII(alg) ‖ ":" ‖ raw public key). Validates the key first (bad_alg / bad_key).
 */
export async function keyId(alg: string, publicKeyB64u: string): Promise<string> {
  const checked = checkAlg(alg);
  await importPublicKey(checked, publicKeyB64u);
  const digest = await sha256(concat(new TextEncoder().encode(`${checked}:`), b64uDecode(publicKeyB64u)));
  return bytesToHex(digest).slice(0, 16);
}
