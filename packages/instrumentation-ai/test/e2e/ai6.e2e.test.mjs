// Vercel AI SDK 6 (no tracing channel): measured from its OpenTelemetry spans after one line,
// registerGenAiSpanMetrics(), with experimental_telemetry on the calls. ESM and CommonJS apps
// with the agentmeter preload, scraped by a real Prometheus: provider ids mapped, cache-aware
// cost, TTFT, embeddings, each traced call once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { PriceBook } from '@agentmeter/cost';
import { startFakeLlm, SLOW_MS } from '@agentmeter/test-utils/fake-llm';
import { startNode } from '@agentmeter/test-utils/proc';
import { freePort } from '@agentmeter/test-utils/net';
import { startPrometheus } from '@agentmeter/test-utils/prometheus';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const RUNS = [
  { job: 'esm', args: ['--import', '@agentmeter/sdk/register', 'app-ai6.mjs'] },
  { job: 'cjs', args: ['--require', '@agentmeter/sdk/register', 'app-ai6.cjs'] },
];
const apps = [];
let prom;

before(async () => {
  for (const run of RUNS) {
    const llm = await startFakeLlm();
    const port = await freePort();
    const app = startNode(run.args, { cwd: fixtures, timeout: 60_000, env: { FAKE_LLM_URL: llm.url, AGENTMETER_METRICS_PORT: String(port), AGENTMETER_GENAI_METRICS: 'legacy', NODE_NO_WARNINGS: '1' } });
    apps.push({ ...run, llm, port, app });
  }
  await Promise.all(apps.map((a) => a.app.ready));
  prom = await startPrometheus(apps.map((a) => ({ job: a.job, port: a.port })));
});

after(async () => {
  await prom?.stop();
  for (const a of apps) {
    await a.app.stop();
    await a.llm.close();
  }
});

const q = (expr) => prom.waitForValue(expr, (v) => v !== undefined);

for (const run of RUNS) {
  const j = run.job;
  const dur = (sel) => q(`sum(gen_ai_client_operation_duration_seconds_count{job="${j}",${sel}})`);
  const tokens = (model, type) => q(`sum(gen_ai_client_token_usage_sum{job="${j}",gen_ai_request_model="${model}",gen_ai_token_type="${type}"})`);

  test(`${j}: AI SDK 6 model calls from spans, provider ids mapped, exact tokens`, async () => {
    assert.equal(await dur(`gen_ai_request_model="fw-${j}-v6-gen",gen_ai_provider_name="openai"`), 1);
    assert.equal(await tokens(`fw-${j}-v6-gen`, 'input'), 40);
    assert.equal(await tokens(`fw-${j}-v6-gen`, 'output'), 12);
    assert.equal(await dur(`gen_ai_request_model="fw-${j}-v6-stream-slow"`), 1);
    assert.equal(await q(`sum(gen_ai_client_operation_time_to_first_chunk_seconds_count{job="${j}",gen_ai_request_model="fw-${j}-v6-stream-slow"})`), 1);
    assert.ok((await q(`sum(gen_ai_client_operation_time_to_first_chunk_seconds_sum{job="${j}",gen_ai_request_model="fw-${j}-v6-stream-slow"})`)) >= SLOW_MS / 1000);
    assert.equal(await dur(`gen_ai_request_model="${j}-v6-embed",gen_ai_operation_name="embeddings"`), 1);
    assert.equal(await tokens(`${j}-v6-embed`, 'input'), 4);
    assert.equal(await dur(`gen_ai_request_model="claude-sonnet-4-5",gen_ai_provider_name="anthropic"`), 1);
    assert.equal(await tokens('claude-sonnet-4-5', 'input'), 35);
    assert.equal(await dur(`gen_ai_request_model="fw-${j}-v6-rate-limit",error_type!=""`), 1);
    assert.equal((await prom.query(`gen_ai_client_operation_duration_seconds_count{job="${j}",gen_ai_provider_name=~".*[.].*"}`)).length, 0);
    // every traced call once; the untraced call (no experimental_telemetry) is not measured
    const a = apps.find((x) => x.job === j);
    assert.equal(a.llm.requests.length, 6);
    assert.equal(await q(`sum(gen_ai_client_operation_duration_seconds_count{job="${j}"})`), 5);
  });

  test(`${j}: AI SDK 6 Anthropic cache reads and writes priced as such`, async () => {
    const expected = new PriceBook().price({ operation: 'chat', provider: 'anthropic', requestModel: 'claude-sonnet-4-5', inputTokens: 35, outputTokens: 8, cacheReadTokens: 20, cacheWriteTokens: 5 });
    const got = await q(`sum(gen_ai_client_cost_sum{job="${j}",gen_ai_request_model="claude-sonnet-4-5"})`);
    assert.ok(Math.abs(got - expected.cost.usd) < 1e-12, `${got} != ${expected.cost.usd}`);
  });
}

test('AI SDK 6: the prompt never reaches the metrics', async () => {
  const text = await (await fetch(`http://127.0.0.1:${apps[0].port}/metrics`)).text();
  assert.doesNotMatch(text, /PROMPT-SECRET/);
});
