// Issue 5.5: the /metrics endpoint. Binds 127.0.0.1 unless a host is set; warns at start
// when exposed beyond loopback without a token; Bearer and Basic compared in constant
// time (both sides hashed: wrong lengths never throw); token from env or a file, never
// logged; GET/HEAD only (405 otherwise); no query parsing; a small header limit (431);
// 401 with WWW-Authenticate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { start, makeAuthorizer, isLoopback, resolveConfig, METRICS_SERVER_MAX_HEADER_SIZE } from '@agentmeter/sdk';
import { startNode, runNode } from '@agentmeter/test-utils/proc';
import { captureDiagnostics } from './lib.mjs';

const fixture = (f) => fileURLToPath(new URL(`./fixtures/${f}`, import.meta.url));
const diags = captureDiagnostics();
const TOKEN = 'regression-token-4f1c9a7e2b';
const BASIC = 'prom:s3cret-passw0rd';

/** A raw request (no client-side normalisation): resolves { status, headers, body }. */
function raw(port, { method = 'GET', path = '/metrics', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function withServer(opts, fn) {
  const h = start({ port: 0, instrumentations: [], cost: false, ...opts });
  try {
    const addr = await h.ready;
    h.meter.createCounter('hardening.events').add(1);
    await fn(addr, h);
  } finally {
    await h.shutdown();
  }
}

test('binds 127.0.0.1 by default', async () => {
  assert.equal(resolveConfig({ env: {} }).host, '127.0.0.1');
  await withServer({}, async ({ host }, h) => {
    assert.equal(host, '127.0.0.1');
    assert.equal(h.server.address().address, '127.0.0.1');
  });
});

test('warns at start when exposed beyond loopback without a token (and only then)', async () => {
  const exposed = async (host, opts = {}) => {
    diags.reset();
    const h = start({ host, port: 0, instrumentations: [], cost: false, ...opts });
    await h.ready.catch(() => undefined); // 192.0.2.1 (TEST-NET) cannot be bound: nothing is exposed by this test
    await h.shutdown();
    return diags.count('AGENTMETER_METRICS_EXPOSED');
  };
  assert.equal(await exposed('192.0.2.1'), 1);
  assert.equal(await exposed('127.attacker.example'), 1, 'a DNS name starting with 127. is not loopback');
  assert.equal(await exposed('192.0.2.1', { token: TOKEN }), 0);
  assert.equal(await exposed('192.0.2.1', { basicAuth: BASIC }), 0);
  for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) assert.equal(await exposed(h), 0, h);
  for (const h of ['127.0.0.1', '127.255.255.254', '::1', '[::1]', 'localhost']) assert.equal(isLoopback(h), true, h);
  for (const h of ['0.0.0.0', '::', '10.0.0.1', '127.evil.com', '127.0.0.1.nip.io', '1270.0.0.1']) assert.equal(isLoopback(h), false, h);
});

test('preload bound to 0.0.0.0 without a token prints the exposure warning at start', async () => {
  const app = startNode(['--require', '@agentmeter/sdk/register', fixture('diag-app.cjs')], {
    env: { AGENTMETER_METRICS_HOST: '0.0.0.0', AGENTMETER_METRICS_PORT: '0' },
    readyLine: /^ready (\d+) (\d+)/m,
  });
  try {
    await app.ready;
    assert.match(app.stderr, /AGENTMETER_METRICS_EXPOSED.*0\.0\.0\.0/);
  } finally {
    await app.stop();
  }
});

test('Bearer: wrong tokens of every length and shape get 401 with WWW-Authenticate, never 500', async () => {
  await withServer({ token: TOKEN }, async ({ port }) => {
    const wrong = [
      '',
      'x',
      TOKEN.slice(0, -1),
      TOKEN.slice(0, -1) + 'X',
      TOKEN + 'X',
      TOKEN + TOKEN,
      'x'.repeat(6000),
      '\u00e9\u00e8'.repeat(10),
      TOKEN.toUpperCase(),
      ` ${TOKEN}x`,
    ];
    const headers = [undefined, 'Bearer', 'Bearer ', TOKEN, `Basic ${TOKEN}`, `Token ${TOKEN}`, ...wrong.map((w) => `Bearer ${w}`)];
    for (const a of headers) {
      const r = await raw(port, { headers: a === undefined ? {} : { authorization: Buffer.from(a, 'utf8').toString('latin1') } });
      assert.equal(r.status, 401, `authorization ${JSON.stringify(a?.slice(0, 40))}`);
      assert.equal(r.headers['www-authenticate'], 'Bearer realm="agentmeter"');
      assert.doesNotMatch(r.body, /hardening_events/);
    }
    for (const ok of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `Bearer   ${TOKEN}  `]) {
      const r = await raw(port, { headers: { authorization: ok } });
      assert.equal(r.status, 200, ok);
      assert.match(r.body, /^hardening_events_total 1$/m);
    }
    // /health is liveness only: never authenticated, never returns metrics
    const health = await raw(port, { path: '/health' });
    assert.equal(health.status, 200);
    assert.doesNotMatch(health.body, /hardening/);
  });
});

test('Basic: garbage base64, wrong lengths and wrong credentials get 401, never 500', async () => {
  await withServer({ basicAuth: BASIC }, async ({ port }) => {
    const b64 = (s) => Buffer.from(s).toString('base64');
    const wrong = ['', '!!!!', '====', 'not base64 at all', b64(''), b64('prom'), b64('prom:'), b64(BASIC + 'x'), b64(BASIC.slice(0, -1)), b64(BASIC.toUpperCase()), b64(BASIC).slice(0, -2), 'A'.repeat(6000), `${b64(BASIC)}!!`, `${b64(BASIC)} junk`, `${b64(BASIC).slice(0, 4)}.${b64(BASIC).slice(4)}`];
    for (const w of wrong) {
      const r = await raw(port, { headers: { authorization: `Basic ${w}` } });
      assert.equal(r.status, 401, `Basic ${w.slice(0, 30)}`);
      assert.equal(r.headers['www-authenticate'], 'Basic realm="agentmeter"');
    }
    const bearer = await raw(port, { headers: { authorization: `Bearer ${BASIC}` } });
    assert.equal(bearer.status, 401);
    const ok = await raw(port, { headers: { authorization: `Basic ${b64(BASIC)}` } });
    assert.equal(ok.status, 200);
  });
});

test('makeAuthorizer never throws, whatever the input', () => {
  const auth = makeAuthorizer(TOKEN, BASIC);
  const inputs = [undefined, null, '', ' ', 'Bearer', 'Basic', 'Basic \u0000', 'Bearer \ud800', 'Basic ' + '\uffff'.repeat(100), 42, {}, ['Bearer', TOKEN]];
  for (const i of inputs) assert.equal(auth(i), false, String(i));
  assert.equal(auth(`Bearer ${TOKEN}`), true);
  assert.equal(auth(`Basic ${Buffer.from(BASIC).toString('base64')}`), true);
});

test('GET and HEAD only: other methods get 405 with Allow, before authentication', async () => {
  await withServer({ token: TOKEN }, async ({ port }) => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND']) {
      for (const path of ['/metrics', '/health']) {
        const r = await raw(port, { method, path, headers: { authorization: `Bearer ${TOKEN}` } });
        assert.equal(r.status, 405, `${method} ${path}`);
        assert.equal(r.headers.allow, 'GET, HEAD');
        assert.doesNotMatch(r.body, /hardening/);
      }
    }
    const head = await raw(port, { method: 'HEAD', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.ok(Number(head.headers['content-length']) > 0);
  });
});

test('no query parsing: /metrics?x=1 is /metrics and nothing is reflected', async () => {
  await withServer({}, async ({ port }) => {
    const plain = await raw(port);
    const evil = '<script>alert(1)</script>';
    for (const q of ['?x=1', '?name[]=hardening_events_total', `?${encodeURIComponent(evil)}`, '?format=json', `?${'a'.repeat(4000)}`]) {
      const r = await raw(port, { path: `/metrics${q}` });
      assert.equal(r.status, 200, q.slice(0, 30));
      assert.equal(r.headers['content-type'], plain.headers['content-type']);
      assert.match(r.body, /^hardening_events_total 1$/m);
      assert.ok(!r.body.includes('script') && !r.body.includes('aaaa') && !r.body.includes('format'), q.slice(0, 30));
    }
    for (const p of [`/${encodeURIComponent(evil)}`, `/nope?${encodeURIComponent(evil)}`, '/metrics/', '//metrics', '/METRICS', '/metrics/../metrics']) {
      const r = await raw(port, { path: p });
      assert.equal(r.status, 404, p);
      assert.ok(!r.body.includes('script') && !r.body.includes('nope'), p);
    }
  });
});

test('a small header limit: a 16 kB header gets 431', async () => {
  assert.equal(METRICS_SERVER_MAX_HEADER_SIZE, 8192);
  await withServer({}, async ({ port }) => {
    const big = await raw(port, { headers: { 'x-big': 'a'.repeat(16 * 1024) } });
    assert.equal(big.status, 431);
    const many = await raw(port, { headers: Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`x-h${i}`, 'v'.repeat(30)])) });
    assert.equal(many.status, 431);
    const fine = await raw(port, { headers: { 'x-ok': 'a'.repeat(4 * 1024) } });
    assert.equal(fine.status, 200);
  });
});

test('the token, from env or from a file, never appears in any output (diagnostics on)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentmeter-token-'));
  try {
    const file = join(dir, 'token');
    writeFileSync(file, `${TOKEN}\n`);
    const runs = [
      { name: 'env', env: { AGENTMETER_METRICS_TOKEN: TOKEN } },
      { name: 'file', env: { AGENTMETER_METRICS_TOKEN_FILE: file } },
      { name: 'file beyond loopback', env: { AGENTMETER_METRICS_TOKEN_FILE: file, AGENTMETER_METRICS_HOST: '0.0.0.0' } },
      { name: 'basic', env: { AGENTMETER_METRICS_BASIC_AUTH: `prom:${TOKEN}` } },
    ];
    for (const run of runs) {
      const app = startNode(['--require', '@agentmeter/sdk/register', fixture('diag-app.cjs')], {
        env: { AGENTMETER_METRICS_PORT: '0', OTEL_LOG_LEVEL: 'all', NODE_DEBUG: '', ...run.env },
        readyLine: /^ready (\d+) (\d+)/m,
      });
      try {
        const [, , metricsPort] = await app.ready;
        const scheme = run.name === 'basic' ? 'Basic' : 'Bearer';
        const good = scheme === 'Basic' ? Buffer.from(`prom:${TOKEN}`).toString('base64') : TOKEN;
        assert.equal((await raw(Number(metricsPort), { headers: { authorization: `${scheme} ${good}` } })).status, 200, run.name);
        assert.equal((await raw(Number(metricsPort), { headers: { authorization: `${scheme} wrong` } })).status, 401);
        assert.equal((await raw(Number(metricsPort), { method: 'POST' })).status, 405);
        await new Promise((r) => setTimeout(r, 200));
      } finally {
        await app.stop();
      }
      assert.match(app.stderr, /AGENTMETER_INVALID_VALUE/, `${run.name}: diagnostics were printed`);
      assert.match(app.stderr, /AGENTMETER_CARDINALITY_LIMIT/);
      assert.ok(!(app.stdout + app.stderr).includes(TOKEN), `${run.name}: token leaked:\n${app.stderr}`);
      assert.ok(!(app.stdout + app.stderr).includes(Buffer.from(`prom:${TOKEN}`).toString('base64')));
    }
    // configuration errors name the setting, never the secret
    const bad = [
      { AGENTMETER_METRICS_TOKEN: 'short7!' },
      { AGENTMETER_METRICS_TOKEN: `${TOKEN} with-space` },
      { AGENTMETER_METRICS_TOKEN: TOKEN, AGENTMETER_METRICS_TOKEN_FILE: file },
      { AGENTMETER_METRICS_BASIC_AUTH: `nocolon${TOKEN}` },
    ];
    for (const env of bad) {
      const r = await runNode(['--require', '@agentmeter/sdk/register', '-e', 'console.log("app ran")'], { env: { AGENTMETER_METRICS_PORT: '0', ...env } });
      assert.equal(r.status, 1, JSON.stringify(Object.keys(env)));
      assert.match(r.stderr, /AGENTMETER_METRICS_(TOKEN|TOKEN_FILE|BASIC_AUTH)/);
      for (const secret of Object.values(env).filter((v) => v !== file)) assert.ok(!(r.stdout + r.stderr).includes(secret), `leaked ${secret}: ${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
