// LangChain.js 1.x, zero-code: an ESM app (node --import) and a CommonJS app (node --require)
// with only the agentmeter preload, scraped by a real Prometheus: tool and agent metrics from
// LangChain's callbacks (createAgent), and each model call counted once, whether the chat
// model goes through the instrumented openai client (ChatOpenAI) or straight to fetch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startFakeLlm, SLOW_MS } from '@agentmeter/test-utils/fake-llm';
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
  const dur = (model) => q(`sum(gen_ai_client_operation_duration_seconds_count{job="${j}",gen_ai_request_model="${model}"})`);
  const tokens = (model, type) => q(`sum(gen_ai_client_token_usage_sum{job="${j}",gen_ai_request_model="${model}",gen_ai_token_type="${type}"})`);

  test(`${j}: createAgent runs give agent and tool metrics`, async () => {
    const agent = `${j}-weather-agent`;
    assert.equal(await q(`sum(gen_ai_invoke_agent_duration_seconds_count{job="${j}",gen_ai_agent_name="${agent}"})`), 1);
    assert.equal(await q(`sum(gen_ai_invoke_agent_inference_calls_sum{job="${j}",gen_ai_agent_name="${agent}"})`), 2);
    assert.equal(await q(`sum(gen_ai_invoke_agent_tool_calls_sum{job="${j}",gen_ai_agent_name="${agent}"})`), 1);
    assert.equal(await q(`sum(gen_ai_execute_tool_duration_seconds_count{job="${j}",gen_ai_tool_name="weather",gen_ai_tool_type="function",gen_ai_agent_name="${agent}"})`), 1);
    // the unnamed agent (default name) whose tool throws
    assert.equal(await q(`sum(gen_ai_invoke_agent_duration_seconds_count{job="${j}",gen_ai_agent_name="langchain"})`), 1);
    assert.equal(await q(`sum(gen_ai_invoke_agent_tool_calls_sum{job="${j}",gen_ai_agent_name="langchain"})`), 1);
    assert.equal(await q(`sum(gen_ai_execute_tool_duration_seconds_count{job="${j}",gen_ai_tool_name="broken",gen_ai_agent_name="langchain",error_type!=""})`), 1);
    // two agent runs in all: plain model calls are not agent runs
    assert.equal(await q(`sum(gen_ai_invoke_agent_duration_seconds_count{job="${j}"})`), 2);
    assert.equal(await q(`sum(gen_ai_execute_tool_duration_seconds_count{job="${j}"})`), 2);
  });

  test(`${j}: model calls counted once (instrumented client or fetch), exact tokens`, async () => {
    const a = apps.find((x) => x.job === j);
    assert.equal(await dur(`fw-${j}-lc-agent`), 2);
    assert.equal(await tokens(`fw-${j}-lc-agent`, 'input'), 60);
    assert.equal(await tokens(`fw-${j}-lc-agent`, 'output'), 18);
    assert.equal(await dur(`fw-${j}-lc-broken`), 2);
    assert.equal(await dur(`fw-${j}-lc-plain`), 1);
    // the fetch-based chat model is recorded from the callbacks, with its usage_metadata
    assert.equal(await dur(`fw-${j}-lc-fetch`), 1);
    assert.equal(await tokens(`fw-${j}-lc-fetch`, 'input'), 30);
    assert.equal(await tokens(`fw-${j}-lc-fetch`, 'output'), 9);
    assert.equal(await q(`sum(gen_ai_client_operation_duration_seconds_count{job="${j}",gen_ai_request_model="fw-${j}-lc-fetch",gen_ai_provider_name="openai",gen_ai_response_model="fw-${j}-lc-fetch-2025-01-01"})`), 1);
    // streamed: time to first chunk
    assert.equal(await dur(`fw-${j}-lc-stream-slow`), 1);
    assert.equal(await q(`sum(gen_ai_client_operation_time_to_first_chunk_seconds_count{job="${j}",gen_ai_request_model="fw-${j}-lc-stream-slow"})`), 1);
    assert.ok((await q(`sum(gen_ai_client_operation_time_to_first_chunk_seconds_sum{job="${j}",gen_ai_request_model="fw-${j}-lc-stream-slow"})`)) >= SLOW_MS / 1000);
    // every HTTP model request exactly once
    assert.equal(a.llm.requests.length, 7);
    assert.equal(await q(`sum(gen_ai_client_operation_duration_seconds_count{job="${j}"})`), a.llm.requests.length);
  });
}

test('the prompt never reaches the metrics', async () => {
  const text = await (await fetch(`http://127.0.0.1:${apps[0].port}/metrics`)).text();
  assert.doesNotMatch(text, /PROMPT-SECRET/);
});
