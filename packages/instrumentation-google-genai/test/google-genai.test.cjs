// In-process CommonJS consumer: the real @google/genai 3.x client (hooked on require) and
// 2.x (manuallyInstrument) against the fake Gemini / Vertex AI server.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const exposition = require('@agentmeter/test-utils/exposition');
// These unit tests read the v1.41 names (AGENTMETER_GENAI_METRICS=legacy); the e2e tests
// under test/e2e read the current semantic-conventions-genai names through Prometheus.
require('@agentmeter/llm').setGenAiMetrics('legacy');
const { Registry, serializeAsync } = require('@agentmeter/core');
const { onGenAiUsage, setDiagnosticWarnings } = require('@agentmeter/api');
const { GoogleGenAIInstrumentation } = require('@agentmeter/instrumentation-google-genai');

setDiagnosticWarnings(false);
const registry = new Registry();
const instrumentation = new GoogleGenAIInstrumentation({ meterProvider: registry });
const genai = require('@google/genai');
const { run, EXPECTED } = require('./fixtures/calls.cjs');

/** Value of the series of `metric` with exactly these labels; undefined when there is none. */
const value = (text, metric, labels) => exposition.value(text, metric, labels, { exact: true });
const L = (provider, model, extra = {}) => ({ gen_ai_operation_name: 'generate_content', gen_ai_provider_name: provider, gen_ai_request_model: model, gen_ai_response_model: `${model}-001`, ...extra });

let llm;
const events = [];
let off;
before(async () => {
  const { startFakeLlm } = await import('@agentmeter/test-utils/fake-llm');
  llm = await startFakeLlm();
  off = onGenAiUsage((e) => events.push(e));
});
after(async () => {
  off();
  await llm.close();
});

test('@google/genai 3.x: every call lands once with provider, tokens, TTFT and error.type', async () => {
  const start = events.length;
  assert.deepEqual(await run(genai.GoogleGenAI, llm.url), EXPECTED, 'results unchanged');
  const text = await serializeAsync(registry);
  const D = 'gen_ai_client_operation_duration_seconds_count';
  const T = 'gen_ai_client_token_usage_sum';
  assert.equal(value(text, D, L('gcp.gemini', 'gemini-2.5-flash')), 2);
  assert.equal(value(text, T, L('gcp.gemini', 'gemini-2.5-flash', { gen_ai_token_type: 'input' })), 24, 'promptTokenCount (cached included) x2');
  assert.equal(value(text, T, L('gcp.gemini', 'gemini-2.5-flash', { gen_ai_token_type: 'output' })), 18, 'candidates + thoughts x2');
  assert.equal(value(text, D, L('gcp.gemini', 'gemini-2.5-flash-slow')), 1);
  assert.equal(value(text, T, L('gcp.gemini', 'gemini-2.5-flash-slow', { gen_ai_token_type: 'output' })), 9, 'stream: usage of the last chunk');
  assert.equal(value(text, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', L('gcp.gemini', 'gemini-2.5-flash-slow')), 1);
  assert.ok(value(text, 'gen_ai_client_operation_time_to_first_chunk_seconds_sum', L('gcp.gemini', 'gemini-2.5-flash-slow')) >= 0.2, 'TTFT includes the server delay');
  assert.equal(value(text, 'gen_ai_client_operation_time_per_output_chunk_seconds_count', L('gcp.gemini', 'gemini-2.5-flash-slow')), 3);
  assert.equal(value(text, D, { gen_ai_operation_name: 'embeddings', gen_ai_provider_name: 'gcp.gemini', gen_ai_request_model: 'gemini-embedding-001' }), 1);
  assert.equal(value(text, D, L('gcp.gemini', 'gemini-2.5-pro')), 2, 'chats: one call per turn');
  assert.equal(value(text, D, { error_type: 'rate_limit', gen_ai_operation_name: 'generate_content', gen_ai_provider_name: 'gcp.gemini', gen_ai_request_model: 'gemini-rate-limit' }), 1);
  assert.equal(value(text, D, { error_type: 'server_error', gen_ai_operation_name: 'generate_content', gen_ai_provider_name: 'gcp.gemini', gen_ai_request_model: 'gemini-server-error' }), 1);
  assert.equal(value(text, D, L('gcp.vertex_ai', 'gemini-2.5-flash')), 1);
  assert.equal(value(text, T, { gen_ai_operation_name: 'embeddings', gen_ai_provider_name: 'gcp.vertex_ai', gen_ai_request_model: 'text-embedding-005', gen_ai_token_type: 'input' }), 10, 'Vertex: token_count per embedding');
  assert.doesNotMatch(text, /PROMPT-must-not-leak|Hello/);
  const mine = events.slice(start);
  assert.equal(mine.length, 10, 'one usage event per HTTP call');
  assert.deepEqual(mine[0], { operation: 'generate_content', provider: 'gcp.gemini', requestModel: 'gemini-2.5-flash', responseModel: 'gemini-2.5-flash-001', inputTokens: 12, outputTokens: 9, cacheReadTokens: 4, reasoningTokens: 3 });
});

test('@google/genai 2.x (manuallyInstrument) is recorded the same way', async () => {
  const genai2 = require('google-genai-2');
  instrumentation.manuallyInstrument(genai2);
  const ai = new genai2.GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: llm.url } });
  await ai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'hi' });
  let n = 0;
  for await (const c of await ai.models.generateContentStream({ model: 'gemini-2.0-flash-lite', contents: 'hi' })) n += c.text.length;
  assert.equal(n, 12);
  const text = await serializeAsync(registry);
  assert.equal(value(text, 'gen_ai_client_token_usage_sum', L('gcp.gemini', 'gemini-2.0-flash', { gen_ai_token_type: 'input' })), 12);
  assert.equal(value(text, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', L('gcp.gemini', 'gemini-2.0-flash-lite')), 1);
});

test('disable() restores the methods; enable() patches again', async () => {
  instrumentation.disable();
  assert.notEqual(genai.Models.prototype.generateContentInternal.name, 'agentmeterGoogleGenAI');
  const ai = new genai.GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: llm.url } });
  await ai.models.generateContent({ model: 'gemini-disabled', contents: 'hi' });
  instrumentation.enable();
  await ai.models.generateContent({ model: 'gemini-enabled', contents: 'hi' });
  const text = await serializeAsync(registry);
  assert.doesNotMatch(text, /gemini-disabled/);
  assert.match(text, /gen_ai_request_model="gemini-enabled"/);
});
