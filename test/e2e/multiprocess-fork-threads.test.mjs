// Issue 12: child_process.fork() children and worker_threads that record metrics are
// aggregated on the parent's /metrics with the preload alone, through a real Prometheus:
// exact sums, and no reset when a child or a thread exits and is replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';
import { freePort, waitFor } from '@agentmeter/test-utils/net';
import { startNode } from '@agentmeter/test-utils/proc';
import { startPrometheus } from '@agentmeter/test-utils/prometheus';
import { chat, expectCalls, fixture, LLM_CALLS, ROOT, scrape, totalResets } from '@agentmeter/test-utils/multiprocess';
import { sum } from '@agentmeter/test-utils/exposition';

for (const [what, file, restarted] of [
  ['fork() children', 'fork-app.cjs', (out) => (out.match(/^worker \d+$/gm) ?? []).length === 3],
  ['worker_threads', 'threads-app.cjs', (out) => /^restarted 0$/m.test(out)],
]) {
  test(`${what}: one /metrics with exact sums, resets() = 0 when one exits and is replaced`, async () => {
    const llm = await startFakeLlm();
    const metricsPort = await freePort();
    const app = startNode(['--require', '@agentmeter/sdk/register', fixture(file)], {
      cwd: ROOT,
      timeout: 60_000,
      env: { LLM_URL: llm.url, AGENTMETER_METRICS_PORT: String(metricsPort), OTEL_SERVICE_NAME: 'tree-app' },
    });
    let prom;
    try {
      const [, appPort] = await app.ready;
      prom = await startPrometheus([{ job: 'app', port: metricsPort }]);
      await chat(appPort, 3, '&to=0');
      await chat(appPort, 4, '&to=1');
      await expectCalls(prom, 7);
      const text = await scrape(metricsPort);
      assert.equal(sum(text, 'agentmeter_aggregation_members'), 3, 'the parent and two children/threads');
      // the parent itself made no LLM call: every one came from a child/thread
      await fetch(`http://127.0.0.1:${appPort}/exit?to=0`).then((r) => r.text());
      await waitFor(() => restarted(app.stdout), { timeout: 60_000, what: 'replacement' });
      await chat(appPort, 2, '&to=0');
      await expectCalls(prom, 9);
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal(await prom.value(LLM_CALLS), 9);
      const resets = await totalResets(prom);
      assert.equal(resets.total, 0, resets.where.join(', '));
    } finally {
      await prom?.stop();
      await app.stop();
      await llm.close();
    }
  });
}

test('a fork()ed child that records and exits before any scrape still counts (its final values are sent at exit)', async () => {
  const metricsPort = await freePort();
  const app = startNode(['--require', '@agentmeter/sdk/register', fixture('short-child.cjs')], { cwd: ROOT, timeout: 60_000, env: { AGENTMETER_METRICS_PORT: String(metricsPort) } });
  try {
    await app.ready;
    const text = await scrape(metricsPort);
    assert.equal(sum(text, 'app_jobs_total'), 3);
    assert.equal(sum(text, 'agentmeter_aggregation_members'), 1, 'only the parent is left');
  } finally {
    await app.stop();
  }
});
