import { describe, expect, it } from 'vitest';
import { fillSeconds, formatDuration, missingComponents, startFillTimer, submitFields, type ComponentDef } from '../src/features/dossier/model';
import { deriveSyncState, serverStatusLabel, supplementItems } from '../src/features/dossier/status';
import type { TaskRow } from '../src/store/types';
import { CURRENT_VERSION } from '../src/store/schema';
import { upgradeFrom } from './store-harness';

const row = (sync_state: 'local' | 'queued' | 'synced' | 'rejected', status = 'draft', verdict?: 'valid' | 'invalid' | 'unverified') => ({
  sync_state,
  status,
  ...(verdict ? { receipt: { verdict } } : {}),
});

describe('sync state shown to the volunteer', () => {
  it('bản nháp → đã ký, chờ gửi → đã gửi (only with a verified receipt and every file there)', () => {
    expect(deriveSyncState({ row: row('local'), hasDraft: true, signed: false, blobsPending: 0 })).toBe('draft');
    expect(deriveSyncState({ row: row('queued'), hasDraft: true, signed: true, blobsPending: 2 })).toBe('signed');
    // The form data is there, a photo is not: it has not left the phone yet.
    expect(deriveSyncState({ row: row('synced', 'submitted', 'valid'), hasDraft: true, signed: true, blobsPending: 1 })).toBe('signed');
    expect(deriveSyncState({ row: row('synced', 'received', 'valid'), hasDraft: true, signed: true, blobsPending: 0 })).toBe('sent');
  });

  it('never says "đã gửi" for a dossier of this phone without a verified receipt', () => {
    expect(deriveSyncState({ row: row('synced', 'submitted'), hasDraft: true, signed: true, blobsPending: 0 })).toBe('unconfirmed');
    expect(deriveSyncState({ row: row('synced', 'submitted', 'unverified'), hasDraft: true, signed: true, blobsPending: 0 })).toBe('unconfirmed');
    expect(deriveSyncState({ row: row('synced', 'submitted', 'invalid'), hasDraft: true, signed: true, blobsPending: 0 })).toBe('unconfirmed');
  });

  it('a dossier re-opened for a supplement is a draft again until re-signed', () => {
    expect(deriveSyncState({ row: row('synced', 'supplement_requested', 'valid'), hasDraft: true, signed: false, blobsPending: 0 })).toBe('draft');
  });

  it('a dossier only pulled from the server is sent; a refused one says so', () => {
    expect(deriveSyncState({ row: row('synced', 'processing'), hasDraft: false, signed: false, blobsPending: 0 })).toBe('sent');
    expect(deriveSyncState({ row: row('rejected', 'draft'), hasDraft: true, signed: true, blobsPending: 0 })).toBe('rejected');
  });

  it('labels server statuses in Vietnamese from the shared state machine', () => {
    expect(serverStatusLabel('supplement_requested')).toMatch(/bổ sung/i);
    expect(serverStatusLabel('something_new')).toBe('something_new');
  });

  it('reads the officer\'s supplement items and ignores malformed ones', () => {
    const task = {
      id: 't1', dossier_id: 'd1', kind: 'supplement_request', status: 'open', version: 1,
      items: [{ component_code: 'giay-chung-sinh', label_vi: 'Giấy chứng sinh', problem: 'Ảnh bị mờ' }, null, { field: 'x' }],
    } as TaskRow;
    expect(supplementItems(task)).toEqual([{ component_code: 'giay-chung-sinh', label_vi: 'Giấy chứng sinh', problem: 'Ảnh bị mờ' }]);
  });
});

describe('fill timer', () => {
  it('starts at the first interaction and never restarts', () => {
    const started = startFillTimer({ fill_started_at: undefined as string | undefined }, new Date('2026-03-02T08:00:00Z'));
    expect(started.fill_started_at).toBe('2026-03-02T08:00:00.000Z');
    expect(startFillTimer(started, new Date('2026-03-02T09:00:00Z')).fill_started_at).toBe('2026-03-02T08:00:00.000Z');
  });

  it('counts whole seconds to the signature, never negative', () => {
    expect(fillSeconds('2026-03-02T08:00:00.000Z', new Date('2026-03-02T08:03:12.900Z'))).toBe(192);
    expect(fillSeconds('2026-03-02T08:00:00.000Z', new Date('2026-03-02T07:59:00Z'))).toBe(0);
    expect(fillSeconds(undefined, new Date())).toBeUndefined();
  });

  it('reads "3 phút 12 giây"', () => {
    expect(formatDuration(192)).toBe('3 phút 12 giây');
    expect(formatDuration(45)).toBe('45 giây');
    expect(formatDuration(3725)).toBe('1 giờ 2 phút 5 giây');
    expect(formatDuration(192, 'en')).toBe('3 min 12 s');
  });

  it('is sent only when known', () => {
    const base = { data: {}, components: {}, consent: { signature_sha256: 'a'.repeat(64), signer_name: ' A ', signed_at: 'x' }, prevRevision: null };
    expect(submitFields(base)).not.toHaveProperty('fill_seconds');
    expect(submitFields({ ...base, fillStartedAt: 's', fillSeconds: 12 })).toMatchObject({ fill_started_at: 's', fill_seconds: 12 });
    expect((submitFields(base).consent as { signer_name: string }).signer_name).toBe('A');
  });
});

describe('checklist', () => {
  const defs: ComponentDef[] = [
    { code: 'a', name: { vi: 'A' }, required: true, min_count: 2, accepted: ['image'] },
    { code: 'b', name: { vi: 'B' }, required: false, min_count: 1, accepted: ['image'] },
  ];
  const ref = (sha: string) => ({ sha256: sha, size: 1, type: 'image/jpeg', added_at: '' });

  it('requires the minimum count of every required component only', () => {
    expect(missingComponents(defs, {}).map((m) => [m.component.code, m.have, m.need])).toEqual([['a', 0, 2]]);
    expect(missingComponents(defs, { a: [ref('1')] }).map((m) => m.have)).toEqual([1]);
    expect(missingComponents(defs, { a: [ref('1'), ref('2')] })).toEqual([]);
  });
});

describe('schema v3 (dossier drafts and ratings)', () => {
  it('keeps v2 dossiers and outbox rows and adds the wizard tables', async () => {
    const db = await upgradeFrom(2, async (old) => {
      await old.table('dossiers').add({ id: 'd1', household_id: 'h1', procedure_code: 'khai-sinh', procedure_version: 1, status: 'draft', sync_state: 'local', values: { a: 1 }, updated_at: '2026-01-01T00:00:00.000Z' });
      await old.table('outbox').add({ entity: 'dossier', entity_id: 'd1', op: 'create', fields: {}, created_at: '2026-01-01T00:00:00.000Z', state: 'pending' });
    });
    expect(db.verno).toBeGreaterThanOrEqual(3);
    expect(db.verno).toBe(CURRENT_VERSION);
    expect((await db.dossiers.get('d1'))?.values).toEqual({ a: 1 });
    expect(await db.outbox.where('state').equals('pending').count()).toBe(1);
    await db.table('dossier_drafts').put({ dossier_id: 'd1', household_id: 'h1', updated_at: 'x' });
    await db.table('dossier_ratings').put({ id: 'r1', dossier_id: 'd1' });
    expect(await db.table('dossier_drafts').where('household_id').equals('h1').count()).toBe(1);
    expect(await db.table('dossier_ratings').where('dossier_id').equals('d1').count()).toBe(1);
    db.close();
  });
});
