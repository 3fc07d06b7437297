// Issue 12: package managers that inherit the preload through NODE_OPTIONS are not the app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { isLauncher } = require('../dist/run-parent.js');

test('npm, npx, pnpm, yarn, corepack and the agentmeter CLI are launchers; apps are not', () => {
  for (const p of [
    '/usr/bin/npm',
    '/usr/lib/node_modules/npm/bin/npm-cli.js',
    '/usr/lib/node_modules/npm/bin/npx-cli.js',
    '/home/u/.local/bin/pnpm',
    '/usr/local/lib/node_modules/pnpm/bin/pnpm.cjs',
    '/usr/local/bin/yarn',
    '/usr/local/lib/node_modules/corepack/dist/corepack.js',
    'C:\\Program Files\\nodejs\\node_modules\\npm\\bin\\npm-cli.js',
    '/app/node_modules/@agentmeter/sdk/bin/agentmeter.js',
  ])
    assert.equal(isLauncher(p), true, p);
  for (const p of [undefined, '/app/server.js', '/app/npm-tools/index.js', '/srv/yarn-app/main.cjs', '/app/node_modules/next/dist/bin/next', '/app/dist/npm.js'])
    assert.equal(isLauncher(p), false, String(p));
});
