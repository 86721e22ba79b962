/**
 * On-device "document mode" compression for photos of papers, before they are stored and synced
 * over 2G, tuned so the officer can still read them: long edge about 1600 px, WebP when the
 * browser really encodes WebP, otherwise JPEG, quality stepped down only to a floor (0.7) to fit a
 * budget of about 250 KB per page; past the floor the picture is made smaller instead, never
 * blurrier. Black-and-white paper (almost no colour, no red stamp or blue signature) is encoded in
 * greyscale when that is smaller.
 * docs/benchmarks.md ("Document photos") measures bytes and SSIM of this code in Chromium.
 *
 * Invariants:
 *  - The output type is the type of the blob the encoder RETURNED, never the one requested:
 *    Safari's canvas.toBlob('image/webp') silently yields PNG, which would be large and mislabelled.
 *  - Re-encoding drops EXIF (GPS position of the household) and applies the photo's orientation.
 *  - The quality never goes below the last of `qualities`.
 *  - Never throws for "too big": the smallest attempt is returned with `withinTarget: false`, and
 *    the UI shows the size so the volunteer can retake.
 * Failure modes: `CompressionError` when the file cannot be decoded as an image or no encoder works.
 */

export const DOCUMENT_MODE = {
  longEdge: 1600,
  maxBytes: 250 * 1024,
  /** Tried in order until the result fits; the last one is the floor. */
  qualities: [0.92, 0.88, 0.84, 0.8, 0.75, 0.7] as readonly number[],
  /** When even the floor quality is too big, shrink the long edge by these factors. */
  scales: [1, 0.85, 0.72] as readonly number[],
  /** Encode paper in greyscale when that saves bytes. */
  greyscale: true,
} as const;

export type DocumentMode = {
  longEdge: number;
  maxBytes: number;
  qualities: readonly number[];
  scales: readonly number[];
  greyscale?: boolean;
};

export type OutputType = 'image/webp' | 'image/jpeg';

export class CompressionError extends Error {
  readonly code = 'compression_failed';
}

export interface CompressedImage {
  blob: Blob;
  type: OutputType;
  /** True when the page was encoded in greyscale. */
  grey: boolean;
  width: number;
  height: number;
  quality: number;
  originalSize: number;
  withinTarget: boolean;
}

/** Encodes the current drawing; resolves null when the browser cannot encode at all. */
export type EncodeFn = (type: OutputType, quality: number) => Promise<Blob | null>;

/** Size that fits `longEdge` while keeping the aspect ratio; never enlarges. */
export function scaledSize(width: number, height: number, longEdge: number): { width: number; height: number } {
  const long = Math.max(width, height);
  if (long <= longEdge || long === 0) return { width, height };
  const f = longEdge / long;
  return { width: Math.max(1, Math.round(width * f)), height: Math.max(1, Math.round(height * f)) };
}

/**
 * Which format this browser really produces: asks for WebP once and checks the returned type.
 * The probe's blob is returned so it is not encoded twice.
 */
export async function probeFormat(encode: EncodeFn, quality: number): Promise<{ type: OutputType; first: Blob | null }> {
  const webp = await encode('image/webp', quality).catch(() => null);
  if (webp && webp.type === 'image/webp') return { type: 'image/webp', first: webp };
  return { type: 'image/jpeg', first: null };
}

/**
 * Steps the quality down until the blob is at most `maxBytes`. Returns the first that fits, or the
 * smallest one produced.
 */
export async function encodeWithinBudget(
  encode: EncodeFn,
  type: OutputType,
  mode: Pick<DocumentMode, 'maxBytes' | 'qualities'>,
  first: Blob | null = null,
): Promise<{ blob: Blob; quality: number; withinTarget: boolean }> {
  let best: { blob: Blob; quality: number } | undefined;
  for (let i = 0; i < mode.qualities.length; i++) {
    const quality = mode.qualities[i]!;
    const blob = i === 0 && first ? first : await encode(type, quality);
    if (!blob || blob.size === 0) continue;
    if (!best || blob.size < best.blob.size) best = { blob, quality };
    if (blob.size <= mode.maxBytes) return { blob, quality, withinTarget: true };
  }
  if (!best) throw new CompressionError(`no ${type} encoder`);
  return { ...best, withinTarget: false };
}

/** Mean colourfulness (max − min channel, 0–255) of a sample of RGBA pixels. */
export function colourfulness(rgba: Uint8ClampedArray, step = 97): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i + 3 < rgba.length; i += 4 * step) {
    const r = rgba[i]!, g = rgba[i + 1]!, b = rgba[i + 2]!;
    sum += Math.max(r, g, b) - Math.min(r, g, b);
    n++;
  }
  return n ? sum / n : 0;
}

/** Share (0–1) of sampled pixels whose colourfulness is above `threshold`: stamps, blue ink. */
export function saturatedShare(rgba: Uint8ClampedArray, threshold = 48, step = 13): number {
  let hit = 0;
  let n = 0;
  for (let i = 0; i + 3 < rgba.length; i += 4 * step) {
    const r = rgba[i]!, g = rgba[i + 1]!, b = rgba[i + 2]!;
    if (Math.max(r, g, b) - Math.min(r, g, b) > threshold) hit++;
    n++;
  }
  return n ? hit / n : 0;
}

/** Below this mean colourfulness a photo is taken for paper. */
export const PAPER_COLOURFULNESS = 28;
/**
 * Above this share of strongly coloured pixels the colour is kept anyway: a red stamp or a
 * signature in blue ink tells an original from a photocopy.
 */
export const PAPER_INK_SHARE = 0.002;

/** Luma (Rec. 601) into all three channels, in place. */
export function toGreyscale(rgba: Uint8ClampedArray): void {
  for (let i = 0; i + 3 < rgba.length; i += 4) {
    const y = Math.round(0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]!);
    rgba[i] = y;
    rgba[i + 1] = y;
    rgba[i + 2] = y;
  }
}

type Ctx2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

interface Drawn {
  encode: EncodeFn;
  /** True when the drawing looks like black-and-white paper; undefined where pixels cannot be read. */
  paper: boolean | undefined;
  /** Turns the drawing grey; false where pixels cannot be read. */
  makeGrey(): boolean;
}

type Source = { width: number; height: number; image: CanvasImageSource; close?: () => void };

async function decode(file: Blob): Promise<Source> {
  if (typeof createImageBitmap === 'function') {
    try {
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
      return { width: bitmap.width, height: bitmap.height, image: bitmap, close: () => bitmap.close() };
    } catch {
      /* older engines reject the options bag or the format: try an <img> below */
    }
  }
  if (typeof Image === 'undefined' || typeof URL.createObjectURL !== 'function') {
    throw new CompressionError('cannot decode image');
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return { width: img.naturalWidth, height: img.naturalHeight, image: img };
  } catch {
    throw new CompressionError('cannot decode image');
  } finally {
    // Revoked after drawing would be safer for lazy decoders, but decode() has resolved here.
    URL.revokeObjectURL(url);
  }
}

function pixelsOf(ctx: Ctx2D, width: number, height: number): ImageData | undefined {
  if (typeof ctx.getImageData !== 'function') return undefined;
  try {
    return ctx.getImageData(0, 0, width, height);
  } catch {
    return undefined; // a tainted or unreadable canvas: colour is kept
  }
}

function draw(source: Source, width: number, height: number): Drawn {
  let ctx: Ctx2D;
  let encode: EncodeFn;
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    const c = canvas.getContext('2d');
    if (!c) throw new CompressionError('no 2d context');
    ctx = c;
    encode = (type, quality) => canvas.convertToBlob({ type, quality }).catch(() => null);
  } else {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const c = canvas.getContext('2d');
    if (!c) throw new CompressionError('no 2d context');
    ctx = c;
    encode = (type, quality) => new Promise((resolve) => canvas.toBlob(resolve, type, quality));
  }
  paint(ctx, source.image, width, height);
  const pixels = pixelsOf(ctx, width, height);
  return {
    encode,
    paper: pixels ? colourfulness(pixels.data) < PAPER_COLOURFULNESS && saturatedShare(pixels.data) < PAPER_INK_SHARE : undefined,
    makeGrey() {
      if (!pixels || typeof ctx.putImageData !== 'function') return false;
      toGreyscale(pixels.data);
      ctx.putImageData(pixels, 0, 0);
      return true;
    },
  };
}

function paint(ctx: Ctx2D, image: CanvasImageSource, width: number, height: number): void {
  // White under transparent pixels: JPEG has no alpha and would turn them black.
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(image, 0, 0, width, height);
}

/** Compress a photo of a document (see module doc). */
export async function compressImage(file: Blob, mode: DocumentMode = DOCUMENT_MODE): Promise<CompressedImage> {
  const source = await decode(file);
  try {
    if (!source.width || !source.height) throw new CompressionError('empty image');
    const top = mode.qualities[0] ?? 0.9;
    let format: OutputType | undefined;
    let grey: boolean | undefined;
    let smallest: CompressedImage | undefined;
    for (const scale of mode.scales) {
      const size = scaledSize(source.width, source.height, Math.round(mode.longEdge * scale));
      let drawn = draw(source, size.width, size.height);
      let first: Blob | null = null;
      if (!format) ({ type: format, first } = await probeFormat(drawn.encode, top));
      if (grey === undefined) {
        // Decided once, on the first drawing: greyscale only for paper, and only if smaller.
        grey = false;
        const paper = mode.greyscale !== false && drawn.paper === true;
        if (paper) {
          const colour = first ?? (await drawn.encode(format, top));
          if (drawn.makeGrey()) {
            const greyBlob = await drawn.encode(format, top);
            grey = !!greyBlob && (!colour || greyBlob.size < colour.size);
            first = grey ? greyBlob : colour;
            if (!grey) drawn = draw(source, size.width, size.height); // back to colour
          } else {
            first = colour;
          }
        }
      } else if (grey) {
        drawn.makeGrey();
      }
      const out = await encodeWithinBudget(drawn.encode, format, mode, first);
      const result: CompressedImage = {
        blob: out.blob,
        type: format,
        grey,
        width: size.width,
        height: size.height,
        quality: out.quality,
        originalSize: file.size,
        withinTarget: out.withinTarget,
      };
      if (out.withinTarget) return result;
      if (!smallest || result.blob.size < smallest.blob.size) smallest = result;
    }
    if (!smallest) throw new CompressionError('no encoding');
    return smallest;
  } finally {
    source.close?.();
  }
}

/** True for a PDF by its first bytes (the server decides types by content too). */
export async function isPdf(file: Blob): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 5).arrayBuffer());
  return String.fromCharCode(...head) === '%PDF-';
}

/** "184 KB", "1,2 MB" — Vietnamese decimal comma. */
export function formatBytes(bytes: number, lang: 'vi' | 'en' = 'vi'): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = (bytes / (1024 * 1024)).toFixed(1);
  return `${lang === 'vi' ? mb.replace('.', ',') : mb} MB`;
}
