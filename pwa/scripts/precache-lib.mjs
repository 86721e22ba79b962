/**
 * The volunteer app must work offline from the first session: every chunk a volunteer route can
 * load (the entry, its CSS, the lazy wizard, Workbox's window helper…) has to be in the service
 * worker's precache manifest, and the officer console must stay out of it (officers work online;
 * volunteers should not store it). Reads Vite's build manifest and the generated sw.js.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Chunks whose file name starts with this are officer-only: never precached (vite.config.ts names them). */
export const OFFICER_CHUNK_PREFIX = 'officer-';

/**
 * URLs listed in the Workbox precache manifest inlined in sw.js (`{url:"…",revision:…}`).
 * @param {string} swText
 * @returns {string[]}
 */
export function precacheUrls(swText) {
  return [...swText.matchAll(/\burl:\s*"([^"]+)"/g)].map((m) => (m[1] ?? '').replace(/^\//, ''));
}

/**
 * @param {Record<string, {file: string, css?: string[], assets?: string[]}>} manifest Vite's build manifest
 * @param {string[]} urls precached URLs
 * @param {string} officerPrefix file-name prefix of officer chunks (vite.config.ts OFFICER_CHUNK_PREFIX)
 * @returns {{ missing: string[], leaked: string[] }} volunteer files not precached; officer files precached
 */
export function checkPrecache(manifest, urls, officerPrefix) {
  const cached = new Set(urls);
  const files = new Set();
  for (const chunk of Object.values(manifest)) {
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
  }
  const isOfficer = (/** @type {string} */ f) => (f.split('/').pop() ?? '').startsWith(officerPrefix);
  const code = [...files].filter((f) => /\.(js|css)$/.test(f)).sort();
  return {
    missing: code.filter((f) => !isOfficer(f) && !cached.has(f)),
    leaked: code.filter((f) => isOfficer(f) && cached.has(f)),
  };
}

/** @param {string} distDir @param {string} officerPrefix */
export function checkDist(distDir, officerPrefix) {
  const manifest = JSON.parse(readFileSync(join(distDir, '.vite', 'manifest.json'), 'utf8'));
  const sw = readFileSync(join(distDir, 'sw.js'), 'utf8');
  const urls = precacheUrls(sw);
  return { ...checkPrecache(manifest, urls, officerPrefix), urls };
}
