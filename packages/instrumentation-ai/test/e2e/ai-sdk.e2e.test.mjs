// Vercel AI SDK 7, zero-code: an ESM app (node --import) and a CommonJS app (node --require)
// with only the agentmeter preload, scraped by a real Prometheus. Exact call counts, token
// sums, TTFT, tool and agent metrics, cache-aware cost, and every HTTP model request counted
// exactly once (incl. a custom model on the instrumented openai client, plain and streamed).
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
  { job: 'esm', args: ['--import', '@agentmeter/sdk/register', 'app.mjs'] },
  { job: 'cjs', args: ['--require', '@agentmeter/sdk/register', 'app.cjs'] },
];
const apps = [];
let prom;

before(async () => {
  for (const run of RUNS) {
    const llm = await startFakeLlm();
    const port = await freePort();
    // AGENTMETER_GENAI_METRICS=legacy keeps the gen_ai.client.operation.* / token.usage names asserted here
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

/** Value of a PromQL expression once Prometheus has it. */
const q = (expr) => prom.waitForValue(expr, (v) => v !== undefined);

for (const run of RUNS) {
  const j = run.job;
  const dur = (sel) => q(`sum(gen_ai_client_operation_duration_seconds_count{job="${j}",${sel}})`);
  const tokens = (model, type) => q(`sum(gen_ai_client_token_usage_sum{job="${j}",gen_ai_request_model="${model}",gen_ai_token_type="${type}"})`);

  test(`${j}: every model call once, with exact token sums`, async () => {
    assert.equal(await dur(`gen_ai_request_model="fw-${j}-gen",gen_ai_provider_name="openai",gen_ai_operation_name="chat"`), 1);
    assert.equal(await tokens(`fw-${j}-gen`, 'input'), 40);
    assert.equal(await tokens(`fw-${j}-gen`, 'output'), 12);
    assert.equal(await q(`sum(gen_ai_client_token_usage_count{job="${j}",gen_ai_request_model="fw-${j}-gen",gen_ai_response_model="fw-${j}-gen-2025-01-01"})`), 2);
    assert.equal(await dur(`gen_ai_request_model="fw-${j}-stream-slow"`), 1);
    assert.equal(await tokens(`fw-${j}-stream-slow`, 'input'), 40);
    // agent loops: a tool-call turn and an answer turn each
    assert.equal(await dur(`gen_ai_request_model="fw-${j}-tool-agent"`), 2);
    assert.equal(await tokens(`fw-${j}-tool-agent`, 'input'), 80);
    assert.equal(await tokens(`fw-${j}-tool-agent`, 'output'), 24);
    assert.equal(await dur(`gen_ai_request_model="fw-${j}-tool-stream"`), 2);
    assert.equal(await tokens(`fw-${j}-tool-stream`, 'output'), 24);
    // embeddings
    assert.equal(await dur(`gen_ai_request_model="${j}-embed",gen_ai_operation_name="embeddings"`), 1);
    assert.equal(await tokens(`${j}-embed`, 'input'), 4);
    assert.equal(await dur(`gen_ai_request_model="${j}-embed-many",gen_ai_operation_name="embeddings"`), 1);
    // anthropic: provider id anthropic.messages -> anthropic; input includes cache read + write
    assert.equal(await dur(`gen_ai_request_model="claude-sonnet-4-5",gen_ai_provider_name="anthropic"`), 1);
    assert.equal(await tokens('claude-sonnet-4-5', 'input'), 35);
    assert.equal(await tokens('claude-sonnet-4-5', 'output'), 8);
    // generateObject / streamObject (no channel in AI SDK 7: measured through a telemetry integration)
    assert.equal(await dur(`gen_ai_request_model="fw-${j}-object"`), 1);
    assert.equal(await tokens(`fw-${j}-object`, 'input'), 40);
    assert.equal(await dur(`gen_ai_request_model="fw-${j}-object-stream"`), 1);
    assert.equal(await q(`sum(gen_ai_client_operation_time_to_first_chunk_seconds_count{job="${j}",gen_ai_request_model="fw-${j}-object-stream"})`), 1);
    // no raw AI SDK provider ids as provider names
    assert.equal((await prom.query(`gen_ai_client_operation_duration_seconds_count{job="${j}",gen_ai_provider_name=~"openai[.].*|anthropic[.].*"}`)).length, 0);
  });

  test(`${j}: generateSpeech and transcribe become speech metrics`, async () => {
    assert.equal(await dur(`gen_ai_request_model="${j}-tts",gen_ai_operation_name="text_to_speech"`), 1);
    assert.equal(await q(`sum(gen_ai_client_text_to_speech_characters_total{job="${j}",gen_ai_request_model="${j}-tts"})`), 11);
    assert.equal(await dur(`gen_ai_request_model="${j}-whisper",gen_ai_operation_name="speech_to_text"`), 1);
    assert.equal(await q(`sum(gen_ai_client_speech_to_text_audio_duration_seconds_total{job="${j}",gen_ai_request_model="${j}-whisper"})`), 4.5);
  });

  test(`${j}: errors carry error.type (rate_limit, cancelled)`, async () => {
    assert.equal(await dur(`gen_ai_request_model="fw-${j}-rate-limit",error_type="rate_limit"`), 1);
    assert.equal(await dur(`gen_ai_request_model="fw-${j}-abort-slow",error_type="cancelled"`), 1);
  });

  test(`${j}: streams record time to first chunk and time per output chunk`, async () => {
    assert.equal(await q(`sum(gen_ai_client_operation_time_to_first_chunk_seconds_count{job="${j}",gen_ai_request_model="fw-${j}-stream-slow"})`), 1);
    assert.ok((await q(`sum(gen_ai_client_operation_time_to_first_chunk_seconds_sum{job="${j}",gen_ai_request_model="fw-${j}-stream-slow"})`)) >= SLOW_MS / 1000);
    // 4 text deltas -> 3 intervals
    assert.equal(await q(`sum(gen_ai_client_operation_time_per_output_chunk_seconds_count{job="${j}",gen_ai_request_model="fw-${j}-stream-slow"})`), 3);
    assert.equal(await q(`sum(gen_ai_client_operation_time_to_first_chunk_seconds_count{job="${j}",gen_ai_request_model="fw-${j}-tool-stream"})`), 2);
    // non-streamed calls have none
    assert.equal((await prom.query(`gen_ai_client_operation_time_to_first_chunk_seconds_count{job="${j}",gen_ai_request_model="fw-${j}-gen"}`)).length, 0);
  });

  test(`${j}: tool executions and agent loops`, async () => {
    assert.equal(await q(`sum(gen_ai_execute_tool_duration_seconds_count{job="${j}",gen_ai_tool_name="weather",gen_ai_tool_type="function",gen_ai_agent_name="${j}-weather-agent"})`), 1);
    assert.equal(await q(`sum(gen_ai_execute_tool_duration_seconds_count{job="${j}",gen_ai_tool_name="weather",gen_ai_agent_name="ai-sdk"})`), 1);
    assert.equal(await q(`sum(gen_ai_invoke_agent_duration_seconds_count{job="${j}",gen_ai_agent_name="${j}-weather-agent"})`), 1);
    assert.equal(await q(`sum(gen_ai_invoke_agent_inference_calls_sum{job="${j}",gen_ai_agent_name="${j}-weather-agent"})`), 2);
    assert.equal(await q(`sum(gen_ai_invoke_agent_tool_calls_sum{job="${j}",gen_ai_agent_name="${j}-weather-agent"})`), 1);
    assert.equal(await q(`sum(gen_ai_invoke_agent_duration_seconds_count{job="${j}",gen_ai_agent_name="ai-sdk"})`), 1);
    assert.equal(await q(`sum(gen_ai_invoke_agent_inference_calls_sum{job="${j}",gen_ai_agent_name="ai-sdk"})`), 2);
    // a generateText without tools is not an agent run: two agent runs in all
    assert.equal(await q(`sum(gen_ai_invoke_agent_duration_seconds_count{job="${j}"})`), 2);
  });

  test(`${j}: Anthropic cache reads and writes are priced as such`, async () => {
    const expected = new PriceBook().price({ operation: 'chat', provider: 'anthropic', requestModel: 'claude-sonnet-4-5', inputTokens: 35, outputTokens: 8, cacheReadTokens: 20, cacheWriteTokens: 5 });
    assert.ok(expected.priced);
    const flat = new PriceBook().price({ operation: 'chat', provider: 'anthropic', requestModel: 'claude-sonnet-4-5', inputTokens: 35, outputTokens: 8 });
    assert.notEqual(expected.cost.usd, flat.cost.usd);
    const got = await q(`sum(gen_ai_client_cost_sum{job="${j}",gen_ai_request_model="claude-sonnet-4-5"})`);
    assert.ok(Math.abs(got - expected.cost.usd) < 1e-12, `${got} != ${expected.cost.usd}`);
  });

  test(`${j}: each HTTP model request is counted exactly once (incl. a custom model on the instrumented openai client, plain and streamed)`, async () => {
    const a = apps.find((x) => x.job === j);
    assert.equal(await dur(`gen_ai_request_model="${j}-via-client"`), 1);
    assert.equal(await tokens(`${j}-via-client`, 'input'), 11);
    // streamed through the client: the client records it when the stream ends, still once
    assert.equal(await dur(`gen_ai_request_model="${j}-via-client-stream"`), 1);
    assert.equal(await q(`sum(gen_ai_client_operation_duration_seconds_count{job="${j}"})`), a.llm.requests.length);
    assert.equal(a.llm.requests.length, 17);
  });
}

test('the prompt never reaches the metrics', async () => {
  const text = await (await fetch(`http://127.0.0.1:${apps[0].port}/metrics`)).text();
  assert.doesNotMatch(text, /PROMPT-SECRET/);
});
