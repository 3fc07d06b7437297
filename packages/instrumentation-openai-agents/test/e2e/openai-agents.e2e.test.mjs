// OpenAI Agents SDK, zero-code: an ESM app (node --import) and a CommonJS app (node --require)
// with only the agentmeter preload, scraped by a real Prometheus: agent invocations, tool
// calls and handoffs from the SDK's tracing processors, model calls once (by the
// instrumented openai client the SDK uses).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';
import { startNode } from '@agentmeter/test-utils/proc';
import { freePort } from '@agentmeter/test-utils/net';
import { startPrometheus } from '@agentmeter/test-utils/prometheus';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const RUNS = [
  { job: 'esm', args: ['--import', '@agentmeter/sdk/register', 'app.mjs'] },
  { job: 'cjs', args: ['--require', '@agentmeter/sdk/register', 'app.cjs'] },
];
const apps = [];
let prom;

before(async () => {
  for (const run of RUNS) {
    const llm = await startFakeLlm();
    const port = await freePort();
    // NODE_ENV=test would turn the SDK's tracing (and so these metrics) off
    const env = { FAKE_LLM_URL: llm.url, AGENTMETER_METRICS_PORT: String(port), AGENTMETER_GENAI_METRICS: 'legacy', NODE_NO_WARNINGS: '1', NODE_ENV: 'production', OPENAI_AGENTS_DISABLE_TRACING: '' };
    const app = startNode(run.args, { cwd: fixtures, timeout: 60_000, env });
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
  const agent = (name, metric) => q(`sum(gen_ai_invoke_agent_${metric}{job="${j}",gen_ai_agent_name="${j} ${name}"})`);

  test(`${j}: agent invocations with their inference and tool calls`, async () => {
    assert.equal(await agent('weather', 'duration_seconds_count'), 1);
    assert.equal(await agent('weather', 'inference_calls_sum'), 2);
    assert.equal(await agent('weather', 'tool_calls_sum'), 1);
    // handoff: triage (1 model call, the handoff as its tool call) then billing
    assert.equal(await agent('triage', 'inference_calls_sum'), 1);
    assert.equal(await agent('triage', 'tool_calls_sum'), 1);
    assert.equal(await agent('billing', 'duration_seconds_count'), 1);
    assert.equal(await agent('billing', 'inference_calls_sum'), 1);
    assert.equal(await agent('billing', 'tool_calls_sum'), 0);
    assert.equal(await agent('streamer', 'inference_calls_sum'), 1);
    assert.equal(await q(`sum(gen_ai_invoke_agent_duration_seconds_count{job="${j}"})`), 5);
  });

  test(`${j}: tool calls, handoffs and tool errors`, async () => {
    assert.equal(await q(`sum(gen_ai_execute_tool_duration_seconds_count{job="${j}",gen_ai_tool_name="weather",gen_ai_agent_name="${j} weather"})`), 1);
    assert.equal(await q(`sum(gen_ai_execute_tool_duration_seconds_count{job="${j}",gen_ai_tool_name="transfer_to_${j}_billing",gen_ai_agent_name="${j} triage"})`), 1);
    assert.equal(await q(`sum(gen_ai_execute_tool_duration_seconds_count{job="${j}",gen_ai_tool_name="broken",error_type!=""})`), 1);
    assert.equal(await q(`sum(gen_ai_execute_tool_duration_seconds_count{job="${j}"})`), 3);
  });

  test(`${j}: every model call once, exact tokens, TTFT for the streamed run`, async () => {
    const a = apps.find((x) => x.job === j);
    assert.equal(await q(`sum(gen_ai_client_operation_duration_seconds_count{job="${j}",gen_ai_request_model="fw-${j}-ag-tool"})`), 2);
    assert.equal(await q(`sum(gen_ai_client_token_usage_sum{job="${j}",gen_ai_request_model="fw-${j}-ag-tool",gen_ai_token_type="input"})`), 80);
    assert.equal(await q(`sum(gen_ai_client_operation_time_to_first_chunk_seconds_count{job="${j}",gen_ai_request_model="fw-${j}-ag-stream-notool"})`), 1);
    assert.equal(a.llm.requests.length, 7);
    assert.equal(await q(`sum(gen_ai_client_operation_duration_seconds_count{job="${j}"})`), a.llm.requests.length);
  });
}

test('the prompt never reaches the metrics', async () => {
  const text = await (await fetch(`http://127.0.0.1:${apps[0].port}/metrics`)).text();
  assert.doesNotMatch(text, /PROMPT-SECRET/);
});
