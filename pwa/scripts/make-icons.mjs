#!/usr/bin/env node
/**
 * Draws the app icons (a white house on the brand green) as PNG with no dependencies:
 * shapes are sampled 4×4 per pixel for anti-aliasing, encoded with node:zlib and a hand-rolled CRC.
 * Output: public/icons/icon-192.png, icon-512.png (rounded, transparent corners) and
 * maskable-512.png (full bleed, house inside the 80% safe zone). Re-run: `npm run icons`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

/** @type {[number, number, number]} */
const BRAND = [0x0f, 0x51, 0x32];
/** @type {[number, number, number]} */
const WHITE = [0xff, 0xff, 0xff];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** @param {Buffer} buf */
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = /** @type {number} */ (CRC_TABLE[(c ^ byte) & 0xff]) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** @param {string} type @param {Buffer} data */
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** @param {number} size @param {Uint8Array} rgba */
export function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Colour at unit-square point (u, v) ∈ [0,1]², or null for transparent.
 * @param {number} u @param {number} v @param {{maskable: boolean}} opts
 * @returns {[number, number, number] | null}
 */
function shade(u, v, opts) {
  // Background: full bleed for maskable, rounded square otherwise.
  if (!opts.maskable) {
    const r = 0.18;
    const cx = Math.min(Math.max(u, r), 1 - r);
    const cy = Math.min(Math.max(v, r), 1 - r);
    if ((u - cx) ** 2 + (v - cy) ** 2 > r * r) return null;
  }
  // House geometry in a box scaled to the safe zone (maskable content must fit the central 80% circle).
  const s = opts.maskable ? 0.62 : 0.74;
  const x = (u - 0.5) / s + 0.5;
  const y = (v - 0.5) / s + 0.5;
  const roofTop = 0.14, roofBase = 0.5, bodyBottom = 0.88;
  const inRoof = y >= roofTop && y <= roofBase && Math.abs(x - 0.5) <= ((y - roofTop) / (roofBase - roofTop)) * 0.44;
  const inBody = y > roofBase - 0.001 && y <= bodyBottom && x >= 0.2 && x <= 0.8;
  const inDoor = y >= 0.62 && y <= bodyBottom && x >= 0.42 && x <= 0.58;
  const inWindow = y >= 0.56 && y <= 0.68 && ((x >= 0.26 && x <= 0.36) || (x >= 0.64 && x <= 0.74));
  if ((inRoof || inBody) && !inDoor && !inWindow) return WHITE;
  return BRAND;
}

/** @param {number} size @param {{maskable: boolean}} opts */
export function drawIcon(size, opts) {
  const rgba = new Uint8Array(size * size * 4);
  const n = 4; // supersampling per axis
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = shade((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size, opts);
          if (!c) continue;
          r += c[0]; g += c[1]; b += c[2]; a += 1;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        rgba[i] = Math.round(r / a);
        rgba[i + 1] = Math.round(g / a);
        rgba[i + 2] = Math.round(b / a);
      }
      rgba[i + 3] = Math.round((a / (n * n)) * 255);
    }
  }
  return encodePng(size, rgba);
}

const outDir = new URL('../public/icons/', import.meta.url);
mkdirSync(outDir, { recursive: true });
writeFileSync(new URL('icon-192.png', outDir), drawIcon(192, { maskable: false }));
writeFileSync(new URL('icon-512.png', outDir), drawIcon(512, { maskable: false }));
writeFileSync(new URL('maskable-512.png', outDir), drawIcon(512, { maskable: true }));
console.log('icons written to public/icons/');
