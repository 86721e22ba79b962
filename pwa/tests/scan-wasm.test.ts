// @vitest-environment node
/**
 * The ZXing WebAssembly file the build copies into dist/assets (imported with ?url by
 * src/features/scan/detector.ts, so it is served from our own origin and precached) must be the
 * very file the barcode-detector ponyfill's JavaScript glue was built for.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ZXING_WASM_SHA256, ZXING_WASM_VERSION } from 'barcode-detector/ponyfill';
import { qrDetector, ZXING_WASM_URL } from '../src/features/scan/detector';

describe('the ZXing WebAssembly file', () => {
  it('is the one the ponyfill was built for, byte for byte', () => {
    const pkg = JSON.parse(readFileSync(new URL('../node_modules/zxing-wasm/package.json', import.meta.url), 'utf8')) as { version: string };
    expect(pkg.version).toBe(ZXING_WASM_VERSION);
    const wasm = readFileSync(new URL('../node_modules/zxing-wasm/dist/reader/zxing_reader.wasm', import.meta.url));
    expect(createHash('sha256').update(wasm).digest('hex')).toBe(ZXING_WASM_SHA256);
  });
});

describe('qrDetector', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('uses the browser\'s own BarcodeDetector when it reads QR codes', async () => {
    class Native {
      static getSupportedFormats = async (): Promise<string[]> => ['ean_13', 'qr_code'];
      constructor(readonly options: { formats: string[] }) {}
      detect = async (): Promise<{ rawValue: string }[]> => [{ rawValue: 'a|b' }];
    }
    vi.stubGlobal('BarcodeDetector', Native);
    const detector = await qrDetector();
    expect(detector.kind).toBe('native');
    expect(await detector.detect({} as ImageBitmapSource)).toEqual(['a|b']);
  });

  it('falls back to the ZXing ponyfill, which fetches the .wasm from our own origin', async () => {
    const fetched: string[] = [];
    const wasm = readFileSync(new URL('../node_modules/zxing-wasm/dist/reader/zxing_reader.wasm', import.meta.url));
    vi.stubGlobal('fetch', async (url: string | URL | Request) => {
      fetched.push(String(url instanceof Request ? url.url : url));
      return new Response(wasm, { headers: { 'content-type': 'application/wasm' } });
    });
    // biome-ignore lint/complexity/noStaticOnlyClass: stands in for the BarcodeDetector class
    class NoQr {
      static getSupportedFormats = async (): Promise<string[]> => ['ean_13'];
    }
    vi.stubGlobal('BarcodeDetector', NoQr);
    expect((await qrDetector()).kind).toBe('wasm');
    vi.stubGlobal('BarcodeDetector', undefined);
    expect((await qrDetector()).kind).toBe('wasm');
    expect(ZXING_WASM_URL).toMatch(/^\/.*zxing_reader\.wasm$/);
    await vi.waitFor(() => expect(fetched.length).toBeGreaterThan(0));
    expect(new Set(fetched)).toEqual(new Set([ZXING_WASM_URL]));
  });
});
