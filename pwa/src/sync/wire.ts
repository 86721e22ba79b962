/**
 * Protocol version 2 wire forms (SPEC §WIRE), twin of sync/wire.py: the same signed records as
 * version 1, with what the other side can recompute left off the wire.
 */
import { canonicalText, parseCanonical, type Json } from './canonical';
import { MutationInvalid } from './core-errors';
import { receiptCodeFor } from './receipt-code';

export const DERIVED = ['device', 'n', 'prev', 'v'] as const;
const ECHOES = new Set(['id', 'n', 'entity', 'entity_id', 'hlc', 'revision']);
const MUTATION_VERSION = 1;
const utf8 = new TextEncoder();

function bad(key: string, why: string): MutationInvalid {
  return new MutationInvalid(`Trường «${key}» không hợp lệ / field '${key}' is invalid: ${why}`, `bad_field:${key}`);
}

/** WIRE1: the compact form of a full (version-1) canonical payload. */
export function compactPayload(payloadText: string): string {
  const obj = { ...(parseCanonical(utf8.encode(payloadText)) as Record<string, Json>) };
  for (const key of DERIVED) delete obj[key];
  const [ms, counter] = String(obj.hlc).split('-');
  obj.hlc = `${ms}-${counter}`;
  return canonicalText(obj);
}

/** WIRE2: the full canonical payload (the signed bytes) of a compact one. */
export function expandPayload(compactText: string, device: string, n: number, prev: string): string {
  const obj = parseCanonical(utf8.encode(compactText));
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new MutationInvalid('payload phải là đối tượng / payload must be an object');
  }
  for (const key of DERIVED) {
    if (key in obj) throw bad(key, 'derived by the receiver in protocol 2; leave it out');
  }
  const hlc = obj.hlc;
  if (typeof hlc !== 'string' || hlc.split('-').length !== 2) {
    throw bad('hlc', "protocol 2 sends '<ms>-<counter>' without the node");
  }
  return canonicalText({ ...obj, v: MUTATION_VERSION, device, n, prev, hlc: `${hlc}-${device}` });
}

/** RFC 3339 UTC with milliseconds, as the server writes received times. */
export function rfc3339Ms(ms: number): string {
  return new Date(ms).toISOString();
}

/** WIRE3: the receipt payload the commune signed, rebuilt from a compact receipt. */
export async function receiptRecord(communeId: string, dossierId: string, contentHash: string, keyId: string, receivedMs: number): Promise<string> {
  return canonicalText({
    commune_id: communeId,
    content_hash: contentHash,
    dossier_id: dossierId,
    key_id: keyId,
    received_at: rfc3339Ms(receivedMs),
    receipt_code: await receiptCodeFor(dossierId, receivedMs),
  });
}

interface SubmitFields {
  components?: Record<string, string[]>;
  consent: { signature_sha256: string };
}

/** WIRE4: a submission's attachments in wire order (components by code, then the consent image). */
export function attachmentRefs(fields: SubmitFields): string[] {
  const comps = fields.components ?? {};
  const refs = Object.keys(comps)
    .sort()
    .flatMap((code) => comps[code]!);
  refs.push(fields.consent.signature_sha256);
  return refs;
}

export interface CompactReceipt {
  at: number;
  key_id: string;
  sig: string;
}

/** WIRE5: a version-1 result in its version-2 form (what the server sends a version-2 device). */
export function compactResult(result: Record<string, Json>, fields: SubmitFields | null): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(result)) if (!ECHOES.has(k)) out[k] = v;
  const receipt = out.receipt as { payload: string; sig: string } | undefined;
  delete out.receipt;
  if (receipt !== undefined) {
    const record = parseCanonical(utf8.encode(receipt.payload)) as Record<string, string>;
    out.receipt = { at: Date.parse(record.received_at!), key_id: record.key_id!, sig: receipt.sig };
  }
  const missing = out.missing_attachments as string[] | undefined;
  delete out.missing_attachments;
  if (missing !== undefined) {
    const gone = new Set(missing);
    const refs = fields ? attachmentRefs(fields) : [];
    out.missing = refs.flatMap((h, i) => (gone.has(h) ? [i] : []));
  }
  return out;
}
