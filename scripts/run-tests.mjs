#!/usr/bin/env node
// Finds every test file and runs them with node's test runner.
//   node scripts/run-tests.mjs [unit|e2e|all] [filter]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const which = process.argv[2] ?? 'all';
const filter = process.argv[3];
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.test\.(mjs|cjs|js)$/.test(name)) files.push(relative(root, p));
  }
}
for (const d of ['packages', 'test', 'examples', 'bench', 'docs']) {
  try { walk(join(root, d)); } catch { /* missing dir */ }
}
const isE2e = (f) => f.startsWith('test/e2e/') || f.includes('/e2e/');
let selected = files.filter((f) => (which === 'unit' ? !isE2e(f) : which === 'e2e' ? isE2e(f) : true));
if (filter) selected = selected.filter((f) => f.includes(filter));
selected.sort();
if (selected.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=240000', ...selected], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, AGENTMETER_TEST: '1' },
});
process.exit(r.status ?? 1);
