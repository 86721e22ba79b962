// @vitest-environment node
/**
 * The ZXing WebAssembly file the build copies into dist/assets (imported with ?url by
 * src/features/scan/detector.ts, so it is served from our own origin and precached) must be the
 * very file the barcode-detector ponyfill's JavaScript glue was built for.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ZXING_WASM_SHA256, ZXING_WASM_VERSION } from 'barcode-detector/ponyfill';

describe('the ZXing WebAssembly file', () => {
  it('is the one the ponyfill was built for, byte for byte', () => {
    const pkg = JSON.parse(readFileSync(new URL('../node_modules/zxing-wasm/package.json', import.meta.url), 'utf8')) as { version: string };
    expect(pkg.version).toBe(ZXING_WASM_VERSION);
    const wasm = readFileSync(new URL('../node_modules/zxing-wasm/dist/reader/zxing_reader.wasm', import.meta.url));
    expect(createHash('sha256').update(wasm).digest('hex')).toBe(ZXING_WASM_SHA256);
  });
});
