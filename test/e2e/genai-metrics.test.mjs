// GenAI metric names end to end (issue 16): zero-code apps (CommonJS with --require, ES
// modules with --import) call the real openai and @anthropic-ai/sdk clients against the fake
// LLM server (chat, chat stream, Responses, Responses stream with cached and reasoning token
// details, embeddings, Anthropic create and stream with cache read/write), and a real
// Prometheus scrapes them under AGENTMETER_GENAI_METRICS=current (default), legacy and both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startFakeLlm, USAGE, REASONING_USAGE } from '@agentmeter/test-utils/fake-llm';
import { startPrometheus } from '@agentmeter/test-utils/prometheus';
import { startNode } from '@agentmeter/test-utils/proc';
import { freePort } from '@agentmeter/test-utils/net';

const fixture = (f) => fileURLToPath(new URL(`../fixtures/${f}`, import.meta.url));
const APPS = [
  { job: 'cjs-current', args: ['--require', '@agentmeter/sdk/register', fixture('genai-app.cjs')], mode: undefined },
  { job: 'esm-current', args: ['--import', '@agentmeter/sdk/register', fixture('genai-app.mjs')], mode: 'current' },
  { job: 'esm-legacy', args: ['--import', '@agentmeter/sdk/register', fixture('genai-app.mjs')], mode: 'legacy' },
  { job: 'cjs-legacy', args: ['--require', '@agentmeter/sdk/register', fixture('genai-app.cjs')], mode: 'legacy' },
  { job: 'esm-both', args: ['--import', '@agentmeter/sdk/register', fixture('genai-app.mjs')], mode: 'both' },
];

// What the fake server reports for genai-calls.cjs, normalised (Anthropic input includes cache tokens).
const A = USAGE.anthropic;
const anthropicInput = A.input_tokens + A.cache_read_input_tokens + A.cache_creation_input_tokens; // 35
const C = USAGE.chat;
const RC = REASONING_USAGE.chat;
const RR = REASONING_USAGE.responses;
const INPUT = C.prompt_tokens + RC.prompt_tokens + 2 * RR.input_tokens + 2 * anthropicInput;
const OUTPUT = C.completion_tokens + RC.completion_tokens + 2 * RR.output_tokens + 2 * A.output_tokens;
const CACHE_READ = C.prompt_tokens_details.cached_tokens + RC.prompt_tokens_details.cached_tokens + 2 * RR.input_tokens_details.cached_tokens + 2 * A.cache_read_input_tokens;
const CACHE_WRITE = 2 * A.cache_creation_input_tokens;
const REASONING = RC.completion_tokens_details.reasoning_tokens + 2 * RR.output_tokens_details.reasoning_tokens;
const EMBEDDING_INPUT = USAGE.embeddings.prompt_tokens;

let llm;
let prom;
const apps = [];
before(async () => {
  llm = await startFakeLlm();
  for (const app of APPS) {
    const port = await freePort();
    const env = { NODE_NO_WARNINGS: '1', FAKE_LLM_URL: llm.url, AGENTMETER_METRICS_PORT: String(port), AGENTMETER_INSTRUMENTATIONS: 'openai,anthropic' };
    if (app.mode) env.AGENTMETER_GENAI_METRICS = app.mode;
    const p = startNode(app.args, { env, timeout: 60_000 });
    apps.push(p);
    await p.ready;
    app.port = port;
  }
  prom = await startPrometheus(APPS.map((a) => ({ job: a.job, port: a.port })));
});
after(async () => {
  await prom?.stop();
  for (const p of apps) await p.stop();
  await llm?.close();
});

const v = (expr) => prom.waitForValue(expr, (x) => x !== undefined);
const absent = async (expr) => assert.deepEqual(await prom.query(expr), [], `${expr} should be empty`);

for (const job of ['cjs-current', 'esm-current', 'esm-both']) {
  test(`${job}: every current usage counter and histogram holds the exact token counts`, async () => {
    const sel = `job="${job}"`;
    assert.equal(await v(`sum(gen_ai_client_inference_usage_input_tokens_total{${sel}})`), INPUT);
    assert.equal(await v(`sum(gen_ai_client_inference_usage_output_tokens_total{${sel}})`), OUTPUT);
    assert.equal(await v(`sum(gen_ai_client_inference_usage_cache_read_input_tokens_total{${sel}})`), CACHE_READ);
    assert.equal(await v(`sum(gen_ai_client_inference_usage_cache_write_input_tokens_total{${sel}})`), CACHE_WRITE);
    assert.equal(await v(`sum(gen_ai_client_inference_usage_reasoning_output_tokens_total{${sel}})`), REASONING);
    assert.equal(await v(`sum(gen_ai_client_inference_usage_input_tokens_total{${sel},gen_ai_token_modality="text"})`), INPUT);
    assert.equal(await v(`sum(gen_ai_client_inference_operation_input_tokens_sum{${sel}})`), INPUT);
    assert.equal(await v(`sum(gen_ai_client_inference_operation_input_tokens_count{${sel}})`), 6);
    assert.equal(await v(`sum(gen_ai_client_inference_operation_output_tokens_sum{${sel}})`), OUTPUT);
    assert.equal(await v(`sum(gen_ai_client_inference_duration_seconds_count{${sel}})`), 6);
    assert.equal(await v(`sum(gen_ai_client_inference_time_to_first_chunk_seconds_count{${sel}})`), 3);
    assert.equal(await v(`sum(gen_ai_client_embeddings_duration_seconds_count{${sel}})`), 1);
    assert.equal(await v(`sum(gen_ai_client_embeddings_operation_input_tokens_sum{${sel}})`), EMBEDDING_INPUT);
    // per model: the Responses stream's cached and reasoning details, Anthropic's cache write
    assert.equal(await v(`gen_ai_client_inference_usage_reasoning_output_tokens_total{${sel},gen_ai_request_model="gpt-5-reasoning-stream"}`), RR.output_tokens_details.reasoning_tokens);
    assert.equal(await v(`gen_ai_client_inference_usage_cache_read_input_tokens_total{${sel},gen_ai_request_model="o4-reasoning-stream"}`), RC.prompt_tokens_details.cached_tokens);
    assert.equal(await v(`gen_ai_client_inference_usage_cache_write_input_tokens_total{${sel},gen_ai_provider_name="anthropic",gen_ai_request_model="claude-stream"}`), A.cache_creation_input_tokens);
    // the dashboards' prompt-cache hit ratio and reasoning share
    assert.equal(await v(`sum(gen_ai_client_inference_usage_cache_read_input_tokens_total{${sel}}) / sum(gen_ai_client_inference_usage_input_tokens_total{${sel}})`), CACHE_READ / INPUT);
    assert.equal(await v(`sum(gen_ai_client_inference_usage_reasoning_output_tokens_total{${sel}}) / sum(gen_ai_client_inference_usage_output_tokens_total{${sel}})`), REASONING / OUTPUT);
    if (job !== 'esm-both') {
      await absent(`gen_ai_client_token_usage_count{${sel}}`);
      await absent(`gen_ai_client_operation_duration_seconds_count{${sel}}`);
      await absent(`gen_ai_client_operation_time_to_first_chunk_seconds_count{${sel}}`);
    }
  });
}

for (const job of ['esm-legacy', 'cjs-legacy', 'esm-both']) {
  test(`${job}: the v1.41 families hold exactly what agentmeter recorded before`, async () => {
    const sel = `job="${job}"`;
    assert.equal(await v(`sum(gen_ai_client_token_usage_sum{${sel},gen_ai_token_type="input"})`), INPUT + EMBEDDING_INPUT);
    assert.equal(await v(`sum(gen_ai_client_token_usage_sum{${sel},gen_ai_token_type="output"})`), OUTPUT);
    assert.equal(await v(`sum(gen_ai_client_token_usage_count{${sel}})`), 13);
    assert.equal(await v(`sum(gen_ai_client_operation_duration_seconds_count{${sel}})`), 7);
    assert.equal(await v(`sum(gen_ai_client_operation_duration_seconds_count{${sel},gen_ai_operation_name="embeddings"})`), 1);
    assert.equal(await v(`sum(gen_ai_client_operation_time_to_first_chunk_seconds_count{${sel}})`), 3);
    assert.equal(await v(`sum(gen_ai_client_operation_time_per_output_chunk_seconds_count{${sel}})`), 9);
    assert.equal(await v(`gen_ai_client_token_usage_sum{${sel},gen_ai_request_model="claude-sonnet-4-5",gen_ai_token_type="input"}`), anthropicInput);
    if (job !== 'esm-both') {
      await absent(`{__name__=~"gen_ai_client_(inference|embeddings)_.+",${sel}}`);
    }
  });
}

test('an invalid AGENTMETER_GENAI_METRICS / genAiMetrics fails at start naming the setting', async () => {
  const { runNode } = await import('@agentmeter/test-utils/proc');
  for (const flag of ['--require', '--import']) {
    const r = await runNode([flag, '@agentmeter/sdk/register', '-e', 'console.log("app ran")'], { env: { NODE_NO_WARNINGS: '1', AGENTMETER_METRICS_PORT: '0', AGENTMETER_GENAI_METRICS: 'newest' } });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /AGENTMETER_GENAI_METRICS/);
    assert.match(r.stderr, /current, legacy or both/);
    assert.doesNotMatch(r.stdout, /app ran/);
  }
  const { start } = await import('@agentmeter/sdk');
  assert.throws(() => start({ genAiMetrics: 'v2', metricsServer: false, env: {} }), /genAiMetrics/);
});

test('start({ genAiMetrics }) switches the names of every recorder (option over the environment)', async () => {
  const { start } = await import('@agentmeter/sdk');
  const { recordLlmCall, getGenAiMetrics, setGenAiMetrics } = await import('@agentmeter/llm');
  const handle = start({ genAiMetrics: 'both', metricsServer: false, instrumentations: [], env: { AGENTMETER_GENAI_METRICS: 'legacy' } });
  try {
    assert.equal(getGenAiMetrics(), 'both');
    recordLlmCall({ provider: 'openai', requestModel: 'start-option', durationSeconds: 0.5, inputTokens: 10, outputTokens: 2, cacheReadTokens: 4 });
    const text = await handle.metrics();
    assert.match(text, /^gen_ai_client_inference_usage_cache_read_input_tokens_total\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="start-option",gen_ai_token_modality="text"\} 4$/m);
    assert.match(text, /^gen_ai_client_token_usage_sum\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="start-option",gen_ai_token_type="input"\} 10$/m);
  } finally {
    await handle.shutdown();
    setGenAiMetrics('current');
  }
});

test('every PromQL query of docs/migration.md evaluates against the scraped apps: legacy ones on the legacy names, current ones on the current names', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../docs/migration.md', import.meta.url), 'utf8');
  const blocks = [...doc.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === '').map((m) => m[2]);
  const queries = [];
  for (const b of blocks) {
    let set = 'current';
    let cur;
    for (const line of b.split('\n')) {
      if (line.startsWith('# legacy')) set = 'legacy';
      else if (line.startsWith('# current')) set = 'current';
      else if (line.startsWith('#') || !line.trim()) continue;
      else if (/^\s/.test(line) && cur) cur.expr += ' ' + line.trim();
      else queries.push((cur = { set, expr: line.trim() }));
    }
  }
  assert.ok(queries.length >= 16, `parsed ${queries.length} queries`);
  for (const q of queries) {
    const expectData = !/error_type|speech/.test(q.expr);
    const ok = await prom.waitForValue(`count(${q.expr})`, (x) => !expectData || x > 0).catch(() => undefined);
    assert.ok(!expectData || ok > 0, `${q.set}: no data for ${q.expr}`);
    // the legacy query sees only the legacy and both jobs, the current one the current and both jobs
    if (expectData && /by \(/.test(q.expr)) {
      const want = q.set === 'legacy' ? ['cjs-legacy', 'esm-both', 'esm-legacy'] : ['cjs-current', 'esm-both', 'esm-current'];
      const byJob = q.expr.replace(/sum by \(/g, 'sum by (job, ');
      let jobs = [];
      for (let i = 0; i < 40; i++) {
        jobs = [...new Set((await prom.query(byJob)).map((s) => s.metric.job))].sort();
        if (jobs.length >= want.length) break;
        await new Promise((r) => setTimeout(r, 500)); // a job scraped only once has no rate() yet
      }
      assert.deepEqual(jobs, want, `${q.set}: ${q.expr}`);
    }
  }
});
