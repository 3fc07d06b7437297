// In-process CommonJS consumer: the real @aws-sdk/client-bedrock-runtime client against the
// fake Bedrock Runtime server (JSON, and AWS event-stream frames encoded with
// @smithy/eventstream-codec, over cleartext HTTP/2 like the SDK's default handler).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const exposition = require('@agentmeter/test-utils/exposition');
// These unit tests read the v1.41 names (AGENTMETER_GENAI_METRICS=legacy); the e2e tests
// under test/e2e read the current semantic-conventions-genai names through Prometheus.
require('@agentmeter/llm').setGenAiMetrics('legacy');
const { Registry, serializeAsync } = require('@agentmeter/core');
const { onGenAiUsage, setDiagnosticWarnings } = require('@agentmeter/api');
const { BedrockInstrumentation } = require('@agentmeter/instrumentation-aws-bedrock');

setDiagnosticWarnings(false);
const registry = new Registry();
const instrumentation = new BedrockInstrumentation({ meterProvider: registry });
const sdk = require('@aws-sdk/client-bedrock-runtime');
const { run, EXPECTED, CLAUDE } = require('./fixtures/calls.cjs');

/** Value of the series of `metric` with exactly these labels; undefined when there is none. */
const value = (text, metric, labels) => exposition.value(text, metric, labels, { exact: true });
const L = (model, op = 'chat', extra = {}) => ({ gen_ai_operation_name: op, gen_ai_provider_name: 'aws.bedrock', gen_ai_request_model: model, ...extra });
const D = 'gen_ai_client_operation_duration_seconds_count';
const T = 'gen_ai_client_token_usage_sum';
const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const LLAMA = 'meta.llama3-3-70b-instruct-v1:0';

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

test('Converse, ConverseStream, InvokeModel (5 families), InvokeModelWithResponseStream: exact counts, tokens incl. cache, TTFT, error.type', async () => {
  const start = events.length;
  assert.deepEqual(await run(sdk, llm.h2url), EXPECTED, 'results and streams unchanged');
  const text = await serializeAsync(registry);
  assert.equal(value(text, D, L(CLAUDE)), 2);
  assert.equal(value(text, T, L(CLAUDE, 'chat', { gen_ai_token_type: 'input' })), 70, 'Converse: 10 + 20 cache read + 5 cache write, x2');
  assert.equal(value(text, T, L(CLAUDE, 'chat', { gen_ai_token_type: 'output' })), 16);
  assert.equal(value(text, T, L('amazon.nova-pro-v1:0-slow', 'chat', { gen_ai_token_type: 'input' })), 35, 'ConverseStream: metadata event usage');
  assert.equal(value(text, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', L('amazon.nova-pro-v1:0-slow')), 1);
  assert.ok(value(text, 'gen_ai_client_operation_time_to_first_chunk_seconds_sum', L('amazon.nova-pro-v1:0-slow')) >= 0.2, 'TTFT includes the server delay');
  assert.equal(value(text, 'gen_ai_client_operation_time_per_output_chunk_seconds_count', L('amazon.nova-pro-v1:0-slow')), 3);
  assert.equal(value(text, D, L(HAIKU)), 2, 'InvokeModel + InvokeModelWithResponseStream');
  assert.equal(value(text, T, L(HAIKU, 'chat', { gen_ai_token_type: 'input' })), 70, 'Anthropic body and invocation metrics, cache included');
  assert.equal(value(text, T, L('amazon.nova-lite-v1:0', 'chat', { gen_ai_token_type: 'input' })), 35);
  assert.equal(value(text, T, L(LLAMA, 'text_completion', { gen_ai_token_type: 'input' })), 20);
  assert.equal(value(text, T, L(LLAMA, 'text_completion', { gen_ai_token_type: 'output' })), 16);
  assert.equal(value(text, T, L('mistral.mistral-large-2407-v1:0', 'chat', { gen_ai_token_type: 'output' })), 8);
  assert.equal(value(text, D, L('mistral.mistral-7b-instruct-v0:2', 'text_completion')), 1);
  assert.equal(value(text, T, L('mistral.mistral-7b-instruct-v0:2', 'text_completion', { gen_ai_token_type: 'input' })), undefined, 'no usage in the body: no token point');
  assert.equal(value(text, T, L('amazon.titan-embed-text-v2:0', 'embeddings', { gen_ai_token_type: 'input' })), 6);
  assert.equal(value(text, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', L(HAIKU)), 1);
  assert.equal(value(text, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', L(LLAMA, 'text_completion')), 1);
  assert.equal(value(text, D, L('anthropic.claude-rate-limit', 'chat', { error_type: 'rate_limit' })), 1, 'ThrottlingException');
  assert.equal(value(text, D, L('anthropic.claude-bad-request', 'chat', { error_type: 'invalid_request' })), 1, 'ValidationException');
  assert.doesNotMatch(text, /PROMPT-must-not-leak|Hello/);
  const mine = events.slice(start);
  assert.equal(mine.length, 13, 'one usage event per call');
  assert.deepEqual(mine[0], { operation: 'chat', provider: 'aws.bedrock', requestModel: CLAUDE, inputTokens: 35, outputTokens: 8, cacheReadTokens: 20, cacheWriteTokens: 5 });
});

test('only Bedrock Runtime clients are patched (own send on BedrockRuntimeClient.prototype); disable() restores it', async () => {
  const proto = sdk.BedrockRuntimeClient.prototype;
  assert.ok(Object.prototype.hasOwnProperty.call(proto, 'send'));
  assert.notEqual(Object.getPrototypeOf(proto).send.name, 'agentmeterBedrockSend', 'the shared smithy Client.prototype.send is untouched');
  instrumentation.disable();
  assert.equal(Object.prototype.hasOwnProperty.call(proto, 'send'), false);
  const client = new sdk.BedrockRuntimeClient({ region: 'us-east-1', endpoint: llm.h2url, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
  await client.send(new sdk.ConverseCommand({ modelId: 'anthropic.claude-disabled', messages: [{ role: 'user', content: [{ text: 'x' }] }] }));
  instrumentation.enable();
  await client.send(new sdk.ConverseCommand({ modelId: 'anthropic.claude-enabled', messages: [{ role: 'user', content: [{ text: 'x' }] }] }));
  const text = await serializeAsync(registry);
  assert.doesNotMatch(text, /claude-disabled/);
  assert.equal(value(text, D, L('anthropic.claude-enabled')), 1);
});

test('InvokeModelWithResponseStream for Amazon Nova and Mistral: chunks pass through, usage from the invocation metrics, TTFT once', async () => {
  const client = new sdk.BedrockRuntimeClient({ region: 'us-east-1', endpoint: llm.h2url, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
  const texts = {};
  for (const [modelId, body] of [
    ['amazon.nova-micro-v1:0', { messages: [{ role: 'user', content: [{ text: 'hi' }] }] }],
    ['mistral.mistral-small-2402-v1:0', { prompt: '<s>[INST] hi [/INST]' }],
  ]) {
    const r = await client.send(new sdk.InvokeModelWithResponseStreamCommand({ modelId, contentType: 'application/json', body: JSON.stringify(body) }));
    let text = '';
    for await (const e of r.body) {
      const c = JSON.parse(Buffer.from(e.chunk.bytes).toString('utf8'));
      text += c.contentBlockDelta?.delta?.text ?? c.outputs?.[0]?.text ?? '';
    }
    texts[modelId] = text;
  }
  assert.deepEqual(texts, { 'amazon.nova-micro-v1:0': 'Hello there!', 'mistral.mistral-small-2402-v1:0': 'Hello there!' });
  const text = await serializeAsync(registry);
  assert.equal(value(text, T, L('amazon.nova-micro-v1:0', 'chat', { gen_ai_token_type: 'input' })), 35, 'Nova: 10 + 20 cache read + 5 cache write');
  assert.equal(value(text, T, L('mistral.mistral-small-2402-v1:0', 'text_completion', { gen_ai_token_type: 'input' })), 10);
  assert.equal(value(text, T, L('mistral.mistral-small-2402-v1:0', 'text_completion', { gen_ai_token_type: 'output' })), 8);
  assert.equal(value(text, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', L('amazon.nova-micro-v1:0')), 1);
  assert.equal(value(text, 'gen_ai_client_operation_time_per_output_chunk_seconds_count', L('mistral.mistral-small-2402-v1:0', 'text_completion')), 3);
});
