// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setTransport } from '../src/api/http';
import { refreshKeys } from '../src/net/keys';
import { checkResults, resultPdfPath } from '../src/net/results';
import { compactText, localResultState, parseRecord, pdfProblem, verifyResult } from '../src/verify/results-check';
import type { ResultRow } from '../src/store/types';
import { canonicalBytes, canonicalText } from '../src/sync/canonical';
import { sha256Hex } from '../src/sync/hashing';
import { deviceKeyFromBytes, sign, type DeviceKey } from '../src/sync/signatures';
import { USER } from './fake-server';
import { DOSSIER, teardown, loggedIn, type World } from './sync-helpers';

let w: World | undefined;
beforeEach(async () => {
  w = await loggedIn();
});
afterEach(() => {
  teardown(w);
  w = undefined;
});

const RESULT_ID = '55555555-5555-4555-8555-555555555555';
const ISSUED = '2026-03-09T02:03:04.567Z';
const CODE = '000.00.14.H29-260309-0001';

/** A result entity as backend/results/service.py `result_entity` sends it, signed with `key`. */
async function signedResult(key: DeviceKey, keyIdText: string, dossierId = DOSSIER): Promise<{ data: Record<string, unknown>; pdf: Uint8Array }> {
  const content = {
    v: 1,
    dossier_id: dossierId,
    official_code: CODE,
    procedure_code: 'khai-sinh',
    procedure_version: 1,
    procedure_name: 'Đăng ký khai sinh',
    document_kind: 'Giấy khai sinh',
    document_number: '12/2026',
    outcome: 'approved',
    summary: 'Cấp Giấy khai sinh cho cháu Giàng Thị Mai.',
    applicant_name: 'Giàng A Páo',
    commune_id: USER.commune_id,
    commune_name: 'Pu Sam Cáp',
    issued_at: ISSUED,
    fields: [{ label: 'Họ tên', value: 'Giàng Thị Mai' }],
  };
  const record = {
    commune_id: USER.commune_id,
    dossier_id: dossierId,
    issued_at: ISSUED,
    key_id: keyIdText,
    official_code: CODE,
    outcome: 'approved',
    result_sha256: await sha256Hex(canonicalBytes(content)),
    v: 1,
  };
  const text = canonicalText(record);
  const sig = await sign('Ed25519', key.privateKey, new TextEncoder().encode(text));
  const qr = compactText(parseRecord(text)!, sig);
  const pdf = new TextEncoder().encode(`%PDF-1.4\n1 0 obj << /Keywords (${qr}) >> endobj\n%%EOF\n`);
  return {
    data: {
      dossier_id: dossierId,
      official_code: CODE,
      outcome: 'approved',
      document_kind: content.document_kind,
      document_number: content.document_number,
      summary: content.summary,
      issued_at: ISSUED,
      record: text,
      sig,
      key_id: keyIdText,
      result_sha256: record.result_sha256,
      content,
      qr_text: qr,
      pdf_sha256: await sha256Hex(pdf),
      pdf_url: resultPdfPath(RESULT_ID),
    },
    pdf,
  };
}

/** The fake server, plus GET /api/results/{id}.pdf answering `pdf` (counted). */
function servePdf(pdf: () => Uint8Array): { gets: number } {
  const seen = { gets: 0 };
  const inner = w!.server.fetch;
  setTransport(async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, 'http://fake');
    if (url.pathname === resultPdfPath(RESULT_ID)) {
      if (w!.server.offline) throw new TypeError('Failed to fetch');
      seen.gets++;
      return new Response(pdf() as Uint8Array<ArrayBuffer>, { status: 200, headers: { 'Content-Type': 'application/pdf' } });
    }
    return inner(input, init);
  });
  return seen;
}

async function storeResult(data: Record<string, unknown>, dossierId = DOSSIER): Promise<void> {
  const row: ResultRow = { id: RESULT_ID, dossier_id: dossierId, version: 1, data };
  await w!.d.results.put(row);
}

describe('signed results, verified on the device', () => {
  it('a result signed by the commune key is valid for its dossier and names the commune', async () => {
    const { d, server } = w!;
    const keys = (await refreshKeys(d))!.keys;
    const { data } = await signedResult(server.commune, server.communeKeyId);
    const check = await verifyResult(data, DOSSIER, keys, 1);
    expect(check).toMatchObject({ verdict: 'valid', commune_name: 'Pu Sam Cáp', key_id: server.communeKeyId, version: 1 });
    expect((await verifyResult(data, '66666666-6666-4666-8666-666666666666', keys, 1)).verdict).toBe('invalid');
  });

  it('the compact QR text is the backend\u2019s (backend/results/qr.py to_compact)', () => {
    const record = parseRecord(
      '{"commune_id":"14170","dossier_id":"44444444-4444-4444-8444-444444444444","issued_at":"2026-03-09T02:03:04.567Z","key_id":"0123456789abcdef","official_code":"000.00.14.H29-260309-0001","outcome":"approved","result_sha256":"abababababababababababababababababababababababababababababababab","v":1}',
    )!;
    expect(compactText(record, 'c2lnbmF0dXJl')).toBe(
      'LSR1.14170.RERERERERESERERERERERA.1773021784567.0123456789abcdef.a.q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s.c2lnbmF0dXJl.000.00.14.H29-260309-0001',
    );
  });

  it('a tampered record, content or shown fact is invalid', async () => {
    const { d, server } = w!;
    const keys = (await refreshKeys(d))!.keys;
    const { data } = await signedResult(server.commune, server.communeKeyId);
    const record = data['record'] as string;
    const rejected = { ...data, record: record.replace('"approved"', '"rejected"'), outcome: 'rejected' };
    expect(await verifyResult(rejected, DOSSIER, keys, 1)).toMatchObject({ verdict: 'invalid', reason_vi: expect.stringContaining('Chữ ký') });
    const otherDossier = { ...data, record: record.replace(DOSSIER, '66666666-6666-4666-8666-666666666666') };
    expect((await verifyResult(otherDossier, DOSSIER, keys, 1)).verdict).toBe('invalid');
    const content = { ...(data['content'] as object), summary: 'Từ chối.' };
    expect(await verifyResult({ ...data, content, summary: 'Từ chối.' }, DOSSIER, keys, 1)).toMatchObject({ verdict: 'invalid', reason_en: expect.stringContaining('content') });
    expect(await verifyResult({ ...data, summary: 'Từ chối.' }, DOSSIER, keys, 1)).toMatchObject({ verdict: 'invalid', reason_en: expect.stringContaining('shown') });
    expect((await verifyResult({ ...data, record: record.replace('{', '{ ') }, DOSSIER, keys, 1)).verdict).toBe('invalid');
    expect((await verifyResult({ ...data, sig: 'AAAA' }, DOSSIER, keys, 1)).verdict).toBe('invalid');
    expect((await verifyResult({ ...data, record: 42 }, DOSSIER, keys, 1)).verdict).toBe('invalid');
  });

  it('a result signed with another key is invalid; one whose key is not cached is unverified', async () => {
    const { d, server } = w!;
    const keys = (await refreshKeys(d))!.keys;
    const forger = await deviceKeyFromBytes('Ed25519', new Uint8Array(32).fill(9));
    // Claims the commune's key id, signed by another key.
    const forged = await signedResult(forger, server.communeKeyId);
    expect(await verifyResult(forged.data, DOSSIER, keys, 1)).toMatchObject({ verdict: 'invalid', reason_en: expect.stringContaining('signature') });
    // A key id the device does not know: not invalid, not valid either.
    const unknown = await signedResult(forger, 'ffffffffffffffff');
    expect((await verifyResult(unknown.data, DOSSIER, keys, 1)).verdict).toBe('unverified');
    // Keys known but the result's key sits under another commune: refused as unknown.
    const moved = keys.map((k) => ({ ...k, commune_id: 'other' }));
    const good = await signedResult(server.commune, server.communeKeyId);
    expect((await verifyResult(good.data, DOSSIER, moved, 1)).verdict).toBe('unverified');
  });
});

describe('the sync loop stores the verdict and the PDF, which then opens offline', () => {
  it('stores a valid verdict and the verified PDF, fetched once; the screen state re-checks both offline', async () => {
    const { d, server } = w!;
    await refreshKeys(d);
    const { data, pdf } = await signedResult(server.commune, server.communeKeyId);
    const seen = servePdf(() => pdf);
    await storeResult(data);
    expect(await checkResults(d)).toEqual({ checked: 1, fetched: 1 });
    const row = (await d.results.get(RESULT_ID))!;
    expect(row.check).toMatchObject({ verdict: 'valid', version: 1 });
    expect(row.pdf).toMatchObject({ state: 'ok', sha256: data['pdf_sha256'], size: pdf.length });
    const blob = await d.blobs.get(data['pdf_sha256'] as string);
    expect(blob).toMatchObject({ mime: 'application/pdf', state: 'uploaded' });
    expect(await checkResults(d)).toEqual({ checked: 0, fetched: 0 });
    expect(seen.gets).toBe(1);

    server.offline = true;
    const local = await localResultState(row, d);
    expect(local.check.verdict).toBe('valid');
    expect(new Uint8Array(await local.pdf!.arrayBuffer())).toEqual(pdf);
  });

  it('a PDF whose hash does not match is not stored and not offered', async () => {
    const { d, server } = w!;
    await refreshKeys(d);
    const { data, pdf } = await signedResult(server.commune, server.communeKeyId);
    const altered = new Uint8Array(pdf);
    altered[altered.length - 3] = 0x21;
    expect(await pdfProblem(altered, data)).toBe('hash');
    // Same hash claimed for a file that does not carry this result's signature.
    const unbound = new TextEncoder().encode('%PDF-1.4\n%%EOF\n');
    expect(await pdfProblem(unbound, { ...data, pdf_sha256: await sha256Hex(unbound) })).toBe('unbound');

    servePdf(() => altered);
    await storeResult(data);
    expect(await checkResults(d)).toEqual({ checked: 1, fetched: 0 });
    const row = (await d.results.get(RESULT_ID))!;
    expect(row.check?.verdict).toBe('valid');
    expect(row.pdf).toMatchObject({ state: 'mismatch', reason_vi: expect.stringContaining('SHA-256') });
    expect(await d.blobs.get(data['pdf_sha256'] as string)).toBeUndefined();
    expect((await localResultState(row, d)).pdf).toBeUndefined();
  });

  it('a forged result is stored as invalid and its PDF is never fetched', async () => {
    const { d, server } = w!;
    await refreshKeys(d);
    const forger = await deviceKeyFromBytes('Ed25519', new Uint8Array(32).fill(9));
    const { data, pdf } = await signedResult(forger, server.communeKeyId);
    const seen = servePdf(() => pdf);
    await storeResult(data);
    await checkResults(d);
    expect((await d.results.get(RESULT_ID))?.check?.verdict).toBe('invalid');
    expect(seen.gets).toBe(0);
  });

  it('a row edited in storage after the check shows as invalid on the screen', async () => {
    const { d, server } = w!;
    await refreshKeys(d);
    const { data, pdf } = await signedResult(server.commune, server.communeKeyId);
    servePdf(() => pdf);
    await storeResult(data);
    await checkResults(d);
    const row = (await d.results.get(RESULT_ID))!;
    expect(row.check?.verdict).toBe('valid');
    const edited: ResultRow = { ...row, data: { ...row.data, document_number: '99/2026' } };
    await d.results.put(edited);
    server.offline = true;
    const local = await localResultState(edited, d);
    expect(local.check.verdict).toBe('invalid');
    expect(local.pdf).toBeUndefined();
  });

  it('checks an unverified result again once the key arrives, and a newer version again', async () => {
    const { d, server } = w!;
    const { data, pdf } = await signedResult(server.commune, server.communeKeyId);
    servePdf(() => pdf);
    await storeResult(data);
    await checkResults(d, { online: false });
    expect((await d.results.get(RESULT_ID))?.check?.verdict).toBe('unverified');
    // Online: the unknown key id makes the loop fetch the published keys.
    await checkResults(d);
    expect((await d.results.get(RESULT_ID))?.check?.verdict).toBe('valid');
    await d.results.put({ id: RESULT_ID, dossier_id: DOSSIER, version: 2, data: { ...data, summary: 'khác' } });
    await checkResults(d);
    expect((await d.results.get(RESULT_ID))?.check).toMatchObject({ verdict: 'invalid', version: 2 });
  });
});
