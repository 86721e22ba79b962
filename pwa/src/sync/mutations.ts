/**
 * The signed mutation envelope and per-device hash chain (SPEC §MUT), twin of sync/mutations.py.
 *
 * A push item is `{"payload": "<canonical JSON text>", "sig": "<base64url>"}`; the signature covers
 * the UTF-8 bytes of `payload` exactly, and those bytes must be the RFC 8785 canonical form of the
 * mutation object (so they can be re-derived and hashed into the chain).
 *
 * Record shapes keep the wire's snake_case member names (`entity_id`), so they can be stored and
 * sent without mapping.
 */
import { canonicalBytes, LONE_SURROGATE, parseCanonical, type Json } from './canonical';
import { CanonicalError, MutationInvalid } from './core-errors';
import { GENESIS, sha256Hex } from './hashing';
import { isUuid, parseHlc } from './hlc';
import { sign, verify } from './signatures';
import { ACTIONS } from './states';

export const VERSION = 1;
export const ENTITIES = ['household', 'member', 'dossier', 'rating'] as const;
export const OPS = ['create', 'update', 'submit', 'delete', 'transition'] as const;
export type Entity = (typeof ENTITIES)[number];
export type Op = (typeof OPS)[number];
/** submit/supplement are expressed by op "submit" (MUT7); every other action by op "transition". */
export const TRANSITION_ACTIONS: readonly string[] = ACTIONS.filter((a) => a !== 'submit' && a !== 'supplement');
/** Order in which shape checks run (MUT5): the first failing key names the error. */
export const MUTATION_KEYS = ['v', 'id', 'device', 'n', 'prev', 'hlc', 'entity', 'entity_id', 'op', 'base', 'fields'] as const;
export const FIELD_KEY_MAX = 64;
const FIELD_KEY_RE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const HEX64 = /^[0-9a-f]{64}$/;

export type Fields = { [name: string]: Json };

/** The eleven members of a mutation (MUT1). */
export interface MutationPayload {
  readonly v: number;
  readonly id: string;
  readonly device: string;
  readonly n: number;
  readonly prev: string;
  readonly hlc: string;
  readonly entity: Entity;
  readonly entity_id: string;
  readonly op: Op;
  readonly base: number;
  readonly fields: Fields;
}

/** A validated mutation: `payload` holds the exact canonical bytes, `hash` their SHA-256 hex (MUT8). */
export interface Mutation extends MutationPayload {
  readonly payload: Uint8Array;
  readonly hash: string;
}

/** A push item (MUT2). */
export interface SignedMutation {
  readonly payload: string;
  readonly sig: string;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const oneOf = (v: unknown, options: readonly string[]): v is string => typeof v === 'string' && options.includes(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(key: string, why: string): MutationInvalid {
  return new MutationInvalid(`Trường «${key}» không hợp lệ / field '${key}' is invalid: ${why}`, `bad_field:${key}`);
}

function checkKey(obj: Record<string, unknown>, key: (typeof MUTATION_KEYS)[number]): unknown {
  if (!hasOwn(obj, key)) throw new MutationInvalid(`Thiếu trường «${key}» / missing field '${key}'`, `missing_field:${key}`);
  const value = obj[key];
  switch (key) {
    case 'v':
      if (!isInt(value)) throw bad(key, 'must be an integer');
      if (value !== VERSION) {
        throw new MutationInvalid(`Phiên bản ${value} không được hỗ trợ / unsupported version ${value}`, 'unsupported_version');
      }
      break;
    case 'id':
    case 'device':
    case 'entity_id':
      if (!isUuid(value)) throw bad(key, 'must be a lowercase 8-4-4-4-12 uuid');
      break;
    case 'n':
      if (!isInt(value) || value < 1) throw bad(key, 'must be an integer >= 1');
      break;
    case 'prev':
      if (typeof value !== 'string' || !HEX64.test(value)) throw bad(key, 'must be 64 lowercase hex characters');
      break;
    case 'hlc':
      try {
        parseHlc(value);
      } catch {
        throw bad(key, 'malformed HLC');
      }
      break;
    case 'entity':
      if (!oneOf(value, ENTITIES)) throw bad(key, `must be one of ${ENTITIES.join(', ')}`);
      break;
    case 'op':
      if (!oneOf(value, OPS)) throw bad(key, `must be one of ${OPS.join(', ')}`);
      break;
    case 'base':
      if (!isInt(value) || value < 0) throw bad(key, 'must be an integer >= 0');
      break;
    case 'fields':
      if (!isObject(value)) throw bad(key, 'must be an object');
      for (const name of Object.keys(value)) {
        if (name.length > FIELD_KEY_MAX || !FIELD_KEY_RE.test(name)) throw bad(key, `bad field name ${JSON.stringify(name)}`);
      }
      break;
  }
  return value;
}

/**
 * Shape checks MUT4–MUT7 on a parsed mutation object; throws the first error (`bad_payload`,
 * `missing_field:<k>`, `bad_field:<k>`, `unsupported_version`, `unknown_field:<k>`). Synchronous, so
 * the UI can check a payload before signing it.
 */
export function checkMutation(obj: unknown): MutationPayload {
  if (!isObject(obj)) throw new MutationInvalid('Mutation phải là đối tượng JSON / mutation must be a JSON object');
  for (const key of MUTATION_KEYS) checkKey(obj, key);
  const extra = Object.keys(obj)
    .filter((k) => !(MUTATION_KEYS as readonly string[]).includes(k))
    .sort(); // default sort = UTF-16 order (MUT5)
  if (extra.length > 0) {
    throw new MutationInvalid(`Trường lạ «${extra[0]}» / unknown field '${extra[0]}'`, `unknown_field:${extra[0]}`);
  }
  const m = obj as unknown as MutationPayload;
  // Cross-field rules (MUT6, MUT7), in this order.
  if (m.n === 1 && m.prev !== GENESIS) throw bad('prev', 'the first mutation (n = 1) must have prev = 64 zeros');
  if (parseHlc(m.hlc).node !== m.device) throw bad('hlc', 'the HLC node must equal the device id');
  const names = Object.keys(m.fields);
  if (m.op === 'create' && m.base !== 0) throw bad('base', 'create must have base = 0');
  if (m.op !== 'create' && m.base < 1) throw bad('base', `${m.op} must have base >= 1`);
  if ((m.op === 'submit' || m.op === 'transition') && m.entity !== 'dossier') throw bad('op', `${m.op} applies only to dossiers`);
  if (m.op === 'update' && names.length === 0) throw bad('fields', 'update must change at least one field');
  if (m.op === 'delete' && names.length > 0) throw bad('fields', 'delete must have empty fields');
  if (m.op === 'transition' && (names.length !== 1 || names[0] !== 'action' || !oneOf(m.fields['action'], TRANSITION_ACTIONS))) {
    throw bad('fields', 'transition needs exactly {"action": <action>}');
  }
  return m;
}

/**
 * checkMutation plus the payload bytes and their hash. `payload` are the canonical bytes the object
 * came from; when omitted they are computed (CAN errors possible).
 */
export async function validateMutation(obj: unknown, payload?: Uint8Array): Promise<Mutation> {
  const m = checkMutation(obj);
  const data = payload ?? canonicalBytes(obj);
  const fields: MutationPayload = {
    v: m.v,
    id: m.id,
    device: m.device,
    n: m.n,
    prev: m.prev,
    hlc: m.hlc,
    entity: m.entity,
    entity_id: m.entity_id,
    op: m.op,
    base: m.base,
    fields: m.fields,
  };
  return { ...fields, payload: data, hash: await sha256Hex(data) };
}

/** SHA-256 hex of the exact canonical payload bytes (MUT8): the next mutation's `prev`. */
export function mutationHash(payloadBytes: Uint8Array): Promise<string> {
  return sha256Hex(payloadBytes);
}

/**
 * Verify and decode one push item (MUT3), in this order: UTF-8 encode (`invalid_unicode` for a
 * lone surrogate) → signature (bad_alg / bad_key / bad_signature; nothing is parsed before it
 * holds) → parseCanonical (CAN codes) → shape checks (MUT codes).
 */
export async function decodeSignedMutation(payloadText: string, sig: string, alg: string, publicKey: string): Promise<Mutation> {
  if (typeof payloadText !== 'string') throw new MutationInvalid('payload phải là chuỗi / payload must be a string');
  // TextEncoder would silently replace a lone surrogate with U+FFFD: refuse it first.
  if (LONE_SURROGATE.test(payloadText)) {
    throw new CanonicalError('Chuỗi chứa surrogate đơn lẻ / payload contains a lone surrogate', 'invalid_unicode');
  }
  const data = new TextEncoder().encode(payloadText);
  await verify(alg, publicKey, data, sig);
  return validateMutation(parseCanonical(data), data);
}

export type ChainVerdict = 'next' | 'duplicate' | 'gap' | 'fork';

/**
 * Classify `m` against the device's last accepted mutation (MUT9; lastN = 0, lastHash = GENESIS
 * when none). `duplicate` means m.n ≤ lastN: the caller compares hashes to tell an identical replay
 * (acknowledge again) from a conflicting rewrite (refuse).
 */
export function checkChain(lastN: number, lastHash: string, m: { readonly n: number; readonly prev: string }): ChainVerdict {
  if (m.n <= lastN) return 'duplicate';
  if (m.n > lastN + 1) return 'gap';
  if (m.prev !== lastHash) return 'fork';
  return 'next';
}

/** Error code to report for a chain verdict, or null when the caller may proceed. */
export function chainVerdictCode(verdict: ChainVerdict): 'chain_gap' | 'chain_fork' | null {
  return verdict === 'gap' ? 'chain_gap' : verdict === 'fork' ? 'chain_fork' : null;
}

/** Build the payload object (not yet validated). */
export function mutationPayload(args: Omit<MutationPayload, 'v'>): MutationPayload {
  return {
    v: VERSION,
    id: args.id,
    device: args.device,
    n: args.n,
    prev: args.prev,
    hlc: args.hlc,
    entity: args.entity,
    entity_id: args.entity_id,
    op: args.op,
    base: args.base,
    fields: { ...args.fields },
  };
}

/**
 * Serialise canonically, validate and sign a payload; returns the push item. Strings must already
 * be NFC (see `nfc` in canonical.ts): nothing is normalised here.
 */
export async function signMutation(payload: MutationPayload, alg: string, privateKey: CryptoKey): Promise<SignedMutation> {
  const data = canonicalBytes(payload);
  checkMutation(payload);
  return { payload: new TextDecoder().decode(data), sig: await sign(alg, privateKey, data) };
}
