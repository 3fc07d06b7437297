// Issue 18: the --import preload's one ESM hook (dist/esm-hook.js). The end-to-end checks
// (import-in-the-middle loaded on the first import of an instrumented package only, ESM
// apps instrumented) are in lazy.test.mjs and every instrumentation's ESM tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { syncHooksSupported, includeMatcher } = require('../dist/esm-hook.js');

test('syncHooksSupported agrees with import-in-the-middle\'s supportsSyncHooks on this Node', async () => {
  const dir = require.resolve('import-in-the-middle/package.json', { paths: [require.resolve('@opentelemetry/instrumentation')] });
  const { supportsSyncHooks } = await import(new URL('supports-sync-hooks.mjs', `file://${dir}`).href);
  assert.equal(syncHooksSupported(), supportsSyncHooks());
});

test('syncHooksSupported: the thresholds of nodejs/node#59929', () => {
  const cases = { '20.19.5': false, '22.15.0': false, '22.22.2': false, '22.22.3': true, '22.23.0': true, '23.11.0': false, '24.11.0': false, '24.11.1': true, '24.21.0': true, '25.0.0': false, '25.1.0': true, '26.0.0': true, '27.1.0': true };
  for (const [v, want] of Object.entries(cases)) assert.equal(syncHooksSupported(v), want, v);
});

test('includeMatcher: package names, sub-path specifiers and patterns against resolved URLs', () => {
  const m = includeMatcher(['openai', '@langchain/core/callbacks/manager', /\/@modelcontextprotocol\/sdk\/dist\/esm\/shared\/protocol\.js$/]);
  assert.equal(m('file:///app/node_modules/openai/index.mjs'), true);
  assert.equal(m('file:///app/node_modules/@langchain/core/dist/callbacks/manager.js'), true);
  assert.equal(m('file:///app/node_modules/@modelcontextprotocol/sdk/dist/esm/shared/protocol.js'), true);
  assert.equal(m('file:///app/node_modules/@modelcontextprotocol/sdk/dist/esm/client/index.js'), false);
  assert.equal(m('file:///app/node_modules/openai-compat/index.mjs'), false);
  assert.equal(m('file:///app/src/openai.mjs'), false);
  assert.equal(m('node:http'), false);
});
