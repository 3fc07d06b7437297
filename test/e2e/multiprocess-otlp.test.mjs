// Issue 12 item 5: OTLP in a process tree. Every process exports its own registry with
// its own service.instance.id; the process serving /metrics exports only its own values
// (never the aggregate). Summing the exports over instances gives the exact number of
// calls, the same number the aggregated /metrics shows: nothing is counted twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';
import { freePort, waitFor } from '@agentmeter/test-utils/net';
import { startNode } from '@agentmeter/test-utils/proc';
import { chat, fixture, ROOT, scrape } from '@agentmeter/test-utils/multiprocess';
import { sum } from '@agentmeter/test-utils/exposition';
import { startOtlpReceiver } from '../regression/lib.mjs';

/** Latest cumulative gen_ai.client.inference.duration count per service.instance.id. */
function countsByInstance(exports) {
  const latest = new Map();
  for (const e of exports) {
    for (const rm of e.resourceMetrics ?? []) {
      const attrs = Object.fromEntries((rm.resource?.attributes ?? []).map((a) => [a.key, a.value.stringValue]));
      const id = attrs['service.instance.id'];
      let n = 0;
      for (const sm of rm.scopeMetrics ?? [])
        for (const m of sm.metrics ?? []) if (m.name === 'gen_ai.client.inference.duration') for (const dp of m.histogram.dataPoints) n += Number(dp.count);
      latest.set(id, n);
    }
  }
  return latest;
}

test('OTLP from a node:cluster app: one export stream per process, sums exact, nothing counted twice', async () => {
  const rx = await startOtlpReceiver();
  const llm = await startFakeLlm();
  const metricsPort = await freePort();
  const appPort = await freePort();
  const app = startNode(['--require', '@agentmeter/sdk/register', fixture('cluster-app.cjs')], {
    cwd: ROOT,
    timeout: 60_000, // three or more Node processes starting on a shared 2-core machine
    env: { LLM_URL: llm.url, APP_PORT: String(appPort), AGENTMETER_METRICS_PORT: String(metricsPort), WORKERS: '2', AGENTMETER_OTLP_ENDPOINT: rx.url, AGENTMETER_OTLP_INTERVAL: '300' },
  });
  try {
    await app.ready;
    for (let i = 0; i < 7; i++) await chat(appPort, 1);
    await waitFor(
      () => {
        const c = countsByInstance(rx.exports);
        return c.size === 3 && [...c.values()].reduce((a, b) => a + b, 0) === 7;
      },
      { what: 'three instances exporting 7 calls in total' },
    );
    const c = countsByInstance(rx.exports);
    assert.equal(c.size, 3, 'primary and two workers, each with its own service.instance.id');
    assert.ok([...c.keys()].every((k) => typeof k === 'string' && k.length > 0));
    assert.equal([...c.values()].filter((n) => n === 0).length, 1, 'the primary (serving /metrics) exports no LLM call: it made none, and it never exports the aggregate');
    assert.equal(sum(await scrape(metricsPort), 'gen_ai_client_inference_duration_seconds_count'), 7, 'the Prometheus aggregate agrees');
  } finally {
    await app.stop();
    await llm.close();
    await rx.close();
  }
});
