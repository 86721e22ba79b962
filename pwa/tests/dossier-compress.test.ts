import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  colourfulness,
  compressImage,
  DOCUMENT_MODE,
  encodeWithinBudget,
  formatBytes,
  probeFormat,
  saturatedShare,
  scaledSize,
  toGreyscale,
  type EncodeFn,
} from '../src/media/compress';
import { acceptAttribute, prepareFile, UnsupportedFileError } from '../src/media/prepare';

/** Bytes per pixel per unit of quality of the fake encoders: 1600×1200 at q 0.92 ≈ 431 KB. */
const JPEG_BPP = 0.25;
const BUDGET = DOCUMENT_MODE.maxBytes;
const FLOOR = DOCUMENT_MODE.qualities[DOCUMENT_MODE.qualities.length - 1]!;

interface FakeCanvasLog {
  sizes: [number, number][];
  requests: { type: string; quality: number; grey: boolean }[];
}

/**
 * A fake OffscreenCanvas whose encoder output size grows with pixels and quality. `webp` says
 * whether the "browser" really encodes WebP; when false it returns PNG like Safari's toBlob.
 */
function installFakeCanvas(opts: { webp: boolean; bpp?: number; source?: [number, number]; pixel?: [number, number, number]; greySaves?: number }): FakeCanvasLog {
  const log: FakeCanvasLog = { sizes: [], requests: [] };
  const bpp = opts.bpp ?? JPEG_BPP;
  const [sw, sh] = opts.source ?? [4000, 3000];
  class FakeOffscreenCanvas {
    constructor(
      public width: number,
      public height: number,
    ) {
      log.sizes.push([width, height]);
    }
    grey = false;
    getContext(): object {
      const ctx: Record<string, unknown> = { fillStyle: '', imageSmoothingQuality: '', fillRect: vi.fn(), drawImage: vi.fn() };
      if (opts.pixel) {
        // Every pixel the same colour: enough for the paper test and the greyscale switch.
        ctx.getImageData = (_x: number, _y: number, w: number, h: number) => {
          const data = new Uint8ClampedArray(w * h * 4);
          const [r, g, b] = opts.pixel!;
          new Uint32Array(data.buffer).fill(new Uint32Array(new Uint8ClampedArray([r, g, b, 255]).buffer)[0]!);
          return { data, width: w, height: h };
        };
        ctx.putImageData = (img: { data: Uint8ClampedArray }) => {
          this.grey = img.data[0] === img.data[1] && img.data[1] === img.data[2];
        };
      }
      return ctx;
    }
    async convertToBlob(o: { type: string; quality: number }): Promise<Blob> {
      log.requests.push({ ...o, grey: this.grey });
      const pixels = this.width * this.height;
      if (o.type === 'image/webp' && !opts.webp) return new Blob([new Uint8Array(pixels)], { type: 'image/png' });
      const factor = (o.type === 'image/webp' ? 0.7 : 1) * (this.grey ? (opts.greySaves ?? 0.85) : 1);
      return new Blob([new Uint8Array(Math.round(pixels * o.quality * bpp * factor))], { type: o.type });
    }
  }
  vi.stubGlobal('OffscreenCanvas', FakeOffscreenCanvas);
  vi.stubGlobal('createImageBitmap', vi.fn(async () => ({ width: sw, height: sh, close: vi.fn() })));
  return log;
}

const photo = (): Blob => new Blob([new Uint8Array(3_500_000)], { type: 'image/jpeg' });

afterEach(() => vi.unstubAllGlobals());

describe('document-mode compression', () => {
  it('falls back to JPEG when the browser returns PNG for a WebP request (Safari), within the budget, never below the quality floor', async () => {
    const log = installFakeCanvas({ webp: false });
    const out = await compressImage(photo());
    expect(out.type).toBe('image/jpeg');
    expect(out.blob.type).toBe('image/jpeg');
    expect(out.blob.size).toBeLessThanOrEqual(BUDGET);
    expect(out.withinTarget).toBe(true);
    // WebP was asked for exactly once (the probe); everything after it is JPEG.
    expect(log.requests.filter((r) => r.type === 'image/webp')).toHaveLength(1);
    expect(log.requests.slice(1).every((r) => r.type === 'image/jpeg')).toBe(true);
    // At 1600 px even the floor was too big, so the page was made smaller, not blurrier:
    // every quality down to the floor at full size, then again from the top at 0.85.
    expect(log.requests.every((r) => r.quality >= FLOOR)).toBe(true);
    expect(log.sizes.map(([w]) => w)).toEqual([1600, 1360]);
    expect(1600 * 1200 * FLOOR * JPEG_BPP).toBeGreaterThan(BUDGET);
    expect([out.width, out.height]).toEqual([1360, 1020]);
    expect(out.quality).toBeGreaterThanOrEqual(FLOOR);
    expect(out.originalSize).toBe(3_500_000);
    expect(out.grey).toBe(false); // the fake canvas cannot be read: colour is kept
  });

  it('keeps WebP when the browser really produces it, stepping quality down only as far as needed', async () => {
    const log = installFakeCanvas({ webp: true });
    const out = await compressImage(photo());
    expect(out.type).toBe('image/webp');
    expect(out.blob.size).toBeLessThanOrEqual(BUDGET);
    expect([out.width, out.height]).toEqual([1600, 1200]);
    const qualities = log.requests.map((r) => r.quality);
    expect(qualities).toEqual(DOCUMENT_MODE.qualities.slice(0, qualities.length));
    const previous = qualities[qualities.length - 2]!;
    expect(1600 * 1200 * previous * JPEG_BPP * 0.7).toBeGreaterThan(BUDGET);
  });

  it('encodes paper in greyscale when that is smaller, and keeps colour for a colourful photo', async () => {
    installFakeCanvas({ webp: true, pixel: [236, 232, 226] });
    const paper = await compressImage(photo());
    expect(paper.grey).toBe(true);
    expect(paper.blob.size).toBeLessThanOrEqual(BUDGET);
    vi.unstubAllGlobals();
    installFakeCanvas({ webp: true, pixel: [236, 232, 226], greySaves: 1.1 });
    expect((await compressImage(photo())).grey).toBe(false); // grey would not save bytes
    vi.unstubAllGlobals();
    const log = installFakeCanvas({ webp: true, pixel: [200, 60, 40] }); // a stamp everywhere
    const colourful = await compressImage(photo());
    expect(colourful.grey).toBe(false);
    expect(log.requests.some((r) => r.grey)).toBe(false);
  });

  it('measures colour and converts to luma', () => {
    const px = new Uint8ClampedArray([255, 0, 0, 255, 10, 10, 10, 255]);
    expect(colourfulness(px, 1)).toBe(127.5);
    expect(saturatedShare(px, 96, 1)).toBe(0.5);
    toGreyscale(px);
    expect([...px]).toEqual([76, 76, 76, 255, 10, 10, 10, 255]);
  });

  it('shrinks further, then returns the smallest attempt flagged as over the target', async () => {
    const log = installFakeCanvas({ webp: false, bpp: 2 });
    const out = await compressImage(photo());
    expect(out.withinTarget).toBe(false);
    // Every scale was tried; the result is the smallest (last scale, floor quality).
    expect(log.sizes.map(([w]) => w)).toEqual(DOCUMENT_MODE.scales.map((s) => Math.round(1600 * s)));
    expect(out.quality).toBe(FLOOR);
    expect(out.width).toBe(Math.round(1600 * DOCUMENT_MODE.scales[DOCUMENT_MODE.scales.length - 1]!));
  });

  it('never enlarges a small image', async () => {
    installFakeCanvas({ webp: false, source: [800, 600] });
    const out = await compressImage(photo());
    expect([out.width, out.height]).toEqual([800, 600]);
  });

  it('probeFormat trusts the returned type, not the requested one', async () => {
    const png: EncodeFn = async () => new Blob(['x'], { type: 'image/png' });
    const nothing: EncodeFn = async () => null;
    const webp: EncodeFn = async (type) => new Blob(['x'], { type });
    expect((await probeFormat(png, 0.8)).type).toBe('image/jpeg');
    expect((await probeFormat(nothing, 0.8)).type).toBe('image/jpeg');
    expect((await probeFormat(webp, 0.8)).type).toBe('image/webp');
  });

  it('encodeWithinBudget fails clearly when no encoder works', async () => {
    await expect(encodeWithinBudget(async () => null, 'image/jpeg', DOCUMENT_MODE)).rejects.toThrow(/encoder/);
  });

  it('scales the long edge in portrait too', () => {
    expect(scaledSize(3000, 4000, 1600)).toEqual({ width: 1200, height: 1600 });
    expect(scaledSize(1000, 500, 1600)).toEqual({ width: 1000, height: 500 });
  });

  it('formats sizes with a Vietnamese decimal comma', () => {
    expect(formatBytes(184 * 1024)).toBe('184 KB');
    expect(formatBytes(1.25 * 1024 * 1024)).toBe('1,3 MB');
    expect(formatBytes(1.25 * 1024 * 1024, 'en')).toBe('1.3 MB');
  });
});

describe('prepareFile', () => {
  beforeEach(() => installFakeCanvas({ webp: false }));

  it('keeps a PDF byte for byte, recognised by content', async () => {
    const pdf = new Blob(['%PDF-1.7\n...'], { type: '' });
    const out = await prepareFile(pdf, ['image', 'pdf']);
    expect(out.type).toBe('application/pdf');
    expect(out.size).toBe(pdf.size);
  });

  it('refuses a PDF where only images are accepted', async () => {
    await expect(prepareFile(new Blob(['%PDF-1.4']), ['image'])).rejects.toBeInstanceOf(UnsupportedFileError);
  });

  it('compresses images', async () => {
    const out = await prepareFile(photo(), ['image', 'pdf']);
    expect(out.type).toBe('image/jpeg');
    expect(out.size).toBeLessThanOrEqual(BUDGET);
  });

  it('builds the file picker accept list from the accepted kinds', () => {
    expect(acceptAttribute(['image', 'pdf'])).toBe('image/*,application/pdf,.pdf');
    expect(acceptAttribute(['image'])).toBe('image/*');
  });
});
