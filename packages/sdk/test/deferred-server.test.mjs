// Under the preloads the metrics server (node:http, the process tree, the port) is set up on
// the first turn of the event loop (issue 18): a script that ends before never loads
// node:http nor binds the port; one that keeps running serves /metrics as before; one
// whose only work is `await handle.ready` still gets the address; start() from code opens
// the server at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { freePort } from '@agentmeter/test-utils/net';
import { runLines, withEsmApp } from './lib/child.mjs';

const HANDLE = `globalThis[Symbol.for('agentmeter.sdk.handle')]`;
const httpLoaded = `process.moduleLoadList.includes('NativeModule _http_server')`;

for (const flag of ['--require', '--import']) {
  test(`${flag}: a script that ends before the first event-loop turn loads no node:http and binds no port`, async () => {
    const port = await freePort();
    // the exit handler runs after the loop ended: had the server been opened, node:http would be loaded
    const { out } = runLines([flag, '@agentmeter/sdk/register', '-e', `process.on('exit', () => console.log('http', ${httpLoaded}, 'server', ${HANDLE}.server === undefined ? 'none' : 'open'))`], { AGENTMETER_METRICS_PORT: String(port) });
    assert.equal(out.http, 'false server none');
    // and the port is still free
    const s = createServer();
    await new Promise((resolve, reject) => s.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise((r) => s.close(r));
  });

  test(`${flag}: an app that keeps running serves /metrics; awaiting handle.ready alone is enough`, () => {
    // nothing else keeps this script alive: reading handle.ready opens the server
    const { out } = runLines([flag, '@agentmeter/sdk/register', '-e', `const h = ${HANDLE}; console.log('before', h.server === undefined); h.ready.then(async (a) => { const t = await (await fetch(a.url)).text(); console.log('served', t.includes('process_cpu_time_seconds_total'), h.server !== undefined); })`]);
    assert.equal(out.before, 'true');
    assert.equal(out.served, 'true true');
  });
}

test('an ESM app under --import: its own server keeps the loop alive, the metrics server opens and serves', () => {
  withEsmApp(
    `import http from 'node:http';
const app = http.createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1', async () => {
  const h = ${HANDLE};
  const a = await h.ready;
  const t = await (await fetch(a.url)).text();
  console.log('served', t.includes('http_server_active_requests') || t.includes('process_cpu_time_seconds_total'));
  app.close();
});
`,
    (app) => {
      const { out } = runLines(['--import', '@agentmeter/sdk/register', app]);
      assert.equal(out.served, 'true');
    },
  );
});

test('start() from code opens the server at once; shutdown() before the first turn settles ready', () => {
  const { out } = runLines(['-e', `const { start } = require('@agentmeter/sdk'); const h = start({ port: 0 }); console.log('eager', h.server !== undefined); h.shutdown().then(() => console.log('down', 1))`]);
  assert.equal(out.eager, 'true');
  assert.equal(out.down, '1');
  const r = runLines(['--require', '@agentmeter/sdk/register', '-e', `const h = ${HANDLE}; const ready = h.ready; h.shutdown().then(() => ready).then((a) => console.log('ready', String(a), ${httpLoaded}))`]);
  assert.equal(r.out.ready, 'undefined false');
});

test("when the app's own server starts listening, the metrics port is bound before the app's 'listening' callback", async () => {
  const port = await freePort();
  // net.connect issues its connect() at once: refused unless the port is already listening
  const { out } = runLines(['--require', '@agentmeter/sdk/register', '-e', `const s = require('node:http').createServer((q, r) => r.end()).listen(0, '127.0.0.1', () => {
  const c = require('node:net').connect(${port}, '127.0.0.1');
  c.on('connect', () => { console.log('metrics', 'bound'); c.end(); s.close(); });
  c.on('error', (e) => { console.log('metrics', e.code); s.close(); });
});`], { AGENTMETER_METRICS_PORT: String(port) });
  assert.equal(out.metrics, 'bound');
});
