#!/usr/bin/env node
// Writes packages/dashboards/generated/ from the built package (run `npx tsc -b packages/dashboards` first).
//   node packages/dashboards/scripts/generate.mjs [--check]
// --check: exit 1 if a committed file differs from what the code generates.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { renderGeneratedFiles } = require('../dist/index.js');
const out = join(dirname(new URL(import.meta.url).pathname), '..', 'generated');
const check = process.argv.includes('--check');
let stale = 0;
for (const [rel, content] of Object.entries(renderGeneratedFiles())) {
  const p = join(out, rel);
  if (check) {
    let cur = '';
    try { cur = readFileSync(p, 'utf8'); } catch { /* missing */ }
    if (cur !== content) { console.error(`stale: generated/${rel}`); stale++; }
    continue;
  }
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  console.log(`wrote generated/${rel}`);
}
process.exit(stale ? 1 : 0);
