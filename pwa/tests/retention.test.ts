/**
 * What leaves the phone (branch vault, issue 14 item 2): document photos once the receipt is
 * verified and the server holds them; closed dossiers after the retention period the server
 * delivers; never anything pending.
 */
import { describe, expect, it } from 'vitest';
import { putBlob } from '../src/store/blobs';
import type { LangsoDB } from '../src/store/db';
import { closedDossierDays, evictReceiptedPhotos, purgeClosedDossiers, saveClosedDossierDays } from '../src/store/retention';
import { freshDb } from './store-harness';

const NOW = Date.parse('2026-12-06T00:00:00Z');
const DAY = 86_400_000;

async function dossierWithFiles(d: LangsoDB, id: string, opts: { status: string; updatedAt: string; receipt?: 'valid' | 'unverified'; outboxState?: string }): Promise<{ doc: string; sig: string }> {
  const doc = (await putBlob(new Blob([new Uint8Array([1, 2, 3, id.length])], { type: 'image/jpeg' }), d)).sha256;
  const sig = (await putBlob(new Blob([new Uint8Array([9, 9, id.length])], { type: 'image/png' }), d)).sha256;
  await d.blobs.update(doc, { state: 'uploaded' });
  await d.blobs.update(sig, { state: 'uploaded' });
  await d.dossiers.put({ id, household_id: 'h1', procedure_code: 'khai-sinh', procedure_version: 1, status: opts.status, sync_state: 'synced', values: {}, updated_at: opts.updatedAt, ...(opts.receipt ? { receipt: { id: 'r-' + id, verdict: opts.receipt } } : {}) } as never);
  await d.outbox.add({ entity: 'dossier', entity_id: id, op: 'submit', fields: { components: { giay: [doc] }, consent: { signature_sha256: sig } }, created_at: opts.updatedAt, state: opts.outboxState ?? 'done' } as never);
  await d.receipts.put({ id: 'r-' + id, dossier_id: id, received_at: opts.updatedAt, body: {} });
  return { doc, sig };
}

describe('photos leave the phone after a verified receipt', () => {
  it('drops uploaded document photos of receipted dossiers only; keeps the signature and unreceipted files', async () => {
    const d = freshDb();
    const a = await dossierWithFiles(d, 'd-a', { status: 'received', updatedAt: '2026-12-01T00:00:00Z', receipt: 'valid' });
    const b = await dossierWithFiles(d, 'd-bb', { status: 'received', updatedAt: '2026-12-01T00:00:00Z', receipt: 'unverified' });
    expect(await evictReceiptedPhotos(d)).toBe(1);
    expect(await d.blobs.get(a.doc)).toBeUndefined();
    expect(await d.blobs.get(a.sig)).toBeDefined();
    expect(await d.blobs.get(b.doc)).toBeDefined();
    d.close();
  });

  it('keeps a photo the server does not hold yet', async () => {
    const d = freshDb();
    const a = await dossierWithFiles(d, 'd-a', { status: 'received', updatedAt: '2026-12-01T00:00:00Z', receipt: 'valid' });
    await d.blobs.update(a.doc, { state: 'uploading' });
    expect(await evictReceiptedPhotos(d)).toBe(0);
    expect(await d.blobs.get(a.doc)).toBeDefined();
    d.close();
  });
});

describe('closed dossiers are purged after the retention period', () => {
  it('uses the delivered setting (default 30 days), purges old closed ones with their files, keeps open, recent and pending ones', async () => {
    const d = freshDb();
    expect(await closedDossierDays(d)).toBe(30);
    await saveClosedDossierDays(d, 10);
    await saveClosedDossierDays(d, -1); // refused: kept 10
    expect(await closedDossierDays(d)).toBe(10);
    const old = new Date(NOW - 11 * DAY).toISOString();
    const recent = new Date(NOW - 5 * DAY).toISOString();
    const gone = await dossierWithFiles(d, 'd-old', { status: 'result_returned', updatedAt: old, receipt: 'valid' });
    await dossierWithFiles(d, 'd-recent', { status: 'result_returned', updatedAt: recent });
    await dossierWithFiles(d, 'd-open', { status: 'received', updatedAt: old });
    await dossierWithFiles(d, 'd-pending', { status: 'withdrawn', updatedAt: old, outboxState: 'pending' });
    expect(await purgeClosedDossiers(d, NOW)).toBe(1);
    expect((await d.dossiers.toArray()).map((x) => x.id).sort()).toEqual(['d-open', 'd-pending', 'd-recent']);
    expect(await d.blobs.get(gone.doc)).toBeUndefined();
    expect(await d.blobs.get(gone.sig)).toBeUndefined();
    expect(await d.receipts.where('dossier_id').equals('d-old').count()).toBe(0);
    expect(await d.outbox.where('entity_id').equals('d-old').count()).toBe(0);
    expect(await d.outbox.where('entity_id').equals('d-pending').count()).toBe(1);
    d.close();
  });
});
