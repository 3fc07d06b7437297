// Preload and configuration behaviour (issue 3 item 5/6): env errors fail at start naming
// the variable, port in use is named in a warning (never an exit, issue 12), double preload and require+import of http never
// double count, AGENTMETER_ENABLED=false turns everything off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { runNode } from '@agentmeter/test-utils/proc';
import { freePort } from '@agentmeter/test-utils/net';

const fixture = (f) => fileURLToPath(new URL(`../fixtures/${f}`, import.meta.url));
const quiet = { NODE_NO_WARNINGS: '1' };

const badEnv = [
  ['AGENTMETER_METRICS_PORT', 'abc'],
  ['AGENTMETER_METRICS_PORT', '70000'],
  ['AGENTMETER_INSTRUMENTATIONS', 'http,bogus'],
  ['AGENTMETER_ENABLED', 'maybe'],
  ['AGENTMETER_CARDINALITY_LIMIT', '-5'],
  ['AGENTMETER_METRICS_PATH', 'metrics'],
  ['AGENTMETER_METRICS_TOKEN_FILE', '/nonexistent/token'],
  ['AGENTMETER_OTLP_ENDPOINT', 'not a url'],
  ['OTEL_RESOURCE_ATTRIBUTES', 'novalue'],
];
for (const [name, value] of badEnv) {
  for (const flag of ['--require', '--import']) {
    test(`${flag}: ${name}=${value} fails at start naming the variable`, async () => {
      const r = await runNode([flag, '@agentmeter/sdk/register', '-e', 'console.log("app ran")'], { env: { ...quiet, [name]: value, AGENTMETER_METRICS_PORT: name === 'AGENTMETER_METRICS_PORT' ? value : '0' } });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, new RegExp(name));
      assert.doesNotMatch(r.stdout, /app ran/);
    });
  }
}

test('a metrics port in use is a warning naming the port, not an exit (issue 12)', async () => {
  const blocker = createServer();
  await new Promise((r) => blocker.listen(0, '127.0.0.1', r));
  const port = blocker.address().port;
  try {
    const r = await runNode(['--require', '@agentmeter/sdk/register', '-e', 'setTimeout(() => console.log("app ran"), 1500)'], { env: { AGENTMETER_METRICS_PORT: String(port) } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /app ran/);
    assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}: port already in use`));
    assert.match(r.stderr, /AGENTMETER_METRICS_PORT/);
  } finally {
    blocker.close();
  }
});

test('node --require + --import of the preload, and require+import of http, count each request once', async () => {
  const port = await freePort();
  const r = await runNode(['--require', '@agentmeter/sdk/register', '--import', '@agentmeter/sdk/register', '--require', '@agentmeter/sdk/register', fixture('http-both.mjs')], {
    env: { ...quiet, AGENTMETER_METRICS_PORT: String(port) },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^server_count 10$/m);
});

test('AGENTMETER_ENABLED=false: no metrics server, app runs normally', async () => {
  const port = await freePort();
  const r = await runNode(
    ['--require', '@agentmeter/sdk/register', '-e', `require('http').get('http://127.0.0.1:${port}/metrics').on('error', (e) => { console.log('closed ' + e.code); })`],
    { env: { ...quiet, AGENTMETER_ENABLED: 'false', AGENTMETER_METRICS_PORT: String(port) } },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /closed ECONNREFUSED/);
});

test('the preload does not keep a finished script alive', async () => {
  const t0 = Date.now();
  const r = await runNode(['--require', '@agentmeter/sdk/register', '-e', 'console.log("done")'], { env: { ...quiet, AGENTMETER_METRICS_PORT: '0' } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /done/);
  assert.ok(Date.now() - t0 < 20_000);
});

test('agentmeter run starts an ESM app with the preload and serves /metrics', async () => {
  const port = await freePort();
  const bin = fileURLToPath(new URL('../../packages/sdk/bin/agentmeter.js', import.meta.url));
  const script = `import http from 'node:http';
const s = http.createServer((q, r) => r.end('x'));
s.listen(0, '127.0.0.1', async () => {
  await fetch('http://127.0.0.1:' + s.address().port + '/').then((r) => r.text());
  const t = await fetch('http://127.0.0.1:${port}/metrics').then((r) => r.text());
  console.log(/^http_server_request_duration_seconds_count\\{[^}]*\\} 1$/m.test(t) ? 'scraped-ok' : t);
  s.close();
});`;
  const r = await runNode([bin, 'run', '--port', String(port), '--', 'node', '--input-type=module', '-e', script], { env: quiet });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /scraped-ok/);
});

test('agentmeter --help and bad usage', async () => {
  const bin = fileURLToPath(new URL('../../packages/sdk/bin/agentmeter.js', import.meta.url));
  const h = await runNode([bin, '--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /agentmeter run/);
  assert.match(h.stdout, /cost estimate/);
  const bad = await runNode([bin, 'run', '--bogus', '1', '--', 'node', '-e', '0']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown option --bogus/);
});
