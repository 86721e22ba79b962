/**
 * An in-memory stand-in for the Làng Số server, as a `fetch` function, for the sync-loop tests.
 * It follows the real wire protocol where the client depends on it (backend/sync_api/service.py,
 * backend/devices/service.py, docs/attachments-protocol.md): proof-checked enrolment, verified
 * signatures and per-device chain on push (replays answer the stored result), cursor pull with
 * reset, tus-like uploads with server offsets, commune-signed receipts, conflicts.
 * Hooks let a test decide per-mutation results and simulate dropped connections.
 */
import { gunzipSync, inflateSync } from 'node:zlib';
import { canonicalBytes, canonicalText, type Json } from '../src/sync/canonical';
import { GENESIS, sha256Hex } from '../src/sync/hashing';
import { decodeSignedMutation, mutationHash, type Mutation } from '../src/sync/mutations';
import { receiptCodeFor } from '../src/sync/receipt-code';
import { deviceKeyFromBytes, keyId, sign, verify, type DeviceKey } from '../src/sync/signatures';
import type { PushResult } from '../src/store/types';
import { compactResult, expandPayload } from '../src/sync/wire';
// The server's preset dictionary (docs/protocol.md §4): the app's copy, which
// sync-vectors-push-dictionary.test.ts pins to sync/dictionaries/.
import { DICTIONARY as PUSH_DICTIONARY } from '../src/net/push-dictionary';

export const USER = {
  id: '11111111-1111-4111-8111-111111111111',
  username: 'volunteer1',
  full_name: 'Giàng A Páo',
  role: 'volunteer',
  commune_id: 'c0000000-0000-4000-8000-000000000001',
  village_ids: ['v0000000-0000-4000-8000-000000000001'],
};
export const PASSWORD = 'demo';

interface DeviceState {
  id: string;
  alg: string;
  public_key: string;
  user_id: string;
  last_n: number;
  last_hash: string;
  revoked: boolean;
}

export interface Change {
  entity: string;
  id: string;
  version: number;
  data: Record<string, unknown> | null;
  deleted?: boolean;
}

export interface ConflictOut {
  id: string;
  entity: string;
  entity_id: string;
  field: string;
  base_value: unknown;
  current_value: unknown;
  proposed_value: unknown;
  status: string;
  mutation_id: string | null;
  resolved_value: unknown;
  created_at: string;
}

type Decide = (m: Mutation, index: number) => Partial<PushResult> | 'not_processed' | undefined;

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });
}

function problem(status: number, code: string, vi: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return json({ status, code, message_vi: vi, message_en: code, detail: vi, ...extra }, status, headers);
}

async function bodyBytes(init: RequestInit | undefined): Promise<Uint8Array> {
  const b = init?.body;
  if (b === undefined || b === null) return new Uint8Array();
  if (typeof b === 'string') return new TextEncoder().encode(b);
  if (b instanceof Uint8Array) return b;
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  if (b instanceof Blob) return new Uint8Array(await b.arrayBuffer());
  throw new Error('fake server: unsupported body');
}

export class FakeServer {
  /** What GET /api/procedures serves (the caller's province's versions). */
  procedures: unknown[] = [];
  token = 'tok-1';
  devices = new Map<string, DeviceState>();
  /** Stored mutations by `${device}:${n}`. */
  stored = new Map<string, { hash: string; result: PushResult; payload: string }>();
  versions = new Map<string, number>();
  changes: Change[] = [];
  resetNext = false;
  decide: Decide | undefined;
  /** Requests seen, "METHOD path". */
  log: string[] = [];
  pushBodies: { gzip: boolean; coding: string | null; count: number; protocol?: number; compact?: boolean }[] = [];
  /** Answer deflated pushes 415 unknown_dictionary, as a server without this dictionary does. */
  refuseDictionary = false;
  blobs = new Map<string, Uint8Array>();
  uploads = new Map<string, { size: number; data: Uint8Array; offset: number; type: string }>();
  patchBytesReceived = 0;
  /** Drop the connection on the PATCH that would cross this many stored bytes (after storing it). */
  dropAfterOffset: number | undefined;
  /** Also fail the following HEAD this many times. */
  failHeads = 0;
  conflicts: ConflictOut[] = [];
  healthStatus = 404;
  healthReports: unknown[] = [];
  offline = false;
  commune!: DeviceKey;
  communeKeyId = '';
  /** Forge receipts: sign with this key instead (invalid signature for the published key). */
  forgeReceipts = false;
  private pushQueue: Promise<unknown> = Promise.resolve();

  static async create(): Promise<FakeServer> {
    const s = new FakeServer();
    s.commune = await deviceKeyFromBytes('Ed25519', new Uint8Array(32).fill(7));
    s.communeKeyId = await keyId('Ed25519', s.commune.publicKey);
    return s;
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, 'http://fake');
    const method = (init?.method ?? 'GET').toUpperCase();
    this.log.push(`${method} ${url.pathname}`);
    if (this.offline) throw new TypeError('Failed to fetch');
    const headers = new Headers(init?.headers);
    const path = url.pathname;
    if (path === '/api/auth/login' && method === 'POST') return this.login(await bodyBytes(init));
    if (path === '/.well-known/langso/keys.json') {
      return json({ keys: [{ key_id: this.communeKeyId, alg: 'Ed25519', public_key: this.commune.publicKey, commune_id: USER.commune_id, use: 'receipt' }] });
    }
    if (headers.get('Authorization') !== `Bearer ${this.token}`) {
      return problem(401, 'not_authenticated', 'Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.');
    }
    if (path === '/api/auth/logout') return json(null, 204);
    if (path === '/api/devices' && method === 'POST') return this.enrol(await bodyBytes(init));
    if (path === '/api/sync/push' && method === 'POST') {
      // Like the real server (device row lock / one writer), a device's pushes run one at a time,
      // in the order they arrived.
      const raw = await bodyBytes(init);
      const run = this.pushQueue.then(() => this.push(raw, headers));
      this.pushQueue = run.catch(() => undefined);
      return run;
    }
    if (path === '/api/sync/pull') return this.pull(url);
    if (path === '/api/sync/conflicts') return json({ items: this.conflicts.filter((c) => c.status === 'open'), total: this.conflicts.filter((c) => c.status === 'open').length, page: 1, page_size: 100 });
    const resolve = /^\/api\/sync\/conflicts\/([^/]+)\/resolve$/.exec(path);
    if (resolve && method === 'POST') {
      const c = this.conflicts.find((x) => x.id === resolve[1]);
      if (!c) return problem(404, 'not_found', 'Không tìm thấy xung đột.');
      const { value } = JSON.parse(new TextDecoder().decode(await bodyBytes(init))) as { value: unknown };
      c.status = 'resolved';
      c.resolved_value = value;
      return json(c);
    }
    if (path === '/api/attachments/missing' && method === 'POST') {
      const { hashes } = JSON.parse(new TextDecoder().decode(await bodyBytes(init))) as { hashes: string[] };
      return json({ missing: hashes.filter((h) => !this.blobs.has(h)) });
    }
    if (path === '/api/uploads' && method === 'POST') return this.startUpload(await bodyBytes(init));
    const up = /^\/api\/uploads\/([0-9a-f]{64})$/.exec(path);
    if (up && method === 'HEAD') return this.head(up[1]!);
    if (up && method === 'PATCH') return this.patch(up[1]!, headers, await bodyBytes(init));
    if (path === '/api/monitoring/device-health' && method === 'POST') {
      this.healthReports.push(JSON.parse(new TextDecoder().decode(await bodyBytes(init))));
      return this.healthStatus === 200 ? json({ ok: true }) : problem(this.healthStatus, 'not_found', 'Không tìm thấy.');
    }
    if (path === '/api/units/villages') return json([{ id: USER.village_ids[0], name: 'Bản Nậm Khăn', commune_id: USER.commune_id }]);
    if (path === '/api/procedures') return json(this.procedures);
    return problem(404, 'not_found', 'Không tìm thấy.');
  };

  private login(body: Uint8Array): Response {
    const { username, password } = JSON.parse(new TextDecoder().decode(body)) as { username: string; password: string };
    if (username !== USER.username || password !== PASSWORD) return problem(401, 'bad_credentials', 'Sai tên đăng nhập hoặc mật khẩu.');
    return json({ token: this.token, expires_at: '2099-01-01T00:00:00Z', user: USER });
  }

  private async enrol(body: Uint8Array): Promise<Response> {
    const { alg, public_key, proof } = JSON.parse(new TextDecoder().decode(body)) as { alg: string; public_key: string; proof: string };
    const message = canonicalBytes({ alg, public_key, purpose: 'langso-enrol-v1', user_id: USER.id });
    try {
      await verify(alg, public_key, message, proof);
    } catch {
      return problem(422, 'bad_proof', 'Bằng chứng khoá không hợp lệ.');
    }
    const existing = [...this.devices.values()].find((d) => d.public_key === public_key);
    if (existing) return json({ id: existing.id }, 201);
    const id = crypto.randomUUID();
    this.devices.set(id, { id, alg, public_key, user_id: USER.id, last_n: 0, last_hash: GENESIS, revoked: false });
    return json({ id, alg, public_key }, 201);
  }

  async receiptFor(m: Mutation, receivedAt = '2026-03-02T08:00:00.000Z'): Promise<{ payload: string; sig: string }> {
    const payload = canonicalText({
      commune_id: USER.commune_id,
      content_hash: m.hash,
      dossier_id: m.entity_id,
      key_id: this.communeKeyId,
      received_at: receivedAt,
      receipt_code: await receiptCodeFor(m.entity_id, Date.parse(receivedAt)),
    });
    const key = this.forgeReceipts ? await deviceKeyFromBytes('Ed25519', new Uint8Array(32).fill(9)) : this.commune;
    return { payload, sig: await sign('Ed25519', key.privateKey, new TextEncoder().encode(payload)) };
  }

  private async push(raw: Uint8Array, headers: Headers): Promise<Response> {
    const coding = headers.get('Content-Encoding');
    const gz = coding === 'gzip';
    if (coding === 'deflate' && this.refuseDictionary) return problem(415, 'unknown_dictionary', 'Máy chủ không có từ điển nén.');
    const text = new TextDecoder().decode(gz ? gunzipSync(raw) : coding === 'deflate' ? inflateSync(raw, { dictionary: PUSH_DICTIONARY }) : raw);
    const sent = JSON.parse(text) as { protocol: number; device_id: string; n?: number; prev?: string; mutations: { payload?: string; sig?: string; p?: string; s?: string }[] };
    // Protocol 2 (SPEC §WIRE): rebuild each signed payload from the envelope, answer compactly.
    const v2 = sent.protocol === 2;
    let body = sent as { protocol: number; device_id: string; mutations: { payload: string; sig: string }[] };
    if (v2) {
      let prev = sent.prev!;
      const items: { payload: string; sig: string }[] = [];
      for (const [i, item] of sent.mutations.entries()) {
        let payload: string;
        try {
          payload = expandPayload(item.p!, sent.device_id, sent.n! + i, prev);
        } catch {
          return problem(422, 'bad_payload', `Mục ${i}: Dữ liệu không hợp lệ`, { errors: [{ index: i, code: 'bad_payload' }] });
        }
        items.push({ payload, sig: item.s! });
        prev = await mutationHash(new TextEncoder().encode(payload));
      }
      body = { protocol: 2, device_id: sent.device_id, mutations: items };
    }
    this.pushBodies.push({ gzip: gz, coding, count: body.mutations.length, protocol: sent.protocol, compact: sent.mutations.every((m) => typeof m.p === 'string' && m.payload === undefined) });
    if (body.mutations.length > 500) return problem(413, 'batch_too_large', 'Tối đa 500 thay đổi mỗi lần gửi.');
    const device = this.devices.get(body.device_id);
    if (!device) return problem(404, 'unknown_device', 'Thiết bị chưa được đăng ký.');
    if (device.revoked) return problem(403, 'device_revoked', 'Thiết bị đã bị thu hồi.', { errors: [{ reason: 'mất máy' }] });
    const decoded: Mutation[] = [];
    for (const [i, item] of body.mutations.entries()) {
      try {
        decoded.push(await decodeSignedMutation(item.payload, item.sig, device.alg, device.public_key));
      } catch {
        return problem(401, 'bad_signature', `Mục ${i}: Chữ ký không hợp lệ`, { errors: [{ index: i, code: 'bad_signature' }] });
      }
    }
    const results: PushResult[] = [];
    let stop = false;
    for (const [i, m] of decoded.entries()) {
      const key = `${device.id}:${m.n}`;
      const old = this.stored.get(key);
      if (old) {
        if (old.hash !== m.hash) return problem(409, 'chain_fork', 'Chuỗi rẽ nhánh.', { errors: [{ index: i, code: 'chain_fork' }] });
        results.push(old.result);
        continue;
      }
      if (stop) {
        results.push({ id: m.id, n: m.n, status: 'not_processed' });
        continue;
      }
      if (m.n !== device.last_n + 1) return problem(409, 'chain_gap', 'Thiếu thay đổi.', { errors: [{ index: i, code: 'chain_gap', expected_n: device.last_n + 1 }] });
      if (m.prev !== device.last_hash) return problem(409, 'chain_fork', 'Chuỗi rẽ nhánh.', { errors: [{ index: i, code: 'chain_fork' }] });
      const decision = this.decide?.(m, i);
      if (decision === 'not_processed') {
        stop = true;
        results.push({ id: m.id, n: m.n, status: 'not_processed' });
        continue;
      }
      const vkey = `${m.entity}:${m.entity_id}`;
      const version = (this.versions.get(vkey) ?? 0) + 1;
      let result: PushResult = { id: m.id, n: m.n, entity: m.entity, entity_id: m.entity_id, status: 'applied', version, hlc: '001772438400000-00000-server' };
      if (m.op === 'submit') result = { ...result, receipt: await this.receiptFor(m), revision: m.hash };
      result = { ...result, ...(decision ?? {}) } as PushResult;
      if (result.status !== 'rejected') this.versions.set(vkey, version);
      else result.version = null;
      this.stored.set(key, { hash: m.hash, result, payload: body.mutations[i]!.payload });
      device.last_n = m.n;
      device.last_hash = m.hash;
      results.push(result);
    }
    if (v2) {
      const compact = results.map((r, i) => compactResult(r as Record<string, Json>, (decoded[i]?.fields ?? null) as never));
      const hlcs = results.map((r) => r['hlc']).filter((h): h is string => typeof h === 'string');
      return json({ protocol: 2, last_n: device.last_n, hlc: hlcs.at(-1) ?? null, results: compact });
    }
    return json({ protocol: 1, device_id: device.id, results, last_n: device.last_n, last_hash: device.last_hash });
  }

  private pull(url: URL): Response {
    const cursor = url.searchParams.get('cursor');
    const limit = Number(url.searchParams.get('limit') ?? '200');
    let after = cursor ? Number(cursor) : 0;
    let reset = false;
    if (this.resetNext && cursor) {
      this.resetNext = false;
      after = 0;
      reset = true;
    }
    const page = this.changes.slice(after, after + limit);
    const next = after + page.length;
    const body: Record<string, unknown> = { changes: page, cursor: String(next), more: next < this.changes.length };
    if (reset) body['reset'] = true;
    return json(body);
  }

  private async startUpload(body: Uint8Array): Promise<Response> {
    const { sha256, size, content_type } = JSON.parse(new TextDecoder().decode(body)) as { sha256: string; size: number; content_type?: string };
    if (this.blobs.has(sha256)) return json({ sha256, size, offset: size, complete: true, upload_url: null });
    if (content_type === 'text/html') return problem(415, 'type_not_allowed', 'Loại tệp không được chấp nhận.');
    const existing = this.uploads.get(sha256);
    if (existing) return json({ sha256, size, offset: existing.offset, complete: false, upload_url: `/api/uploads/${sha256}` });
    this.uploads.set(sha256, { size, data: new Uint8Array(size), offset: 0, type: content_type ?? '' });
    return json({ sha256, size, offset: 0, complete: false, upload_url: `/api/uploads/${sha256}` }, 201);
  }

  private head(sha: string): Response {
    if (this.failHeads > 0) {
      this.failHeads--;
      throw new TypeError('Failed to fetch');
    }
    if (this.blobs.has(sha)) {
      const n = this.blobs.get(sha)!.length;
      return new Response(null, { status: 200, headers: { 'Upload-Offset': String(n), 'Upload-Length': String(n), 'Upload-Complete': '?1' } });
    }
    const u = this.uploads.get(sha);
    if (!u) return problem(404, 'upload_not_found', 'Không tìm thấy phiên tải lên.');
    return new Response(null, { status: 200, headers: { 'Upload-Offset': String(u.offset), 'Upload-Length': String(u.size) } });
  }

  private async patch(sha: string, headers: Headers, chunk: Uint8Array): Promise<Response> {
    this.patchBytesReceived += chunk.length;
    const u = this.uploads.get(sha);
    if (!u) return problem(404, 'upload_not_found', 'Không tìm thấy phiên tải lên.');
    const offset = Number(headers.get('Upload-Offset'));
    if (offset !== u.offset) {
      return problem(409, 'offset_mismatch', 'Vị trí tải lên không khớp.', { errors: [{ offset: u.offset }] }, { 'Upload-Offset': String(u.offset) });
    }
    u.data.set(chunk, offset);
    u.offset += chunk.length;
    const crossed = this.dropAfterOffset !== undefined && u.offset >= this.dropAfterOffset;
    let complete = false;
    if (u.offset === u.size) {
      if ((await sha256Hex(u.data)) !== sha) {
        this.uploads.delete(sha);
        return problem(422, 'hash_mismatch', 'Nội dung tệp không khớp với mã băm.');
      }
      this.blobs.set(sha, u.data);
      this.uploads.delete(sha);
      complete = true;
    }
    if (crossed) {
      this.dropAfterOffset = undefined;
      throw new TypeError('connection reset'); // stored, but the answer is lost
    }
    const h: Record<string, string> = { 'Upload-Offset': String(u.offset), 'Upload-Length': String(u.size) };
    if (complete) h['Upload-Complete'] = '?1';
    return new Response(null, { status: 204, headers: h });
  }
}
