// Cost of guessing the PIN offline from a copied profile (docs/privacy.md): one guess is one
// Argon2id derivation with the PWA's parameters (pwa/src/store/vault.ts ARGON2_PARAMS) followed by
// one AES-GCM tag check (negligible). Measures guesses per second on ONE core of this machine with
// the same WebAssembly build the PWA ships (hash-wasm), and extrapolates the exhaustive search.
//
//   node bench/pin_guess_cost.mjs [guesses=40]
import { createRequire } from 'node:module';
const require = createRequire(new URL('../pwa/package.json', import.meta.url));
const { argon2id } = require('hash-wasm');

const PARAMS = { memorySize: 19_456, iterations: 2, parallelism: 1 }; // keep in step with vault.ts
const n = Number(process.argv[2] ?? 40);
const salt = crypto.getRandomValues(new Uint8Array(16));
await argon2id({ password: '0000', salt, ...PARAMS, hashLength: 32, outputType: 'binary' }); // warm-up
const t0 = performance.now();
for (let i = 0; i < n; i++) {
  await argon2id({ password: String(i).padStart(6, '0'), salt, ...PARAMS, hashLength: 32, outputType: 'binary' });
}
const ms = (performance.now() - t0) / n;
const perSec = 1000 / ms;
const fmt = (s) => (s < 3600 ? `${(s / 60).toFixed(1)} min` : s < 86400 * 2 ? `${(s / 3600).toFixed(1)} h` : `${(s / 86400).toFixed(1)} days`);
console.log(`Argon2id m=${PARAMS.memorySize} KiB t=${PARAMS.iterations} p=${PARAMS.parallelism}: ${ms.toFixed(1)} ms per guess, ${perSec.toFixed(1)} guesses/s on one core (${n} guesses)`);
for (const digits of [4, 6, 8]) {
  const space = 10 ** digits;
  console.log(`  ${digits}-digit PIN: ${space.toLocaleString('en')} candidates → whole space ${fmt(space / perSec)} on 1 core, ${fmt(space / perSec / 64)} on 64 cores`);
}
