/** Fails the build when a volunteer chunk is not precached or the officer chunk is (precache-lib.mjs). */
import { fileURLToPath } from 'node:url';
import { checkDist, OFFICER_CHUNK_PREFIX } from './precache-lib.mjs';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const { missing, leaked, urls } = checkDist(dist, OFFICER_CHUNK_PREFIX);
if (missing.length || leaked.length) {
  if (missing.length) console.error(`not precached (volunteer routes would fail offline): ${missing.join(', ')}`);
  if (leaked.length) console.error(`officer chunks in the volunteer precache: ${leaked.join(', ')}`);
  process.exit(1);
}
console.log(`precache: ${urls.length} entries, every volunteer chunk included, officer chunks excluded`);
