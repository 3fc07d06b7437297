// Issue 7 items 2 and 3, through a real Prometheus: aborted HTTP requests leave
// http_server_active_requests at 0; a real Postgres pool of 5 under 50 concurrent
// queries shows pending requests while saturated and no used connection after; no query
// text becomes a label.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { startPrometheus } from '@agentmeter/test-utils/prometheus';
import { startPostgres } from '@agentmeter/test-utils/postgres';
import { freePort } from '@agentmeter/test-utils/net';
import { startNode } from '@agentmeter/test-utils/proc';

let pg;
let prom;
let app;
let port;
let metricsPort;

before(async () => {
  pg = await startPostgres();
  metricsPort = await freePort();
  app = startNode(['--require', '@agentmeter/sdk/register', fileURLToPath(new URL('../fixtures/app-pool.cjs', import.meta.url))], {
    env: { DATABASE_URL: pg.connectionString, AGENTMETER_METRICS_PORT: String(metricsPort), NODE_NO_WARNINGS: '1' },
  });
  port = Number((await app.ready)[1]);
  prom = await startPrometheus([{ job: 'pool', port: metricsPort }], { scrapeInterval: '1s' });
});

after(async () => {
  await app?.stop();
  await prom?.stop();
  await pg?.stop();
});

function abortAfter(path, ms) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path });
    req.on('error', () => resolve());
    setTimeout(() => {
      req.destroy();
      resolve();
    }, ms);
  });
}

test('aborted requests: active requests go up while in flight and back to exactly 0', async () => {
  const inflight = Array.from({ length: 20 }, () => abortAfter('/slow', 1500));
  const peak = await prom.waitForValue('sum(http_server_active_requests{job="pool"})', (v) => v >= 20, 15_000);
  assert.ok(peak >= 20, `peak ${peak}`);
  await Promise.all(inflight);
  await fetch(`http://127.0.0.1:${port}/ok`);
  assert.equal(await prom.waitForValue('sum(http_server_active_requests{job="pool"})', (v) => v === 0), 0);
  const aborted = await prom.waitForValue('sum(http_server_request_duration_seconds_count{job="pool",error_type="aborted"})', (v) => v === 20);
  assert.equal(aborted, 20);
});

test('a saturated pool of 5: pending requests > 0 while saturated, used connections 0 after', async () => {
  const r = await fetch(`http://127.0.0.1:${port}/saturate`).then((x) => x.json());
  assert.equal(r.ok, 50);
  const maxPending = await prom.waitForValue('max_over_time(db_client_connection_pending_requests{job="pool"}[1m])', (v) => v > 0);
  assert.ok(maxPending > 0 && maxPending <= 45, `max pending ${maxPending}`);
  const maxUsed = await prom.waitForValue('max_over_time(db_client_connection_count{job="pool",db_client_connection_state="used"}[1m])', (v) => v === 5);
  assert.equal(maxUsed, 5);
  assert.equal(await prom.waitForValue('db_client_connection_count{job="pool",db_client_connection_state="used"}', (v) => v === 0), 0);
  assert.equal(await prom.waitForValue('db_client_connection_pending_requests{job="pool"}', (v) => v === 0), 0);
  assert.equal(await prom.value('db_client_connection_max{job="pool"}'), 5);
  const selects = await prom.waitForValue('sum(db_client_operation_duration_seconds_count{job="pool",db_operation_name="SELECT",db_collection_name="items"})', (v) => v === 50);
  assert.equal(selects, 50);
});

test('no query text or parameter becomes a label', async () => {
  await fetch(`http://127.0.0.1:${port}/secret`);
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  assert.match(text, /db_client_operation_duration_seconds_count\{/);
  assert.doesNotMatch(text, /sk-secret-value-123/);
  assert.doesNotMatch(text, /pg_sleep|FROM items/);
});
