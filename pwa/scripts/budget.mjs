#!/usr/bin/env node
/** `npm run budget` (after `npm run build`): fails when the volunteer entry JS exceeds the gzip budget. */
import { fileURLToPath } from 'node:url';
import { kb, measure } from './budget-lib.mjs';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
let result;
try {
  result = measure(dist);
} catch (error) {
  console.error(`budget: cannot read the build in ${dist} — run \`npm run build\` first.\n${String(error)}`);
  process.exit(2);
}
for (const f of result.files) console.log(`  entry   ${kb(f.gzip).padStart(9)}  ${f.file}`);
for (const f of result.others) console.log(`  lazy    ${kb(f.gzip).padStart(9)}  ${f.file} (not counted)`);
console.log(`volunteer entry JS: ${kb(result.total)} gzip (budget ${kb(result.budget)})`);
if (!result.ok) {
  console.error(`budget exceeded by ${kb(result.total - result.budget)}`);
  process.exit(1);
}
