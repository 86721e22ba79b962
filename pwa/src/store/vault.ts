/**
 * The data key that encrypts personal records at rest (docs/privacy.md, "The phone").
 *
 * Key hierarchy:
 *  - DATA KEY: 32 random bytes (AES-256). It lives in this module's memory only while the app is
 *    unlocked; `forgetDataKey` (called on every lock, src/device/lock.ts) zeroes it.
 *  - PIN WRAP: AES-GCM(KEK, data key) with KEK = Argon2id(PIN, salt, ARGON2_PARAMS) — a
 *    memory-hard derivation so that guessing the PIN from a copied profile costs ARGON2 work per
 *    guess (figures in docs/privacy.md). A correct PIN is recognised by the GCM tag, so no PIN
 *    verifier is stored at all.
 *  - ESCROW WRAP: AES-GCM(escrow key, data key) where the escrow key is the user's server-held key
 *    returned only by a full password login (POST /api/auth/login, `escrow_key`). "Forgot PIN"
 *    = online login → unwrap with the escrow key → set a new PIN; the outbox is never lost.
 *
 * Records are sealed with AES-256-GCM, a fresh 96-bit random nonce per write and the table name
 * as associated data. The record cipher is @noble/ciphers (audited, synchronous) rather than
 * WebCrypto: WebCrypto is asynchronous and an IndexedDB transaction commits as soon as it waits on
 * anything else, so a transparent store layer (src/store/encrypted.ts) can only use a synchronous
 * cipher. Key wrapping happens outside transactions and uses WebCrypto.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { b64uDecode, b64uEncode } from '../sync/b64u';

export const VAULT_META_KEY = 'vault';
export const NONCE_BYTES = 12;

/**
 * Argon2id cost: 19 MiB, 2 passes, 1 lane — OWASP's minimum recommended profile, chosen so that an
 * unlock stays well under 1.5 s on a low-end phone (bench/vault_unlock_search.py, CPU 4× slower).
 */
export const ARGON2_PARAMS = { memoryKiB: 19_456, iterations: 2, parallelism: 1 } as const;

export interface Argon2Params {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

export interface Wrap {
  nonce: string;
  ct: string;
}

export interface VaultRecord {
  version: 1;
  kdf: { alg: 'argon2id'; salt: string } & Argon2Params;
  pin: Wrap;
  escrow?: Wrap;
}

/** Thrown when personal data is read or written while the app is locked. */
export class VaultLocked extends Error {
  readonly message_vi = 'Ứng dụng đang khoá. Hãy nhập mã PIN.';
  readonly message_en = 'The app is locked. Enter the PIN.';
  constructor() {
    super('Ứng dụng đang khoá. Hãy nhập mã PIN. / The app is locked. Enter the PIN.');
    this.name = 'VaultLocked';
  }
}

let dataKey: Uint8Array | undefined;
const listeners = new Set<(open: boolean) => void>();

export function vaultOpen(): boolean {
  return dataKey !== undefined;
}

/** Subscribe to the key being set or forgotten (search index lifetime); returns unsubscribe. */
export function onVaultChange(listener: (open: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function setDataKey(key: Uint8Array): void {
  if (key.length !== 32) throw new Error('data key must be 32 bytes');
  dataKey = new Uint8Array(key);
  for (const l of listeners) l(true);
}

/** Zeroes and drops the key: nothing personal can be read or written until the next unlock. */
export function forgetDataKey(): void {
  if (!dataKey) return;
  dataKey.fill(0);
  dataKey = undefined;
  for (const l of listeners) l(false);
}

/** A copy of the key (only to wrap it); throws VaultLocked when locked. */
export function currentDataKey(): Uint8Array {
  if (!dataKey) throw new VaultLocked();
  return new Uint8Array(dataKey);
}

// The escrow key of the last password login, in memory only: wraps the data key when the first
// PIN creates it (the login comes before the PIN on a new phone).
let escrowKey: Uint8Array | undefined;

export function rememberEscrowKey(key: Uint8Array | undefined): void {
  escrowKey = key ? new Uint8Array(key) : undefined;
}

export function escrowKeyInMemory(): Uint8Array | undefined {
  return escrowKey;
}

export function newDataKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}

// ---------------------------------------------------------------------------------------------
// Blob bytes: a Blob's bytes can only be read asynchronously, so whoever creates a Blob that will
// be stored registers its bytes here (storableBlob); decrypted Blobs are registered likewise.
const blobBytes = new WeakMap<Blob, Uint8Array>();

/** A Blob whose bytes the store can encrypt synchronously. */
export function storableBlob(bytes: Uint8Array, type: string): Blob {
  const copy = new Uint8Array(bytes);
  const blob = new Blob([copy], { type });
  blobBytes.set(blob, copy);
  return blob;
}

export class UnregisteredBlob extends Error {
  constructor() {
    super('A Blob stored in an encrypted table must come from storableBlob().');
    this.name = 'UnregisteredBlob';
  }
}

// ---------------------------------------------------------------------------------------------
// Record codec: JSON for the structure, raw bytes appended for Uint8Arrays and Blobs.

type Marker = { $bin: [number, number] } | { $blob: [number, number]; type: string };

export function packRecord(value: unknown): Uint8Array {
  const bins: Uint8Array[] = [];
  let offset = 0;
  const add = (bytes: Uint8Array): [number, number] => {
    bins.push(bytes);
    const at: [number, number] = [offset, bytes.length];
    offset += bytes.length;
    return at;
  };
  const json = JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    if (raw instanceof Uint8Array) return { $bin: add(raw) } satisfies Marker;
    if (raw instanceof ArrayBuffer) return { $bin: add(new Uint8Array(raw)) } satisfies Marker;
    if (raw instanceof Blob) {
      const bytes = blobBytes.get(raw);
      if (!bytes) throw new UnregisteredBlob();
      return { $blob: add(bytes), type: raw.type } satisfies Marker;
    }
    return v;
  });
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(4 + head.length + offset);
  new DataView(out.buffer).setUint32(0, head.length);
  out.set(head, 4);
  let at = 4 + head.length;
  for (const b of bins) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

export function unpackRecord(bytes: Uint8Array): unknown {
  const headLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  const json = new TextDecoder().decode(bytes.subarray(4, 4 + headLength));
  const base = 4 + headLength;
  return JSON.parse(json, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const m = v as Partial<{ $bin: [number, number]; $blob: [number, number]; type: string }>;
      if (m.$bin) return bytes.slice(base + m.$bin[0], base + m.$bin[0] + m.$bin[1]);
      if (m.$blob) return storableBlob(bytes.subarray(base + m.$blob[0], base + m.$blob[0] + m.$blob[1]), m.type ?? '');
    }
    return v;
  });
}

/** AES-256-GCM with a fresh random 96-bit nonce: nonce ‖ ciphertext ‖ tag. */
export function seal(plain: Uint8Array, aad: Uint8Array, key: Uint8Array = currentDataKeyRef()): Uint8Array {
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const ct = gcm(key, nonce, aad).encrypt(plain);
  const out = new Uint8Array(NONCE_BYTES + ct.length);
  out.set(nonce, 0);
  out.set(ct, NONCE_BYTES);
  return out;
}

export function open(sealed: Uint8Array, aad: Uint8Array, key: Uint8Array = currentDataKeyRef()): Uint8Array {
  return gcm(key, sealed.subarray(0, NONCE_BYTES), aad).decrypt(sealed.subarray(NONCE_BYTES));
}

function currentDataKeyRef(): Uint8Array {
  if (!dataKey) throw new VaultLocked();
  return dataKey;
}

// ---------------------------------------------------------------------------------------------
// Key wrapping (WebCrypto AES-GCM, outside any transaction).

const WRAP_AAD = new TextEncoder().encode('langso-data-key-v1');

async function aesKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new Uint8Array(raw), 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export async function wrapKey(kek: Uint8Array, key: Uint8Array): Promise<Wrap> {
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: WRAP_AAD }, await aesKey(kek), new Uint8Array(key));
  return { nonce: b64uEncode(nonce), ct: b64uEncode(new Uint8Array(ct)) };
}

/** The unwrapped key, or undefined when `kek` is not the key that wrapped it (wrong PIN). */
export async function unwrapKey(kek: Uint8Array, wrap: Wrap): Promise<Uint8Array | undefined> {
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: b64uDecode(wrap.nonce), additionalData: WRAP_AAD },
      await aesKey(kek),
      b64uDecode(wrap.ct),
    );
    return new Uint8Array(plain);
  } catch {
    return undefined;
  }
}

/** KEK = Argon2id(PIN, salt) — 32 bytes. */
export async function pinKek(pin: string, salt: Uint8Array, params: Argon2Params = ARGON2_PARAMS): Promise<Uint8Array> {
  // Loaded when a PIN is first set or typed, not with the app: its inline WebAssembly would
  // otherwise weigh on the volunteer entry budget. The chunk is precached like every other.
  const { argon2id } = await import('hash-wasm');
  return argon2id({
    password: pin,
    salt,
    parallelism: params.parallelism,
    iterations: params.iterations,
    memorySize: params.memoryKiB,
    hashLength: 32,
    outputType: 'binary',
  });
}

/** A new vault record for `key` under `pin` (keeps an existing escrow wrap if given). */
export async function vaultRecordFor(pin: string, key: Uint8Array, escrow?: Wrap, params: Argon2Params = ARGON2_PARAMS): Promise<VaultRecord> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const kek = await pinKek(pin, salt, params);
  const record: VaultRecord = {
    version: 1,
    kdf: { alg: 'argon2id', salt: b64uEncode(salt), ...params },
    pin: await wrapKey(kek, key),
  };
  kek.fill(0);
  if (escrow) record.escrow = escrow;
  return record;
}

/** The data key if `pin` is right, else undefined. */
export async function unwrapWithPin(record: VaultRecord, pin: string): Promise<Uint8Array | undefined> {
  const kek = await pinKek(pin, b64uDecode(record.kdf.salt), record.kdf);
  try {
    return await unwrapKey(kek, record.pin);
  } finally {
    kek.fill(0);
  }
}
