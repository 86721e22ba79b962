/**
 * Size budget of the volunteer entry: the entry chunk plus everything it imports statically
 * (what a volunteer's browser must download before the first screen). Dynamic imports — the
 * officer console in particular — are reported but not counted.
 *
 * Reads Vite's build manifest (dist/.vite/manifest.json, enabled by `build.manifest`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Budget for the volunteer entry JS, gzip bytes. */
export const BUDGET_BYTES = 100 * 1024;

/**
 * @typedef {{ file: string, src?: string, isEntry?: boolean, isDynamicEntry?: boolean,
 *             imports?: string[], dynamicImports?: string[], css?: string[] }} ManifestChunk
 * @typedef {Record<string, ManifestChunk>} Manifest
 */

/**
 * Files of the entry chunks (isEntry) and their transitive static imports, in discovery order.
 * @param {Manifest} manifest
 * @returns {string[]}
 */
export function entryFiles(manifest) {
  /** @type {string[]} */
  const files = [];
  const seen = new Set();
  /** @param {string} key */
  const visit = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`manifest has no entry for ${key}`);
    if (chunk.file.endsWith('.js')) files.push(chunk.file);
    for (const dep of chunk.imports ?? []) visit(dep);
  };
  for (const [key, chunk] of Object.entries(manifest)) {
    if (chunk.isEntry) visit(key);
  }
  return files;
}

/** @param {Uint8Array} bytes */
export function gzipSize(bytes) {
  return gzipSync(bytes, { level: 9 }).length;
}

/**
 * @param {string} distDir
 * @param {number} [budget]
 * @returns {{ files: {file: string, gzip: number}[], total: number, budget: number, ok: boolean,
 *             others: {file: string, gzip: number}[] }}
 */
export function measure(distDir, budget = BUDGET_BYTES) {
  /** @type {Manifest} */
  const manifest = JSON.parse(readFileSync(join(distDir, '.vite', 'manifest.json'), 'utf8'));
  const counted = entryFiles(manifest);
  const size = (/** @type {string} */ file) => ({ file, gzip: gzipSize(readFileSync(join(distDir, file))) });
  const files = counted.map(size);
  const others = [...new Set(Object.values(manifest).map((c) => c.file))]
    .filter((f) => f.endsWith('.js') && !counted.includes(f))
    .map(size);
  const total = files.reduce((sum, f) => sum + f.gzip, 0);
  return { files, total, budget, ok: total <= budget, others };
}

/** @param {number} bytes */
export function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
