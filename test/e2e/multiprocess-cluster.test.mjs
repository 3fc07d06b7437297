// Issue 12: node:cluster behind one /metrics with the preload alone, through a real
// Prometheus: exact sums across workers, no counter reset while workers are killed and
// restarted (the serving one too), a stuck worker neither stalls a scrape nor loses values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';
import { freePort, waitFor } from '@agentmeter/test-utils/net';
import { startNode } from '@agentmeter/test-utils/proc';
import { promtoolCheckMetrics, startPrometheus } from '@agentmeter/test-utils/prometheus';
import { chat, expectCalls, fixture, ROOT, totalResets, scrape, waitForSum, workerPids } from '@agentmeter/test-utils/multiprocess';
import { sum } from '@agentmeter/test-utils/exposition';

async function startCluster({ workersOnly, workers = 2, env = {} }) {
  const llm = await startFakeLlm();
  const metricsPort = await freePort();
  const appPort = await freePort();
  const args = workersOnly ? [fixture('cluster-app.cjs')] : ['--require', '@agentmeter/sdk/register', fixture('cluster-app.cjs')];
  const app = startNode(args, {
    cwd: ROOT,
    timeout: 60_000, // three or more Node processes starting on a shared 2-core machine
    env: { LLM_URL: llm.url, APP_PORT: String(appPort), AGENTMETER_METRICS_PORT: String(metricsPort), WORKERS: String(workers), OTEL_SERVICE_NAME: 'cluster-app', ...(workersOnly ? { PRELOAD_WORKERS_ONLY: '1' } : {}), ...env },
  });
  await app.ready;
  return { llm, app, metricsPort, appPort, stop: async () => (await app.stop(), await llm.close()) };
}

async function killAndReplace(app, pid, signal) {
  const before = workerPids(app.stdout).length;
  process.kill(pid, signal);
  await waitFor(() => workerPids(app.stdout).length > before, { timeout: 60_000, what: 'replacement worker' });
}

for (const workersOnly of [false, true]) {
  const mode = workersOnly ? 'preload in the workers only' : 'preload in primary and workers';
  test(`node:cluster, ${mode}: exact sums, resets() = 0 while workers are killed and restarted`, async () => {
    const c = await startCluster({ workersOnly });
    let prom;
    try {
      prom = await startPrometheus([{ job: 'app', port: c.metricsPort }]);
      for (let i = 0; i < 7; i++) await chat(c.appPort, 1);
      await expectCalls(prom, 7);
      // the exposition is one valid family set: no duplicate series from two workers
      const text = await scrape(c.metricsPort);
      const lint = promtoolCheckMetrics(text);
      assert.ok(lint.ok, lint.output);
      assert.equal(sum(text, 'gen_ai_client_inference_duration_seconds_count'), 7);
      assert.equal(sum(text, 'agentmeter_aggregation_members'), workersOnly ? 2 : 3);

      // every original worker is killed (SIGKILL, then SIGTERM, then SIGINT) and replaced; in
      // workers-only mode one of them is the process serving the port
      const [w1, w2] = workerPids(c.app.stdout);
      await killAndReplace(c.app, w1, 'SIGKILL');
      for (let i = 0; i < 5; i++) await chat(c.appPort, 1);
      await expectCalls(prom, 12);
      await killAndReplace(c.app, w2, 'SIGTERM');
      for (let i = 0; i < 3; i++) await chat(c.appPort, 1);
      await expectCalls(prom, 15);
      // SIGINT, which the workers do not handle, right after two calls (no scrape in
      // between): the worker sends its final values before the signal takes it down
      const { pid } = await chat(c.appPort, 2);
      const before = workerPids(c.app.stdout).length;
      process.kill(pid, 'SIGINT');
      await waitFor(() => workerPids(c.app.stdout).length > before, { timeout: 60_000, what: 'replacement worker' });
      await expectCalls(prom, 17);
      await new Promise((r) => setTimeout(r, 2500)); // a few more scrapes
      assert.equal(await prom.value(LLM_CALLS_NOW), 17);
      const resets = await totalResets(prom);
      assert.equal(resets.total, 0, `no counter or histogram series went down: ${resets.where.join(', ')}`);
      // the worker label stays bounded: restarts reuse the freed indexes
      const workers = await prom.query('count by (agentmeter_worker) (count_over_time(process_uptime_seconds{job="app"}[10m]))');
      assert.equal(workers.length, workersOnly ? 2 : 3, JSON.stringify(workers.map((w) => w.metric)));
    } finally {
      await prom?.stop();
      await c.stop();
    }
  });
}
const LLM_CALLS_NOW = 'sum(gen_ai_client_inference_duration_seconds_count{job="app"})';

test('node:cluster: a stuck worker does not stall a scrape; its previous values are served and it is counted', async () => {
  const c = await startCluster({ workersOnly: false, workers: 2, env: { AGENTMETER_AGGREGATE_TIMEOUT: '1500' } });
  try {
    for (let i = 0; i < 4; i++) await chat(c.appPort, 1);
    await waitForSum(c.metricsPort, 'gen_ai_client_inference_duration_seconds_count', 4);
    const before = sum(await scrape(c.metricsPort), 'agentmeter_aggregation_timeouts_total');
    // one worker blocks its event loop for 8 s (the request reaches one of the two)
    await fetch(`http://127.0.0.1:${c.appPort}/block?ms=8000`, { headers: { connection: 'close' } }).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 100));
    const text = await scrape(c.metricsPort); // waits at most AGENTMETER_AGGREGATE_TIMEOUT for the stuck one
    assert.equal(sum(text, 'gen_ai_client_inference_duration_seconds_count'), 4, 'the stuck worker still contributes its previous values');
    assert.equal(sum(text, 'agentmeter_aggregation_timeouts_total') - before, 1, 'one process did not answer in time');
  } finally {
    await c.stop();
  }
});
