// AGENTMETER_GENAI_METRICS=legacy reproduces the exposition of agentmeter before the
// semantic-conventions-genai names: the anthropic test of commit ad61ae0 (with the sdk-trace 3
// TracerProvider / SimpleSpanProcessor({ exporter }) spelling); see anthropic.test.mjs for the current names.
import './fixtures/legacy-env.mjs';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { Registry, serializeAsync } from '@agentmeter/core';
import { onGenAiUsage, setDiagnosticWarnings } from '@agentmeter/api';
import { GenAiSpanMetricsProcessor } from '@agentmeter/llm';
import { AnthropicInstrumentation } from '@agentmeter/instrumentation-anthropic';

const PATCHED = Symbol.for('agentmeter.instrumentation-anthropic.patched');
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';

setDiagnosticWarnings(false);
const registry = new Registry();
const instrumentation = new AnthropicInstrumentation({ meterProvider: registry });
// loaded after the instrumentation: the CommonJS build is patched through require-in-the-middle
const Anthropic = createRequire(import.meta.url)('@anthropic-ai/sdk').Anthropic;

// Anthropic SDK 1.x tracing on, with the span processor writing to a second registry
const spanRegistry = new Registry();
const exporter = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({ spanProcessors: [new GenAiSpanMetricsProcessor({ meterProvider: spanRegistry }), new SimpleSpanProcessor({ exporter })] });

let llm;
let client;
const events = [];
let off;
before(async () => {
  llm = await startFakeLlm();
  client = new Anthropic({ apiKey: 'k', baseURL: llm.url, maxRetries: 0, openTelemetry: { tracerProvider } });
  off = onGenAiUsage((e) => events.push(e));
});
after(async () => {
  off();
  await llm.close();
});

const L = (model) => `gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="${model}",gen_ai_response_model="${model}-2025-01-01"`;
const PROMPT = 'PROMPT-ANTHROPIC-must-not-leak';
const msg = (model, extra = {}) => ({ model, max_tokens: 64, messages: [{ role: 'user', content: PROMPT }], ...extra });

test('messages.create, stream:true and messages.stream() are recorded once each, with cache tokens normalised', async () => {
  const start = events.length;
  const m = await client.messages.create(msg('claude-sonnet-4-5'));
  assert.equal(m.usage.input_tokens, 10, 'result unchanged');
  const { data, response } = await client.messages.create(msg('claude-with-response')).withResponse();
  assert.equal(response.status, 200);
  assert.equal(data.type, 'message');
  const s = await client.messages.create(msg('claude-stream-slow', { stream: true }));
  const kinds = [];
  for await (const ev of s) kinds.push(ev.type);
  assert.deepEqual(kinds.slice(0, 2), ['message_start', 'content_block_start'], 'events pass through unchanged');
  const helper = client.messages.stream(msg('claude-helper'));
  const final = await helper.finalMessage();
  assert.equal(final.usage.output_tokens, 8);
  await assert.rejects(client.messages.create(msg('claude-rate-limit')), Anthropic.RateLimitError);
  await assert.rejects(client.messages.create(msg('claude-server-error')), Anthropic.InternalServerError);
  await new Promise((r) => setTimeout(r, 20));

  const out = await serializeAsync(registry);
  const line = (metric, labels, v) => assert.match(out, new RegExp(`^${metric}\\{${labels.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\} ${v}$`, 'm'), `${metric}{${labels}} ${v}\n${out}`);
  line('gen_ai_client_operation_duration_seconds_count', L('claude-sonnet-4-5'), 1);
  line('gen_ai_client_token_usage_sum', L('claude-sonnet-4-5') + ',gen_ai_token_type="input"', 35);
  line('gen_ai_client_token_usage_sum', L('claude-sonnet-4-5') + ',gen_ai_token_type="output"', 8);
  line('gen_ai_client_operation_duration_seconds_count', L('claude-with-response'), 1);
  line('gen_ai_client_operation_time_to_first_chunk_seconds_count', L('claude-stream-slow'), 1);
  line('gen_ai_client_operation_time_per_output_chunk_seconds_count', L('claude-stream-slow'), 3);
  line('gen_ai_client_token_usage_sum', L('claude-stream-slow') + ',gen_ai_token_type="input"', 35);
  line('gen_ai_client_token_usage_sum', L('claude-stream-slow') + ',gen_ai_token_type="output"', 8);
  line('gen_ai_client_operation_duration_seconds_count', L('claude-helper'), 1);
  line('gen_ai_client_operation_time_to_first_chunk_seconds_count', L('claude-helper'), 1);
  line('gen_ai_client_operation_duration_seconds_count', 'error_type="rate_limit",gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-rate-limit"', 1);
  line('gen_ai_client_operation_duration_seconds_count', 'error_type="server_error",gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-server-error"', 1);
  assert.doesNotMatch(out, /PROMPT-ANTHROPIC|Hello there/);
  const mine = events.slice(start);
  assert.equal(mine.length, 6, JSON.stringify(mine));
  assert.deepEqual(mine[0], { operation: 'chat', provider: 'anthropic', requestModel: 'claude-sonnet-4-5', responseModel: 'claude-sonnet-4-5-2025-01-01', inputTokens: 35, outputTokens: 8, cacheReadTokens: 20, cacheWriteTokens: 5 });
  assert.equal(llm.requests.filter((r) => r.model === 'claude-helper').length, 1);

  // the SDK's own spans exist, but the span processor skipped every call the instrumentation recorded
  assert.ok(exporter.getFinishedSpans().length >= 6, 'Anthropic SDK emitted spans');
  const spanOut = await serializeAsync(spanRegistry);
  assert.doesNotMatch(spanOut, /gen_ai_client_operation_duration_seconds_count/);
});

test('patched once; disable() hands the calls over to the span processor (counted once either way)', async () => {
  const proto = Anthropic.Messages.prototype;
  assert.ok(Object.prototype.hasOwnProperty.call(proto, PATCHED));
  assert.equal(proto.create.name, 'agentmeterAnthropic');
  instrumentation.disable();
  try {
    await client.messages.create(msg('claude-after-disable'));
    const out = await serializeAsync(registry);
    assert.doesNotMatch(out, /claude-after-disable/);
    const spanOut = await serializeAsync(spanRegistry);
    assert.match(spanOut, new RegExp(`^gen_ai_client_operation_duration_seconds_count\\{${L('claude-after-disable')}\\} 1$`, 'm'));
    assert.match(spanOut, new RegExp(`^gen_ai_client_token_usage_sum\\{${L('claude-after-disable')},gen_ai_token_type="input"\\} 35$`, 'm'));
  } finally {
    instrumentation.enable();
  }
});
