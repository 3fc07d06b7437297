// Exactly once when the AI SDK's own OpenTelemetry integration (@ai-sdk/otel) is on and
// GenAiSpanMetricsProcessor derives metrics from spans: with the channel instrumentation
// enabled the spans are skipped; with it disabled, the spans are measured (provider mapped,
// cache reads and TTFT read). The AI SDK's own gen_ai.client.inference.duration stays in
// its own family.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { metrics } from '@opentelemetry/api';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { Registry, serializeAsync } from '@agentmeter/core';
import { onGenAiUsage, setDiagnosticWarnings } from '@agentmeter/api';
import { GenAiSpanMetricsProcessor } from '@agentmeter/llm';
import { AiSdkInstrumentation } from '@agentmeter/instrumentation-ai';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';
// This in-process test reads the v1.41 metric names (AGENTMETER_GENAI_METRICS=legacy).
import { setGenAiMetrics as __pinGenAiMetrics } from '@agentmeter/llm';
__pinGenAiMetrics('legacy');

setDiagnosticWarnings(false);
const registry = new Registry();
metrics.setGlobalMeterProvider(registry);
const inst = new AiSdkInstrumentation({ meterProvider: registry });
const ended = [];
const collect = { onStart() {}, onEnd: (s) => ended.push(s), forceFlush: async () => {}, shutdown: async () => {} };
const tracerProvider = new TracerProvider({ spanProcessors: [new GenAiSpanMetricsProcessor({ meterProvider: registry }), collect] });
const events = [];
onGenAiUsage((e) => events.push(e));

let llm, ai, openai;
before(async () => {
  llm = await startFakeLlm();
  ai = await import('ai');
  const { OpenTelemetry } = await import('@ai-sdk/otel');
  ai.registerTelemetry(new OpenTelemetry({ tracer: tracerProvider.getTracer('test') }));
  const { createOpenAI } = await import('@ai-sdk/openai');
  openai = createOpenAI({ apiKey: 'k', baseURL: llm.url + '/v1' });
});
after(async () => {
  inst.disable();
  await llm.close();
});

const series = (text, metric, model) => text.split('\n').filter((l) => l.startsWith(metric + '{') && l.includes(`gen_ai_request_model="${model}"`));
const count = (text, metric, model) => series(text, metric, model).reduce((s, l) => s + Number(l.split(' ').pop()), 0);

async function scenario(p) {
  await ai.generateText({ model: openai(`fw-${p}-gen`), prompt: 'x' });
  const s = ai.streamText({ model: openai(`fw-${p}-stream-slow`), prompt: 'x' });
  for await (const t of s.textStream) void t;
  await ai.embed({ model: openai.embedding(`${p}-embed`), value: 'x' });
}

test('channel instrumentation on: each call recorded once, the @ai-sdk/otel spans are skipped', async () => {
  events.length = 0;
  ended.length = 0;
  await scenario('on');
  const text = await serializeAsync(registry);
  assert.equal(count(text, 'gen_ai_client_operation_duration_seconds_count', 'fw-on-gen'), 1);
  assert.equal(count(text, 'gen_ai_client_operation_duration_seconds_count', 'fw-on-stream-slow'), 1);
  assert.equal(count(text, 'gen_ai_client_operation_duration_seconds_count', 'on-embed'), 1);
  assert.equal(count(text, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', 'fw-on-stream-slow'), 1);
  assert.equal(events.length, 3);
  assert.equal(events.find((e) => e.requestModel === 'fw-on-gen').cacheReadTokens, 16);
  // the spans were there (and are GenAI inference spans)
  const chat = ended.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
  assert.ok(chat.length >= 2, `expected chat spans, got ${ended.map((s) => s.name)}`);
  // the AI SDK's own metric, in its own family
  assert.match(text, /^gen_ai_client_inference_duration_seconds_count\{[^}]*gen_ai_request_model="fw-on-gen"[^}]*\} 1$/m);
});

test('channel instrumentation off: the span processor measures the @ai-sdk/otel spans once, provider mapped, cache reads and TTFT read', async () => {
  inst.disable();
  events.length = 0;
  await scenario('off');
  const text = await serializeAsync(registry);
  assert.equal(count(text, 'gen_ai_client_operation_duration_seconds_count', 'fw-off-gen'), 1, text);
  assert.equal(count(text, 'gen_ai_client_operation_duration_seconds_count', 'fw-off-stream-slow'), 1);
  assert.equal(count(text, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', 'fw-off-stream-slow'), 1);
  // the operation span around the embedding model span is not counted again
  assert.equal(count(text, 'gen_ai_client_operation_duration_seconds_count', 'off-embed'), 1);
  for (const l of series(text, 'gen_ai_client_operation_duration_seconds_count', 'fw-off-gen')) assert.match(l, /gen_ai_provider_name="openai"/);
  const gen = events.filter((e) => e.requestModel === 'fw-off-gen');
  assert.equal(gen.length, 1);
  assert.equal(gen[0].inputTokens, 40);
  assert.equal(gen[0].cacheReadTokens, 16);
  inst.enable();
});
