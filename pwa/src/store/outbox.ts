/**
 * The outbox: every local change as a signed mutation (SPEC §MUT), in chain order.
 *
 * Invariants:
 *  - per device, `n` counts 1, 2, 3… with no gap and `prev` is the SHA-256 of the previous row's
 *    exact payload text (GENESIS for n = 1); outbox `seq` order == `n` order, because n is taken
 *    and the row added under one lock (withChainLock) in one transaction;
 *  - the chain head (meta "chain": n, prev, hlc) and the new row are written in ONE
 *    strict-durability transaction (db.ts sets chromeTransactionDurability 'strict'): after
 *    queueMutation resolves, the signed row is on disk, or neither it nor the head moved;
 *  - a row leaves 'pending' only when the server answered for it (applyPushResults); a result
 *    the server did not give ('not_processed', missing) keeps it pending and it is sent again —
 *    the server answers a replay with the original result, so resending is always safe.
 *
 * Signing is async WebCrypto, which cannot run inside an IndexedDB transaction (it would
 * auto-commit), so the payload is built and signed first and the transaction re-checks that the
 * chain head did not move meanwhile (another tab); if it did, the mutation is rebuilt.
 */
import type { Table } from 'dexie';
import { getEnrolledDevice, type EnrolledDevice } from '../device/keystore';
import { locked, notEnrolled } from '../device/errors';
import { isUnlocked } from '../device/lock';
import { nfc, type Json } from '../sync/canonical';
import { GENESIS, sha256Hex } from '../sync/hashing';
import { formatHlc, makeHlc, parseHlc, receive, tick } from '../sync/hlc';
import { mutationPayload, signMutation } from '../sync/mutations';
import { db, type LangsoDB } from './db';
import { legacyScanNeeded, markLegacyScanned } from './legacy-drafts';
import type { OutboxRow, OutboxState, PushResult, ReceiptRow, SyncResultView } from './types';

export type Entity = 'household' | 'member' | 'dossier' | 'rating';

export interface QueueInput {
  entity: Entity;
  entity_id: string;
  op: 'create' | 'update' | 'submit' | 'transition' | 'delete';
  /** Server version the change is based on (0 for create). */
  base: number;
  fields: Record<string, unknown>;
}

/** An outbox row written by queueMutation: everything needed to push it is present. */
export interface SignedOutboxRow extends OutboxRow {
  seq: number;
  id: string;
  n: number;
  prev: string;
  hlc: string;
  base: number;
  payload: string;
  sig: string;
  hash: string;
  state: OutboxState;
}

export interface QueueOptions {
  /** Extra tables `write` touches (outbox, meta, blobs, dossiers, members, households are included). */
  tables?: Table[];
  /**
   * Runs inside the same transaction, after the row is added: write the entity row here so the
   * change and its mutation are durable together. Only Dexie calls (no fetch, no crypto).
   */
  write?: (row: SignedOutboxRow) => Promise<void> | void;
}

export const CHAIN_META_KEY = 'chain';

export interface ChainHead {
  n: number;
  prev: string;
  hlc: string;
}

const nowIso = (): string => new Date().toISOString();

// --- chain lock ------------------------------------------------------------------------------

let tail: Promise<unknown> = Promise.resolve();

/**
 * Serialise chain updates: in this tab by a promise queue, across tabs with the Web Locks API when
 * the browser has it (the transaction re-check covers browsers without it).
 */
export function withChainLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  const run = (): Promise<T> => (locks?.request ? (locks.request('langso-outbox-chain', fn) as Promise<T>) : fn());
  const result = tail.then(run, run);
  tail = result.catch(() => undefined);
  return result;
}

export async function getChainHead(device: EnrolledDevice, d: LangsoDB = db()): Promise<ChainHead> {
  const row = await d.meta.get(CHAIN_META_KEY);
  return (row?.value as ChainHead | undefined) ?? { n: 0, prev: GENESIS, hlc: formatHlc(makeHlc(0, 0, device.id)) };
}

/** Drop `undefined` members (JSON has none) so optional form values never break canonicalisation. */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : clean(v)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = clean(v);
    return out;
  }
  return value;
}

/** Attachment hashes a dossier mutation references (components and the consent signature). */
export function referencedBlobs(fields: Record<string, unknown>): string[] {
  const out = new Set<string>();
  const hex = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
  const components = fields['components'];
  if (components && typeof components === 'object') {
    for (const list of Object.values(components)) if (Array.isArray(list)) for (const h of list.filter(hex)) out.add(h);
  }
  const consent = fields['consent'] as { signature_sha256?: unknown } | undefined;
  if (consent && hex(consent.signature_sha256)) out.add(consent.signature_sha256);
  return [...out];
}

class ChainMoved extends Error {}

interface Built {
  head: ChainHead;
  row: Omit<SignedOutboxRow, 'seq'>;
  nextHead: ChainHead;
}

async function build(device: EnrolledDevice, head: ChainHead, input: QueueInput, nowMs: number, createdAt: string): Promise<Built> {
  const clock = tick(parseHlc(head.hlc), nowMs);
  const fields = nfc(clean(input.fields)) as { [k: string]: Json };
  const payload = mutationPayload({
    id: crypto.randomUUID(),
    device: device.id,
    n: head.n + 1,
    prev: head.prev,
    hlc: formatHlc(clock),
    entity: input.entity,
    entity_id: input.entity_id,
    op: input.op,
    base: input.base,
    fields,
  });
  const signed = await signMutation(payload, device.alg, device.private_key);
  const hash = await sha256Hex(new TextEncoder().encode(signed.payload));
  return {
    head,
    row: {
      entity: input.entity,
      entity_id: input.entity_id,
      op: input.op,
      fields,
      created_at: createdAt,
      id: payload.id,
      n: payload.n,
      prev: payload.prev,
      hlc: payload.hlc,
      base: payload.base,
      payload: signed.payload,
      sig: signed.sig,
      hash,
      state: 'pending',
    },
    nextHead: { n: payload.n, prev: hash, hlc: payload.hlc },
  };
}

function sameHead(a: ChainHead, b: ChainHead): boolean {
  return a.n === b.n && a.prev === b.prev && a.hlc === b.hlc;
}

/** Side effects of queuing `row` on local rows, inside the transaction. */
async function markQueued(d: LangsoDB, row: Omit<SignedOutboxRow, 'seq'>): Promise<void> {
  if (row.entity === 'dossier') {
    for (const sha of referencedBlobs(row.fields)) {
      const blob = await d.blobs.get(sha);
      if (blob && blob.state === 'local') await d.blobs.update(sha, { state: 'pending' });
    }
    const dossier = await d.dossiers.get(row.entity_id);
    if (dossier && dossier.sync_state !== 'queued') await d.dossiers.update(row.entity_id, { sync_state: 'queued' });
  } else if (row.entity === 'member') {
    if (await d.members.get(row.entity_id)) await d.members.update(row.entity_id, { pending: true });
  } else if (row.entity === 'household') {
    if (await d.households.get(row.entity_id)) await d.households.update(row.entity_id, { pending: true });
  }
}

/**
 * UPGRADE PATH for outbox rows without a signature. Since signed member/household edits, every
 * local change is signed when it is made (queueMutation); no current code writes such rows. They
 * exist only when an earlier app version (schema v1–v3, whose repo.saveMember queued unsigned
 * drafts for the sync loop to sign) left them on the device, or an old tab still runs that code.
 *
 * Signs them in seq order. Call under the chain lock. The draft's own time drives its clock tick;
 * base = the local row's server version (1 for an entity only created locally: the version its
 * create will produce). Only pending rows are read, through the `state` index, so with no legacy
 * rows this is one empty index range.
 */
async function sealLegacyDraftsLocked(device: EnrolledDevice, d: LangsoDB): Promise<number> {
  if (!legacyScanNeeded(d)) return 0;
  const drafts = (await d.outbox.where('state').equals('pending').sortBy('seq')).filter((r) => r.payload === undefined);
  for (const draft of drafts) {
    let base = 0;
    if (draft.op !== 'create') {
      const table = draft.entity === 'member' ? d.members : draft.entity === 'household' ? d.households : undefined;
      const local = table ? ((await table.get(draft.entity_id)) as { version?: number } | undefined) : undefined;
      base = local?.version ?? 1;
    }
    const head = await getChainHead(device, d);
    const at = Date.parse(draft.created_at);
    const built = await build(
      device,
      head,
      { entity: draft.entity as Entity, entity_id: draft.entity_id, op: draft.op, base, fields: draft.fields },
      Number.isFinite(at) ? Math.max(at, 0) : Date.now(),
      draft.created_at,
    );
    await d.transaction('rw', [d.outbox, d.meta], async () => {
      const now = await getChainHead(device, d);
      if (!sameHead(now, head)) throw new ChainMoved();
      await d.outbox.update(draft.seq!, { ...built.row });
      await d.meta.put({ key: CHAIN_META_KEY, value: built.nextHead });
    });
  }
  markLegacyScanned(d);
  return drafts.length;
}

/**
 * Sign unsigned rows left by an earlier app version (see sealLegacyDraftsLocked). The sync loop
 * runs it once per database per page load, before its first push; queueMutation runs it before
 * every new row, so chain order (n) always equals outbox order (seq).
 * @returns how many rows were signed (0 when the device is not enrolled yet: they wait).
 */
export async function sealLegacyDrafts(d: LangsoDB = db()): Promise<number> {
  const device = await getEnrolledDevice(d);
  if (!device) return 0;
  return withChainLock(() => sealLegacyDraftsLocked(device, d));
}

/**
 * Builds the canonical mutation (next per-device counter n, prev hash chain, HLC tick), signs it
 * with the device key, and stores it in the outbox in ONE strict-durability transaction; returns
 * the stored row (with payload text, sig, hash, n). Also marks referenced photos for upload and
 * the entity as pending/queued.
 *
 * @throws DeviceError 'not_enrolled' | 'locked' (Vietnamese `message_vi`); MutationInvalid /
 *   CanonicalError when the input breaks the mutation rules (e.g. a float, an update with no field).
 */
export async function queueMutation(input: QueueInput, opts: QueueOptions = {}, d: LangsoDB = db()): Promise<SignedOutboxRow> {
  const device = await getEnrolledDevice(d);
  if (!device) throw notEnrolled();
  if (!isUnlocked()) throw locked();
  return withChainLock(async () => {
    await sealLegacyDraftsLocked(device, d);
    for (let attempt = 0; ; attempt++) {
      const head = await getChainHead(device, d);
      const built = await build(device, head, input, Date.now(), nowIso());
      const tables = [d.outbox, d.meta, d.blobs, d.dossiers, d.members, d.households, ...(opts.tables ?? [])];
      const unique = [...new Map(tables.map((t) => [t.name, t])).values()];
      try {
        return await d.transaction('rw', unique, async () => {
          if (!sameHead(await getChainHead(device, d), head)) throw new ChainMoved();
          const seq = await d.outbox.add({ ...built.row });
          await d.meta.put({ key: CHAIN_META_KEY, value: built.nextHead });
          const row: SignedOutboxRow = { ...built.row, seq: seq as number };
          await markQueued(d, built.row);
          await opts.write?.(row);
          return row;
        });
      } catch (error) {
        if (error instanceof ChainMoved && attempt < 5) continue;
        throw error;
      }
    }
  });
}

// --- reading ---------------------------------------------------------------------------------

/** Signed pending rows in send order (seq = n order), at most `limit`. */
export async function pendingSigned(limit: number, d: LangsoDB = db()): Promise<SignedOutboxRow[]> {
  const rows = await d.outbox.where('state').equals('pending').sortBy('seq');
  return rows.filter((r): r is SignedOutboxRow => r.payload !== undefined).slice(0, limit);
}

export interface PendingSummary {
  /** Mutations not yet acknowledged by the server. */
  mutations: number;
  /** Of `mutations`, those not about a dossier (member and household edits, ratings…). */
  changes: number;
  /** Attachments that must still reach the server (incl. refused ones): files + signatures. */
  blobs: number;
  /** Of `blobs`, the document files (photos, PDFs) — what the volunteer calls "ảnh/tệp". */
  files: number;
  /** Of `blobs`, the citizens' consent signatures (part of their dossier, not photos). */
  signatures: number;
  /** ms since epoch of the oldest unsynced item, or null when everything is synced. */
  oldestAt: number | null;
  /**
   * Distinct SIGNED dossiers with something not yet on the server. Unsigned drafts are not
   * unsynced work (nothing of them is ever sent unsigned): they are counted apart by the dossier
   * screens and never block logout.
   */
  dossiers: number;
}

/** Nothing waits to be sent. */
export function nothingPending(p: PendingSummary): boolean {
  return p.mutations === 0 && p.blobs === 0 && p.dossiers === 0;
}

/** Counts and age for the UI and the logout guard: unsynced mutations/blobs, oldest pending time. */
export async function pendingSummary(d: LangsoDB = db()): Promise<PendingSummary> {
  // The wizard's drafts table (src/features/dossier/drafts.ts) names the consent signatures.
  const drafts = d.table('dossier_drafts');
  return d.transaction('r', [d.outbox, d.blobs, drafts], async () => {
    const rows = await d.outbox.where('state').equals('pending').toArray();
    const blobs = await d.blobs.where('state').anyOf('pending', 'uploading', 'failed').toArray();
    const waiting = new Set(blobs.map((b) => b.sha256));
    const signatureHashes = new Set<string>();
    const dossiers = new Set<string>();
    if (blobs.length) {
      type DraftRefs = { dossier_id: string; signed_at?: string; signature_sha256?: string; components?: Record<string, { sha256: string }[]> };
      for (const x of (await drafts.toArray()) as DraftRefs[]) {
        if (x.signature_sha256) signatureHashes.add(x.signature_sha256);
        // A signed dossier whose files are still on their way has not left the phone either.
        const refs = [...Object.values(x.components ?? {}).flat().map((r) => r.sha256), x.signature_sha256];
        if (x.signed_at && refs.some((h) => h !== undefined && waiting.has(h))) dossiers.add(x.dossier_id);
      }
    }
    let oldest: number | null = null;
    const seen = (iso: string | undefined): void => {
      const ms = iso ? Date.parse(iso) : NaN;
      if (Number.isFinite(ms) && (oldest === null || ms < oldest)) oldest = ms;
    };
    for (const r of rows) {
      if (r.entity === 'dossier') dossiers.add(r.entity_id);
      seen(r.created_at);
    }
    for (const b of blobs) seen(b.created_at);
    const signatures = blobs.filter((b) => signatureHashes.has(b.sha256)).length;
    const changes = rows.filter((r) => r.entity !== 'dossier').length;
    return { mutations: rows.length, changes, blobs: blobs.length, files: blobs.length - signatures, signatures, oldestAt: oldest, dossiers: dossiers.size };
  });
}

// --- acknowledgements ------------------------------------------------------------------------

const ACK_STATE: Record<string, OutboxState> = { applied: 'done', merged: 'done', conflict: 'conflict', rejected: 'rejected' };

/** The proposed value of `field` ("form_data.<key>" for dossier form fields) in a mutation's fields. */
function proposedValue(fields: Record<string, unknown>, field: string): unknown {
  if (field.startsWith('form_data.')) {
    const form = fields['form_data'] as Record<string, unknown> | undefined;
    return form?.[field.slice('form_data.'.length)];
  }
  return fields[field];
}

export interface AckSummary {
  acknowledged: number;
  stillPending: number;
  rejected: number;
  conflicts: number;
}

/**
 * Apply the per-mutation results of one push to the outbox and to the entities, in one
 * transaction. `receipts` are the already verified receipts (src/verify/receipts.ts) keyed by
 * mutation id. Rows without a final result stay pending.
 */
export async function applyPushResults(
  sent: readonly SignedOutboxRow[],
  results: readonly PushResult[],
  receipts: ReadonlyMap<string, ReceiptRow>,
  d: LangsoDB = db(),
): Promise<AckSummary> {
  const byId = new Map(results.map((r) => [r.id, r]));
  const at = nowIso();
  const summary: AckSummary = { acknowledged: 0, stillPending: 0, rejected: 0, conflicts: 0 };
  await d.transaction('rw', [d.outbox, d.dossiers, d.members, d.households, d.conflicts, d.receipts, d.blobs], async () => {
    const touched = new Map<string, string>();
    for (const row of sent) {
      const result = byId.get(row.id);
      const state = result ? ACK_STATE[result.status] : undefined;
      if (!result || !state) {
        summary.stillPending++;
        continue;
      }
      summary.acknowledged++;
      await d.outbox.update(row.seq, { state, result, acked_at: at, error_vi: undefined, error_en: undefined });
      touched.set(row.entity_id, row.entity);
      const view: SyncResultView = { status: result.status, at };
      if (result.code) view.code = result.code;
      if (result.message_vi) view.message_vi = result.message_vi;
      if (result.message_en) view.message_en = result.message_en;
      const version = typeof result.version === 'number' ? result.version : undefined;

      const conflicts = Array.isArray(result['conflicts']) ? (result['conflicts'] as { id: string; field: string }[]) : [];
      for (const c of conflicts) {
        summary.conflicts++;
        const existing = await d.conflicts.get(c.id);
        await d.conflicts.put({
          remote: undefined,
          ...existing,
          id: c.id,
          entity: row.entity,
          entity_id: row.entity_id,
          field: c.field,
          local: proposedValue(row.fields, c.field),
          status: existing?.status ?? 'open',
          mutation_id: row.id,
          created_at: existing?.created_at ?? at,
        });
      }
      if (state === 'rejected') summary.rejected++;

      if (row.entity === 'dossier') {
        const dossier = await d.dossiers.get(row.entity_id);
        if (dossier) {
          const server = { ...dossier.server };
          if (version !== undefined) server.version = version;
          if (typeof result['revision'] === 'string') server.revision = result['revision'];
          const receipt = receipts.get(row.id);
          const patch: Record<string, unknown> = {
            server,
            sync_result: view,
            sync_state: state === 'rejected' ? 'rejected' : conflicts.length > 0 ? 'conflict' : 'queued',
          };
          if (receipt) {
            await d.receipts.put(receipt);
            patch['receipt'] = { id: receipt.id, code: receipt.receipt_code, verdict: receipt.verdict ?? 'unverified' };
          }
          await d.dossiers.update(row.entity_id, patch);
        }
        // The server may list referenced photos it still lacks: make sure they are queued.
        const missing = Array.isArray(result['missing_attachments']) ? (result['missing_attachments'] as string[]) : [];
        for (const sha of missing) {
          const blob = await d.blobs.get(sha);
          if (blob && (blob.state === 'local' || blob.state === 'uploaded')) await d.blobs.update(sha, { state: 'pending' });
        }
      } else if (row.entity === 'member' || row.entity === 'household') {
        const table = row.entity === 'member' ? d.members : d.households;
        const patch: Record<string, unknown> = { sync_result: view };
        if (version !== undefined && state !== 'rejected') patch['version'] = version;
        if (await table.get(row.entity_id)) await (table as Table).update(row.entity_id, patch);
      }
    }
    // An entity stays "pending" while any of its mutations is.
    for (const [entityId, entity] of touched) {
      const more = await d.outbox.where('entity_id').equals(entityId).filter((r) => (r.state ?? 'pending') === 'pending').count();
      if (entity === 'dossier') {
        const dossier = await d.dossiers.get(entityId);
        if (dossier && !more && dossier.sync_state === 'queued') await d.dossiers.update(entityId, { sync_state: 'synced' });
      } else if (entity === 'member' || entity === 'household') {
        const table = (entity === 'member' ? d.members : d.households) as Table;
        if (!more && (await table.get(entityId))) await table.update(entityId, { pending: false });
      }
    }
  });
  return summary;
}

/** Record a batch-level refusal naming one item (bad signature, chain error…) on that row. */
export async function markRowError(seq: number, vi: string, en: string, d: LangsoDB = db()): Promise<void> {
  await d.outbox.update(seq, { error_vi: vi, error_en: en });
}

/** Fold the server's clock into the chain head so later local clocks sort after what we saw (HLC5). */
export async function observeServerClock(serverHlc: string, d: LangsoDB = db()): Promise<void> {
  const device = await getEnrolledDevice(d);
  if (!device) return;
  await withChainLock(async () => {
    const head = await getChainHead(device, d);
    let next: string;
    try {
      next = formatHlc(receive(parseHlc(head.hlc), parseHlc(serverHlc), Date.now()));
    } catch {
      return; // malformed or drifting server clock: keep ours
    }
    await d.transaction('rw', d.meta, async () => {
      const now = await getChainHead(device, d);
      if (now.n === head.n && now.hlc === head.hlc) await d.meta.put({ key: CHAIN_META_KEY, value: { ...now, hlc: next } });
    });
  });
}

/** Forget acknowledged rows older than `days` (pending rows are never touched). */
export async function pruneAcknowledged(days = 30, d: LangsoDB = db()): Promise<number> {
  const cutoff = new Date(Date.now() - days * 86_400_000).toISOString();
  return d.outbox
    .where('state')
    .anyOf('done', 'conflict', 'rejected')
    .filter((r) => (r.acked_at ?? r.created_at) < cutoff)
    .delete();
}
