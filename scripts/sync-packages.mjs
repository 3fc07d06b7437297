#!/usr/bin/env node
// Derives the wiring of packages from what is on disk and from the sdk's instrumentation
// table, so that adding an instrumentation is one package and one table row:
//   - every packages/<dir> with a package.json is a workspace of the root package.json;
//   - every packages/<dir> with a tsconfig.json is a reference of the root tsconfig.json;
//   - every @agentmeter package named by a row of packages/sdk/src/instrumentation-table.ts
//     is a dependency of the sdk (at that package's version) and a reference of its tsconfig.
//   node scripts/sync-packages.mjs          write what is missing
//   node scripts/sync-packages.mjs --check  exit 1 if something is missing (npm run lint)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');
const json = (f) => JSON.parse(readFileSync(join(root, f), 'utf8'));
const missing = [];
const write = (f, data) => {
  if (!check) writeFileSync(join(root, f), JSON.stringify(data, null, 2) + '\n');
};

const dirs = readdirSync(join(root, 'packages')).filter((d) => existsSync(join(root, 'packages', d, 'package.json'))).sort();

const pkg = json('package.json');
const ws = pkg.workspaces;
for (const d of dirs) if (!ws.includes(`packages/${d}`)) (missing.push(`package.json workspaces: packages/${d}`), ws.splice(ws.indexOf('packages/sdk'), 0, `packages/${d}`));
if (missing.length) write('package.json', pkg);

const ts = json('tsconfig.json');
const n0 = missing.length;
for (const d of dirs) {
  if (!existsSync(join(root, 'packages', d, 'tsconfig.json'))) continue;
  if (!ts.references.some((r) => r.path === `packages/${d}`)) (missing.push(`tsconfig.json references: packages/${d}`), ts.references.push({ path: `packages/${d}` }));
}
if (missing.length > n0) write('tsconfig.json', ts);

const table = readFileSync(join(root, 'packages/sdk/src/instrumentation-table.ts'), 'utf8');
const rowPackages = [...new Set([...table.matchAll(/^\s+package: '(@agentmeter\/[a-z0-9-]+)',$/gm)].map((m) => m[1]))].filter((p) => p !== '@agentmeter/sdk');
const sdk = json('packages/sdk/package.json');
const sdkTs = json('packages/sdk/tsconfig.json');
const n1 = missing.length;
for (const p of rowPackages) {
  const dir = dirs.find((d) => json(`packages/${d}/package.json`).name === p);
  if (!dir) {
    missing.push(`${p}: a row of the instrumentation table names it, but no packages/* holds it`);
    continue;
  }
  const version = json(`packages/${dir}/package.json`).version;
  if (sdk.dependencies[p] !== version) (missing.push(`packages/sdk/package.json dependencies: ${p}@${version}`), (sdk.dependencies[p] = version));
  if (!sdkTs.references.some((r) => r.path === `../${dir}`)) (missing.push(`packages/sdk/tsconfig.json references: ../${dir}`), sdkTs.references.push({ path: `../${dir}` }));
}
if (missing.length > n1) {
  write('packages/sdk/package.json', sdk);
  write('packages/sdk/tsconfig.json', sdkTs);
}

if (missing.length) {
  console.error(`${check ? 'missing' : 'added'}:\n  ${missing.join('\n  ')}${check ? '\nrun node scripts/sync-packages.mjs (then npm install)' : '\nnow run npm install'}`);
  if (check) process.exit(1);
}
