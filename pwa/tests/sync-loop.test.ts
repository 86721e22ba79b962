// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backoffDelay, BASE_MS, CAP_MS, getSyncStatus, requestSync, resetSyncForTests, runOnce, subscribe, type SyncStatus } from '../src/net/sync';
import { setTransport } from '../src/api/http';
import { putBlob } from '../src/store/blobs';
import { queueMutation } from '../src/store/outbox';
import { DOSSIER, HH, loggedIn, teardown, type World } from './sync-helpers';

let w: World | undefined;
beforeEach(async () => {
  resetSyncForTests();
  w = await loggedIn();
});
afterEach(() => {
  resetSyncForTests();
  teardown(w);
  w = undefined;
});

describe('backoff', () => {
  it('doubles from the base with jitter in [d/2, d] and is capped', () => {
    expect(backoffDelay(0, () => 0)).toBe(BASE_MS / 2);
    expect(backoffDelay(0, () => 1)).toBe(BASE_MS);
    expect(backoffDelay(3, () => 0)).toBe((BASE_MS * 8) / 2);
    expect(backoffDelay(3, () => 1)).toBe(BASE_MS * 8);
    expect(backoffDelay(30, () => 1)).toBe(CAP_MS);
    expect(backoffDelay(30, () => 0)).toBe(CAP_MS / 2);
    for (let a = 0; a < 12; a++) {
      const d = backoffDelay(a);
      expect(d).toBeGreaterThanOrEqual(Math.min(CAP_MS, BASE_MS * 2 ** a) / 2);
      expect(d).toBeLessThanOrEqual(CAP_MS);
    }
  });
});

describe('one run', () => {
  it('pushes form data first, then photos, then pulls; reports device health only where supported', async () => {
    const { d, server } = w!;
    const photo = await putBlob(new Blob([new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3, 4])], { type: 'image/jpeg' }), d);
    await queueMutation({ entity: 'dossier', entity_id: DOSSIER, op: 'create', base: 0, fields: { procedure_code: 'khai-sinh', components: { a: [photo.sha256] } } }, {}, d);
    server.changes = [{ entity: 'household', id: HH, version: 1, data: { village_id: 'v', address: 'x', head_member_id: null, notes: null, members: [] } }];
    const report = await runOnce(d);
    expect(report?.push?.acknowledged).toBe(1);
    expect(report?.upload?.uploaded).toBe(1);
    expect(report?.pull?.changes).toBe(1);
    const order = server.log.filter((l) => /sync\/push|uploads|sync\/pull/.test(l)).map((l) => l.split(' ')[1]!.split('/').slice(0, 4).join('/'));
    expect(order.indexOf('/api/sync/push')).toBeLessThan(order.indexOf('/api/uploads'));
    expect(order.indexOf('/api/uploads')).toBeLessThan(order.indexOf('/api/sync/pull'));
    expect(server.healthReports).toHaveLength(1); // 404: tried once…
    await runOnce(d);
    expect(server.healthReports).toHaveLength(1); // …then skipped silently
  });

  it('sends a device-health report when the server has the endpoint', async () => {
    const { d, server } = w!;
    server.healthStatus = 200;
    await queueMutation({ entity: 'household', entity_id: HH, op: 'create', base: 0, fields: { address: 'x' } }, {}, d);
    server.decide = () => 'not_processed';
    await runOnce(d);
    expect(server.healthReports[0]).toMatchObject({ device_id: w!.device.id, pending: 1 });
    expect(typeof (server.healthReports[0] as { oldest_pending_at: unknown }).oldest_pending_at).toBe('string');
  });
});

describe('requestSync', () => {
  it('coalesces requests made during a run into one more run', async () => {
    const { server } = w!;
    let pulls = 0;
    setTransport(async (input, init) => {
      if (String(input).startsWith('/api/sync/pull')) pulls++;
      await new Promise((r) => setTimeout(r, 5));
      return server.fetch(input, init);
    });
    const runs = [requestSync('manual'), requestSync('manual'), requestSync('timer'), requestSync('manual')];
    await Promise.all(runs);
    expect(pulls).toBe(2);
    expect(getSyncStatus()).toMatchObject({ phase: 'idle', attempt: 0 });
    expect(getSyncStatus().lastSuccessAt).not.toBeNull();
  });

  it('on failure reports offline, schedules a backed-off retry, and recovers on the next request', async () => {
    const { server } = w!;
    const seen: SyncStatus[] = [];
    const unsubscribe = subscribe((s) => seen.push(s));
    server.offline = true;
    await requestSync('manual');
    let s = getSyncStatus();
    expect(s.phase).toBe('offline');
    expect(s.attempt).toBe(1);
    expect(s.nextRetryAt).toBeGreaterThan(Date.now());
    // A timer tick during back-off does nothing…
    const before = server.log.length;
    await requestSync('timer');
    expect(server.log.length).toBe(before);
    // …"Đồng bộ ngay" ignores it.
    server.offline = false;
    await requestSync('manual');
    s = getSyncStatus();
    expect(s).toMatchObject({ phase: 'idle', attempt: 0, error_vi: null });
    expect(seen.map((x) => x.phase)).toContain('syncing');
    unsubscribe();
  });

  it('shows the server message and flags an expired session', async () => {
    const { d, server } = w!;
    await queueMutation({ entity: 'household', entity_id: HH, op: 'create', base: 0, fields: { address: 'x' } }, {}, d);
    server.token = 'expired';
    await requestSync('manual');
    expect(getSyncStatus()).toMatchObject({ phase: 'error', authExpired: true });
    expect(getSyncStatus().error_vi).toContain('đăng nhập lại');
  });
});
