// Issue 3 end to end: a real Prometheus scrapes three real apps (preload --require, preload
// --import, programmatic start() + metricsHandler) that serve real HTTP requests and run
// real Postgres queries.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startPrometheus, promtoolCheckMetrics } from '@agentmeter/test-utils/prometheus';
import { startPostgres } from '@agentmeter/test-utils/postgres';
import { freePort } from '@agentmeter/test-utils/net';
import { startNode } from '@agentmeter/test-utils/proc';

const fixture = (f) => fileURLToPath(new URL(`../fixtures/${f}`, import.meta.url));
const TOKEN = 'e2e-secret-token-0123456789';
let pg;
let prom;
const apps = {};

before(async () => {
  pg = await startPostgres();
  const env = { DATABASE_URL: pg.connectionString };
  const mk = async (job, args, extra = {}) => {
    const metricsPort = await freePort();
    const app = startNode(args, { env: { ...env, AGENTMETER_METRICS_PORT: String(metricsPort), OTEL_SERVICE_NAME: job, ...extra } });
    const [, port] = await app.ready;
    apps[job] = { app, port: Number(port), metricsPort };
  };
  await mk('preload-cjs', ['--require', '@agentmeter/sdk/register', fixture('app.cjs')], { AGENTMETER_METRICS_TOKEN: TOKEN });
  await mk('preload-esm', ['--import', '@agentmeter/sdk/register', fixture('app.mjs')]);
  await mk('programmatic', [fixture('app-programmatic.mjs')]);
  prom = await startPrometheus([
    { job: 'preload-cjs', port: apps['preload-cjs'].metricsPort, token: TOKEN },
    { job: 'preload-esm', port: apps['preload-esm'].metricsPort },
    { job: 'programmatic', port: apps.programmatic.port },
  ]);
  for (const { port } of Object.values(apps)) {
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`http://127.0.0.1:${port}/ok`)).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`http://127.0.0.1:${port}/query`)).status, 200);
  }
});

after(async () => {
  await Promise.all(Object.values(apps).map(({ app }) => app.stop()));
  await prom?.stop();
  await pg?.stop();
});

for (const job of ['preload-cjs', 'preload-esm']) {
  test(`${job}: Prometheus sees exact HTTP server request counts with standard names`, async () => {
    const expr = `sum(http_server_request_duration_seconds_count{job="${job}",http_request_method="GET",http_response_status_code="200"})`;
    assert.equal(await prom.waitForValue(expr, (v) => v === 8), 8);
    const active = await prom.value(`sum(http_server_active_requests{job="${job}"})`);
    assert.equal(active, 0);
  });
  test(`${job}: Prometheus sees the Postgres queries (db_client_operation_duration_seconds)`, async () => {
    const expr = `sum(db_client_operation_duration_seconds_count{job="${job}",db_operation_name="SELECT",db_collection_name="items",db_system_name="postgresql"})`;
    assert.equal(await prom.waitForValue(expr, (v) => v === 3), 3);
    const max = await prom.waitForValue(`sum(db_client_connection_max{job="${job}"})`, (v) => v === 5);
    assert.equal(max, 5);
  });
}

test('programmatic start() + metricsHandler on the app server is scraped', async () => {
  // Prometheus's own scrapes of /metrics go through the app's server too, so at least 8.
  const v = await prom.waitForValue(`sum(http_server_request_duration_seconds_count{job="programmatic"})`, (x) => x >= 8);
  assert.ok(v >= 8);
  const db = await prom.waitForValue(`sum(db_client_operation_duration_seconds_count{job="programmatic",db_operation_name="SELECT"})`, (x) => x === 3);
  assert.equal(db, 3);
  const info = await prom.query('target_info{job="programmatic"}');
  assert.equal(info[0].metric.service_name, 'programmatic-app');
});

test('the token-protected endpoint: 401 without or with a wrong token, 200 with the right one', async () => {
  const url = `http://127.0.0.1:${apps['preload-cjs'].metricsPort}/metrics`;
  const no = await fetch(url);
  assert.equal(no.status, 401);
  assert.match(no.headers.get('www-authenticate'), /^Bearer realm=/);
  for (const wrong of [TOKEN.slice(0, 5), TOKEN.slice(0, -1) + 'X', TOKEN + 'extra', '']) {
    const r = await fetch(url, { headers: { authorization: `Bearer ${wrong}` } });
    assert.equal(r.status, 401, `token ${JSON.stringify(wrong)}`);
  }
  const ok = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  // and the real Prometheus, configured with authorization.credentials, scrapes it
  assert.equal(await prom.value('up{job="preload-cjs"}'), 1);
  // /health is not authenticated
  assert.equal((await fetch(`http://127.0.0.1:${apps['preload-cjs'].metricsPort}/health`)).status, 200);
});

test('promtool check metrics accepts a real exposition', async () => {
  const text = await (await fetch(`http://127.0.0.1:${apps['preload-esm'].metricsPort}/metrics`)).text();
  assert.match(text, /^http_server_request_duration_seconds_bucket\{/m);
  assert.match(text, /^db_client_operation_duration_seconds_bucket\{/m);
  const r = promtoolCheckMetrics(text);
  assert.ok(r.ok, r.output);
  assert.deepEqual(r.problems, []);
});
