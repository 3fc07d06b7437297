// Issue 18: under the preloads, an instrumentation's code is loaded when the library it
// instruments is first required or imported, not at start; start() from code is eager.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { runLines, withEsmApp } from './lib/child.mjs';

const require = createRequire(import.meta.url);
const { packageOf } = require('../dist/lazy.js');
const { syncHooksSupported } = require('../dist/esm-hook.js');

test('packageOf: bare specifiers, sub-paths, paths and URLs inside node_modules', () => {
  assert.equal(packageOf('openai'), 'openai');
  assert.equal(packageOf('openai/resources/chat'), 'openai');
  assert.equal(packageOf('@langchain/core/callbacks/manager'), '@langchain/core');
  assert.equal(packageOf('@scope'), undefined);
  assert.equal(packageOf('./client'), undefined);
  assert.equal(packageOf('node:http'), undefined);
  assert.equal(packageOf('/app/node_modules/pg/lib/client.js'), 'pg');
  assert.equal(packageOf('/app/node_modules/.pnpm/openai@7.59.0/node_modules/openai/index.js'), 'openai');
  assert.equal(packageOf('file:///app/node_modules/@google/genai/dist/index.mjs'), '@google/genai');
  assert.equal(packageOf('C:\\app\\node_modules\\ws\\index.js'), 'ws');
  assert.equal(packageOf(''), undefined);
  assert.equal(packageOf(undefined), undefined);
});

// prints which instrumentation code is loaded at start, after `require('ws')` and after `require('express')`
const PROBE = `
const loaded = () => Object.keys(require.cache).filter((k) => /instrumentation-(ws|express|openai|anthropic|mcp|ai|langchain)\\/dist|@opentelemetry\\/instrumentation\\/|require-in-the-middle/.test(k)).map((k) => k.replace(/.*node_modules\\//, '').replace(/.*packages\\//, '').split('/').slice(0, k.includes('@opentelemetry') ? 2 : 1).join('/'));
const at = (label) => console.log(label + ' ' + JSON.stringify([...new Set(loaded())].sort()));
at('start');
const { WebSocketServer } = require('ws');
at('ws');
const express = require('express');
at('express');
console.log('patched ' + String(typeof express.Router === 'function'));
`;

const run = (args, extraEnv) => runLines(args, extraEnv).out;

test('--require: nothing of an instrumentation is loaded until its library is', () => {
  const out = run(['--require', '@agentmeter/sdk/register', '-e', PROBE]);
  assert.deepEqual(JSON.parse(out.start), [], 'at start');
  const ws = JSON.parse(out.ws);
  assert.ok(ws.includes('instrumentation-ws'), `after require('ws'): ${out.ws}`);
  assert.ok(ws.includes('@opentelemetry/instrumentation'), out.ws);
  assert.ok(!ws.includes('instrumentation-express'), out.ws);
  assert.ok(JSON.parse(out.express).includes('instrumentation-express'), out.express);
  assert.ok(!JSON.parse(out.express).includes('instrumentation-openai'), 'openai is never loaded: its instrumentation neither');
});

test('--require: AGENTMETER_INSTRUMENTATIONS still decides what may load', () => {
  const out = run(['--require', '@agentmeter/sdk/register', '-e', PROBE], { AGENTMETER_INSTRUMENTATIONS: 'http,express' });
  assert.deepEqual(JSON.parse(out.ws), [], 'ws is off: its instrumentation never loads');
  assert.ok(JSON.parse(out.express).includes('instrumentation-express'));
});

test('--import: an ESM import of the library loads its instrumentation, which records', () => {
  const source = `const loaded = () => Object.keys(require.cache).some((k) => /instrumentation-ws\\/dist/.test(k));
console.log('start ' + loaded());
const { WebSocketServer, WebSocket } = await import('ws');
console.log('ws ' + loaded());
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
await new Promise((r) => wss.once('listening', r));
const c = new WebSocket('ws://127.0.0.1:' + wss.address().port);
await new Promise((r) => c.once('open', r));
c.close(); wss.close();
const { getHandle } = require('@agentmeter/sdk');
const text = await getHandle().metrics();
console.log('metrics ' + /^websocket_server_active_connections\\{/m.test(text));
`;
  const out = withEsmApp(source, (app) => run(['--import', '@agentmeter/sdk/register', app]));
  assert.equal(out.start, 'false');
  assert.equal(out.ws, 'true');
  assert.equal(out.metrics, 'true');
});

test('start() from code turns instrumentations on at once (the app may have loaded its libraries)', () => {
  const out = run(['-e', `const { start } = require('@agentmeter/sdk'); const h = start({ port: 0, instrumentations: ['ai'] }); console.log('loaded ' + Object.keys(require.cache).some((k) => /instrumentation-ai\\/dist/.test(k))); h.shutdown();`]);
  assert.equal(out.loaded, 'true');
});

test('--import: import-in-the-middle\'s loader hook loads at the first import of an instrumented package, not at start nor for require()', { skip: !syncHooksSupported() && 'a loader thread on this Node: the hook is registered at start' }, () => {
  const source = `const iitm = () => Object.keys(require.cache).some((k) => k.endsWith('/import-in-the-middle/create-hook.mjs'));
console.log('start ' + iitm());
await import('node:http');
await import(${JSON.stringify(new URL('../dist/config.js', import.meta.url).href)});
console.log('others ' + iitm());
require('ws');
console.log('required ' + iitm());
const { WebSocketServer } = await import('ws');
console.log('imported ' + iitm() + ' ' + (typeof WebSocketServer));
`;
  const out = withEsmApp(source, (app) => run(['--import', '@agentmeter/sdk/register', app]));
  assert.equal(out.start, 'false');
  assert.equal(out.others, 'false', 'a builtin and a file outside the include list');
  assert.equal(out.required, 'false', 'require() is require-in-the-middle\'s');
  assert.equal(out.imported, 'true function');
});
