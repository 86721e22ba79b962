/**
 * The catalogue on the phone follows what the server serves: when the province moves a
 * procedure to another version (or a newer one is published), the next reference refresh
 * offers only the served version for new dossiers, and keeps the other for the dossiers
 * already filed with it (backend/province/catalogue.py, ADR 0021).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshReference } from '../src/net/reference';
import { getProcedure, listProcedures } from '../src/store/repo';
import { loggedIn, teardown, type World } from './sync-helpers';

const proc = (version: number): Record<string, unknown> => ({ code: 'khai-sinh', version, name: { vi: `Khai sinh v${version}`, en: 'Birth' } });

describe('procedure versions served to the phone', () => {
  let w: World;
  beforeEach(async () => {
    w = await loggedIn();
  });
  afterEach(() => teardown(w));

  it('offers only the served version and keeps the others for filed dossiers', async () => {
    w.server.procedures = [proc(2)];
    await refreshReference(w.d, Date.now(), true);
    expect((await listProcedures(w.d)).map((p) => p.version)).toEqual([2]);

    w.server.procedures = [proc(1)]; // the province chose version 1
    await refreshReference(w.d, Date.now(), true);
    expect((await listProcedures(w.d)).map((p) => p.version)).toEqual([1]);
    expect((await getProcedure('khai-sinh', 2, w.d))?.served).toBe(false);

    w.server.procedures = [proc(2)]; // and back to the newest
    await refreshReference(w.d, Date.now(), true);
    expect((await listProcedures(w.d)).map((p) => p.version)).toEqual([2]);
    expect((await getProcedure('khai-sinh', 1, w.d))?.served).toBe(false);
  });
});
