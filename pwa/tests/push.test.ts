// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setTransport } from '../src/api/http';
import { pushPending, SyncStop } from '../src/net/push';
import { resetBodyCoding } from '../src/net/push-body';
import { queueMutation } from '../src/store/outbox';
import { DOSSIER, HH, loggedIn, MEMBER, teardown, type World } from './sync-helpers';

let w: World | undefined;
beforeEach(async () => {
  resetBodyCoding();
  w = await loggedIn();
});
afterEach(() => {
  teardown(w);
  w = undefined;
});

const member = (i: number): string => `33333333-3333-4333-8333-${String(i).padStart(12, '0')}`;

/** Text gzip cannot shrink much, so a batch holds few items and a push needs several batches. */
const noise = (): string => Array.from(crypto.getRandomValues(new Uint8Array(200)), (b) => b.toString(16).padStart(2, '0')).join('');

async function seedMembers(count: number, bulky = false): Promise<void> {
  for (let i = 0; i < count; i++) {
    await w!.d.members.put({ id: member(i), household_id: HH, full_name: `Người ${i}`, relationship: 'con', search_key: `nguoi ${i}`, updated_at: '2026-01-01T00:00:00.000Z' });
    const fields: Record<string, string> = { household_id: HH, full_name: `Người ${i}` };
    if (bulky) fields['notes'] = noise();
    await queueMutation({ entity: 'member', entity_id: member(i), op: 'create', base: 0, fields }, {}, w!.d);
  }
}

describe('push', () => {
  it('sends pending mutations in order, deflated with the preset dictionary, compact (protocol 2), in batches sized by bytes of at most 100', async () => {
    const { d, server } = w!;
    await seedMembers(150);
    const report = await pushPending(d);
    expect(server.pushBodies.length).toBeGreaterThan(1);
    for (const body of server.pushBodies) expect(body).toMatchObject({ coding: 'deflate', protocol: 2, compact: true });
    expect(server.pushBodies.every((b) => b.count >= 1 && b.count <= 100)).toBe(true);
    expect(server.pushBodies.reduce((a, b) => a + b.count, 0)).toBe(150); // each once: nothing overtook
    expect(report.acknowledged).toBe(150);
    expect(await d.outbox.where('state').equals('pending').count()).toBe(0);
    expect((await d.members.get(member(7)))).toMatchObject({ version: 1, pending: false });
  // 150 signed mutations, each row encrypted (branch vault): over vitest's 5 s default on a loaded machine.
  }, 30_000);

  it('falls back to gzip when the server does not know the dictionary, losing and refusing nothing', async () => {
    const { d, server } = w!;
    server.refuseDictionary = true;
    await seedMembers(30);
    const report = await pushPending(d);
    expect(report.acknowledged).toBe(30);
    expect(report.rejected).toBe(0);
    // The refused deflated batches never reach the recorded bodies; everything went as gzip.
    expect(server.pushBodies.length).toBeGreaterThan(0);
    for (const body of server.pushBodies) expect(body).toMatchObject({ coding: 'gzip', protocol: 2 });
    expect(server.pushBodies.reduce((a, b) => a + b.count, 0)).toBe(30);
    expect(await d.outbox.where('state').equals('pending').count()).toBe(0);
    expect(await d.outbox.filter((r) => r.error_vi !== undefined).count()).toBe(0);
  }, 30_000);

  it('applies per-mutation results: applied, rejected (with reason), conflict (to the inbox), not_processed (stays pending)', async () => {
    const { d, server } = w!;
    await d.members.put({ id: MEMBER, household_id: HH, full_name: 'Giàng A Páo', relationship: 'chu_ho', search_key: 'giang a pao', version: 2, updated_at: '2026-01-01T00:00:00.000Z' });
    await d.dossiers.put({ id: DOSSIER, household_id: HH, procedure_code: 'khai-sinh', procedure_version: 1, status: 'draft', sync_state: 'local', values: {}, updated_at: '2026-01-01T00:00:00.000Z' });
    await queueMutation({ entity: 'member', entity_id: MEMBER, op: 'update', base: 2, fields: { phone: '0912345678' } }, {}, d);
    const rejected = await queueMutation({ entity: 'dossier', entity_id: DOSSIER, op: 'create', base: 0, fields: { procedure_code: 'khai-sinh' } }, {}, d);
    const conflict = await queueMutation({ entity: 'member', entity_id: MEMBER, op: 'update', base: 2, fields: { full_name: 'Giàng A Pao' } }, {}, d);
    const later = await queueMutation({ entity: 'member', entity_id: MEMBER, op: 'update', base: 2, fields: { notes: 'x' } }, {}, d);
    server.decide = (m) => {
      if (m.id === rejected.id) return { status: 'rejected', code: 'not_found', message_vi: 'Không tìm thấy người nộp (nhân khẩu).' };
      if (m.id === conflict.id) return { status: 'conflict', conflicts: [{ id: 'cf-1', field: 'full_name' }] };
      if (m.id === later.id) return 'not_processed';
      return undefined;
    };
    const report = await pushPending(d);
    expect(report).toMatchObject({ acknowledged: 3, rejected: 1, conflicts: 1, stillPending: 1 });
    const rows = await d.outbox.orderBy('seq').toArray();
    expect(rows.map((r) => r.state)).toEqual(['done', 'rejected', 'conflict', 'pending']);
    expect(rows[1]!.result?.message_vi).toBe('Không tìm thấy người nộp (nhân khẩu).');
    const dossier = await d.dossiers.get(DOSSIER);
    expect(dossier).toMatchObject({ sync_state: 'rejected', sync_result: { status: 'rejected', message_vi: 'Không tìm thấy người nộp (nhân khẩu).' } });
    expect(await d.conflicts.get('cf-1')).toMatchObject({ entity: 'member', entity_id: MEMBER, field: 'full_name', local: 'Giàng A Pao', status: 'open' });
    expect(await d.members.get(MEMBER)).toMatchObject({ pending: true, version: 2 });

    // The not-processed one goes out again next time and is then acknowledged.
    server.decide = undefined;
    const second = await pushPending(d);
    expect(second.acknowledged).toBe(1);
    expect((await d.outbox.get(rows[3]!.seq!))?.state).toBe('done');
    expect(await d.members.get(MEMBER)).toMatchObject({ pending: false });
  });

  it('after an acknowledged batch, a reset is resumed at once within the same run (no back-off timer)', async () => {
    const { d, server } = w!;
    await seedMembers(150);
    const original = server.fetch;
    let pushes = 0;
    const resetting: typeof fetch = async (input, init) => {
      if (String(input).includes('/api/sync/push')) {
        pushes++;
        if (pushes === 2) {
          await original(input, init);
          throw new TypeError('connection reset'); // applied on the server, answer lost
        }
      }
      return original(input, init);
    };
    setTransport(resetting);
    const report = await pushPending(d);
    // One run: the lost batch (and any sent behind it) went again at once, answered from the stored results.
    expect(report.acknowledged).toBe(150);
    expect(pushes).toBeGreaterThanOrEqual(3);
    expect(server.stored.size).toBe(150);
    expect(await d.outbox.where('state').equals('pending').count()).toBe(0);
  });

  it('resending after a lost answer is safe: the server replays the stored result', async () => {
    const { d, server } = w!;
    await seedMembers(2);
    const original = server.fetch;
    let first = true;
    const dropping: typeof fetch = async (input, init) => {
      const response = await original(input, init);
      if (first && String(input).includes('/api/sync/push')) {
        first = false;
        throw new TypeError('connection reset'); // applied on the server, answer lost
      }
      return response;
    };
    setTransport(dropping);
    await expect(pushPending(d)).rejects.toThrow();
    expect(await d.outbox.where('state').equals('pending').count()).toBe(2);
    const report = await pushPending(d);
    expect(report.acknowledged).toBe(2);
    expect(server.stored.size).toBe(2);
  });

  it('verifies a submit receipt offline with the cached commune key', async () => {
    const { d, server } = w!;
    await d.dossiers.put({ id: DOSSIER, household_id: HH, procedure_code: 'khai-sinh', procedure_version: 1, status: 'submitted', sync_state: 'local', values: {}, updated_at: '2026-01-01T00:00:00.000Z' });
    const submit = await queueMutation({ entity: 'dossier', entity_id: DOSSIER, op: 'submit', base: 1, fields: { form_data: { a: 'b' }, components: {}, consent: null, prev_revision: null } }, {}, d);
    await pushPending(d);
    const dossier = await d.dossiers.get(DOSSIER);
    expect(dossier?.receipt).toMatchObject({ id: submit.hash, verdict: 'valid' });
    expect(dossier?.receipt?.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-.$/);
    expect(dossier?.sync_state).toBe('synced');
    expect((await d.receipts.get(submit.hash))?.verdict).toBe('valid');
    // The key is cached: later verification needs no network.
    expect(server.log.filter((l) => l.includes('keys.json')).length).toBeGreaterThan(0);
  });

  it('flags a receipt whose signature is not the commune key as invalid', async () => {
    const { d, server } = w!;
    server.forgeReceipts = true;
    await d.dossiers.put({ id: DOSSIER, household_id: HH, procedure_code: 'khai-sinh', procedure_version: 1, status: 'submitted', sync_state: 'local', values: {}, updated_at: '2026-01-01T00:00:00.000Z' });
    const submit = await queueMutation({ entity: 'dossier', entity_id: DOSSIER, op: 'submit', base: 1, fields: { form_data: {}, components: {}, consent: null, prev_revision: null } }, {}, d);
    await pushPending(d);
    expect((await d.dossiers.get(DOSSIER))?.receipt?.verdict).toBe('invalid');
    expect((await d.receipts.get(submit.hash))?.reason_vi).toContain('KHÔNG hợp lệ');
  });

  it('a payload altered after signing is refused; items before it still sync and the reason is shown', async () => {
    const { d } = w!;
    await seedMembers(3);
    await d.dossiers.put({ id: DOSSIER, household_id: HH, procedure_code: 'khai-sinh', procedure_version: 1, status: 'draft', sync_state: 'local', values: {}, updated_at: '2026-01-01T00:00:00.000Z' });
    const bad = await queueMutation({ entity: 'dossier', entity_id: DOSSIER, op: 'create', base: 0, fields: { procedure_code: 'khai-sinh', form_data: { child_full_name: 'Giàng A Lử' } } }, {}, d);
    await d.outbox.update(bad.seq, { payload: bad.payload.replace('Giàng A Lử', 'Giàng A Lừa') });
    const error = await pushPending(d).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncStop);
    expect((error as SyncStop).message_vi).toContain('bị thay đổi sau khi ký');
    const rows = await d.outbox.orderBy('seq').toArray();
    expect(rows.map((r) => r.state)).toEqual(['done', 'done', 'done', 'pending']);
    expect(rows[3]!.error_vi).toContain('Chữ ký không hợp lệ');
    expect(await d.dossiers.get(DOSSIER)).toMatchObject({ sync_state: 'rejected' });
  });

  it('stops with the server message when the session expired (401)', async () => {
    const { d, server } = w!;
    await seedMembers(1);
    server.token = 'other';
    const error = (await pushPending(d).catch((e: unknown) => e)) as SyncStop;
    expect(error).toBeInstanceOf(SyncStop);
    expect(error.status).toBe(401);
    expect(await d.outbox.where('state').equals('pending').count()).toBe(1);
  });
});

describe('pipelined push', () => {
  it('sends the next batch while the previous answer is awaited, and applies the answers in chain order', async () => {
    const { d, server } = w!;
    await seedMembers(150, true);
    const original = server.fetch;
    let open = 0;
    let most = 0;
    const slow: typeof fetch = async (input, init) => {
      if (!String(input).includes('/api/sync/push')) return original(input, init);
      open++;
      most = Math.max(most, open);
      try {
        const response = await original(input, init);
        await new Promise((r) => setTimeout(r, 40)); // the answer's way back
        return response;
      } finally {
        open--;
      }
    };
    setTransport(slow);
    const report = await pushPending(d);
    expect(most).toBeGreaterThan(1);
    expect(report.acknowledged).toBe(150);
    const rows = await d.outbox.orderBy('seq').toArray();
    expect(rows.every((r) => r.state === 'done' && r.error_vi === undefined)).toBe(true);
    expect(server.stored.size).toBe(150);
  }, 30_000);

  it('a batch that reaches the server before its predecessor is refused whole (chain_gap) and sent again after it', async () => {
    const { d, server } = w!;
    await seedMembers(150, true);
    const original = server.fetch;
    let pushes = 0;
    let gaps = 0;
    const overtaking: typeof fetch = async (input, init) => {
      if (!String(input).includes('/api/sync/push')) return original(input, init);
      pushes++;
      if (pushes === 2) await new Promise((r) => setTimeout(r, 60)); // the second batch is slow on the way up
      const response = await original(input, init);
      if (response.status === 409) gaps++;
      return response;
    };
    setTransport(overtaking);
    const report = await pushPending(d);
    expect(gaps).toBeGreaterThan(0);
    expect(report.acknowledged).toBe(150);
    const rows = await d.outbox.orderBy('seq').toArray();
    // Nobody's item was blamed for the overtaking: no error text, every row acknowledged once.
    expect(rows.every((r) => r.state === 'done' && r.error_vi === undefined)).toBe(true);
    expect(server.stored.size).toBe(150);
  }, 30_000);
});

describe('item messages', () => {
  it('drop the technical item number and end in a full stop', async () => {
    const { itemMessage } = await import('../src/net/push');
    expect(itemMessage('Mục 0: Chữ ký không hợp lệ')).toBe('Chữ ký không hợp lệ.');
    expect(itemMessage('Chữ ký không hợp lệ.')).toBe('Chữ ký không hợp lệ.');
  });
});
