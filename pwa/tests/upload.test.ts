// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHUNK_SIZE, uploadPending } from '../src/net/upload';
import { OfflineError } from '../src/api/http';
import { putBlob } from '../src/store/blobs';
import { loggedIn, teardown, type World } from './sync-helpers';

let w: World | undefined;
beforeEach(async () => {
  w = await loggedIn();
});
afterEach(() => {
  teardown(w);
  w = undefined;
});

function photo(size: number, seed = 1): Blob {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  bytes.set([0xff, 0xd8, 0xff]);
  return new Blob([bytes], { type: 'image/jpeg' });
}

async function queued(size: number, seed = 1): Promise<string> {
  const stored = await putBlob(photo(size, seed), w!.d);
  await w!.d.blobs.update(stored.sha256, { state: 'pending' });
  return stored.sha256;
}

describe('resumable upload', () => {
  it('sends 64 KiB chunks and marks the blob uploaded once the server verified it', async () => {
    const { d, server } = w!;
    const sha = await queued(200_000);
    const report = await uploadPending(d);
    expect(report).toMatchObject({ uploaded: 1, failed: 0, bytesSent: 200_000 });
    expect(server.log.filter((l) => l.startsWith('PATCH')).length).toBe(Math.ceil(200_000 / CHUNK_SIZE));
    expect(server.blobs.get(sha)?.length).toBe(200_000);
    expect((await d.blobs.get(sha))?.state).toBe('uploaded');
  });

  it('after a dropped chunk, continues from the server offset (HEAD) instead of restarting', async () => {
    const { d, server } = w!;
    const size = 300_000;
    const sha = await queued(size);
    server.dropAfterOffset = 2 * CHUNK_SIZE; // the 2nd chunk is stored, its answer lost
    const report = await uploadPending(d);
    expect(report.uploaded).toBe(1);
    expect(server.log).toContain(`HEAD /api/uploads/${sha}`);
    // Every byte crossed the wire exactly once: no chunk was re-sent.
    expect(server.patchBytesReceived).toBe(size);
    expect(report.bytesSent).toBe(size);
    expect(server.blobs.get(sha)?.length).toBe(size);
  });

  it('when even HEAD fails the run stops, and the next run resumes where the server stopped', async () => {
    const { d, server } = w!;
    const size = 300_000;
    const sha = await queued(size);
    server.dropAfterOffset = 3 * CHUNK_SIZE;
    server.failHeads = 1;
    await expect(uploadPending(d)).rejects.toBeInstanceOf(OfflineError);
    expect((await d.blobs.get(sha))?.state).toBe('uploading');
    expect(server.patchBytesReceived).toBe(3 * CHUNK_SIZE);
    const report = await uploadPending(d); // POST /api/uploads answers the current offset
    expect(report.uploaded).toBe(1);
    expect(server.patchBytesReceived).toBe(size); // 3 chunks once + the rest once
    expect((await d.blobs.get(sha))?.state).toBe('uploaded');
  });

  it('follows the server offset on 409 instead of its own', async () => {
    const { d, server } = w!;
    const size = 150_000;
    const sha = await queued(size);
    // Another attempt already delivered the first chunk (e.g. from before an app restart).
    const bytes = new Uint8Array(await photo(size).arrayBuffer());
    server.uploads.set(sha, { size, data: (() => { const a = new Uint8Array(size); a.set(bytes.subarray(0, CHUNK_SIZE)); return a; })(), offset: CHUNK_SIZE, type: 'image/jpeg' });
    const report = await uploadPending(d);
    expect(report.uploaded).toBe(1);
    expect(server.patchBytesReceived).toBe(size - CHUNK_SIZE);
  });

  it('does not send what the server already has', async () => {
    const { d, server } = w!;
    const sha = await queued(1000);
    server.blobs.set(sha, new Uint8Array(1000));
    const report = await uploadPending(d);
    expect(report.uploaded).toBe(1);
    expect(server.patchBytesReceived).toBe(0);
    expect((await d.blobs.get(sha))?.state).toBe('uploaded');
  });

  it('a refused type is final: marked failed with the Vietnamese reason, never retried', async () => {
    const { d, server } = w!;
    const stored = await putBlob(new Blob(['<html>'], { type: 'text/html' }), d);
    await d.blobs.update(stored.sha256, { state: 'pending' });
    const report = await uploadPending(d);
    expect(report.failed).toBe(1);
    expect(await d.blobs.get(stored.sha256)).toMatchObject({ state: 'failed', error_vi: 'Loại tệp không được chấp nhận.' });
    const before = server.log.length;
    await uploadPending(d);
    expect(server.log.length).toBe(before);
  });
});
