// Instrumentation never breaks the app and is never silent: hostile channel messages,
// results and stream parts are measured or ignored without throwing; an `ai` version
// outside the supported range gets one warning naming package, version and range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dc from 'node:diagnostics_channel';
import { Registry, serializeAsync } from '@agentmeter/core';
import { AiSdkInstrumentation } from '@agentmeter/instrumentation-ai';
// This in-process test reads the v1.41 metric names (AGENTMETER_GENAI_METRICS=legacy).
import { setGenAiMetrics as __pinGenAiMetrics } from '@agentmeter/llm';
__pinGenAiMetrics('legacy');

const registry = new Registry();
const inst = new AiSdkInstrumentation({ meterProvider: registry });
const tc = dc.tracingChannel('ai:telemetry');
const warnings = [];
process.on('warning', (w) => warnings.push(w));

test('hostile messages, results and stream parts never throw into the caller', async () => {
  const hostile = new Proxy({}, { get() { throw new Error('boom'); } });
  // (the channel message is always an object: Node's tracePromise sets its result)
  const messages = [{}, { type: 42 }, { type: 'languageModelCall' }, { type: 'languageModelCall', event: hostile }, { type: 'executeTool', event: { toolCall: hostile } }, { type: 'generateText', event: { tools: hostile } }, { type: 'embed', event: { provider: 7, modelId: {} } }];
  for (const msg of messages) {
    const r = await tc.tracePromise(async () => ({ usage: hostile, response: hostile, stream: hostile }), msg);
    assert.ok(r);
    await assert.rejects(tc.tracePromise(async () => { throw new Error('app error'); }, msg), /app error/);
  }
  // a stream whose parts are garbage still flows through unchanged
  const parts = [null, 1, { type: 'text-delta' }, { type: 'finish', usage: hostile }, { type: 'response-metadata', modelId: 5 }];
  const source = new ReadableStream({ start(c) { for (const p of parts) c.enqueue(p); c.close(); } });
  const result = await tc.tracePromise(async () => ({ stream: source }), { type: 'languageModelCall', event: { provider: 'openai.responses', modelId: 'm-stream' } });
  const out = [];
  const reader = result.stream.pipeThrough(new TransformStream()).getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(r.value);
  assert.deepEqual(out, parts);
  const text = await serializeAsync(registry);
  assert.match(text, /^gen_ai_client_operation_duration_seconds_count\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="m-stream"\} 1$/m);
});

test('an ai version outside the supported range gets one warning naming package, version and range', async () => {
  await tc.tracePromise(async () => ({}), { type: 'embed', event: { aiVersion: '8.1.0', provider: 'openai', modelId: 'e' } });
  await tc.tracePromise(async () => ({}), { type: 'embed', event: { aiVersion: '8.1.0', provider: 'openai', modelId: 'e' } });
  await new Promise((r) => setImmediate(r));
  const w = warnings.filter((x) => x.code === 'AGENTMETER_UNSUPPORTED_VERSION');
  assert.equal(w.length, 1);
  assert.match(w[0].message, /ai 8\.1\.0 is outside the supported range >=7\.0\.0 <8/);
});

test('disabled: nothing is recorded', async () => {
  inst.disable();
  await tc.tracePromise(async () => ({ usage: { inputTokens: 1 } }), { type: 'languageModelCall', event: { provider: 'openai', modelId: 'while-disabled' } });
  assert.doesNotMatch(await serializeAsync(registry), /while-disabled/);
  inst.enable();
});

test('an ai 5/6 app gets one warning pointing to the span setup', async () => {
  const other = new AiSdkInstrumentation({ enabled: false, meterProvider: registry });
  const def = other.getModuleDefinitions()[0];
  def.patch({}, '6.0.326');
  def.patch({}, '6.0.326');
  await new Promise((r) => setImmediate(r));
  const w = warnings.filter((x) => x.code === 'AGENTMETER_SETUP_NEEDED');
  assert.equal(w.length, 1);
  assert.match(w[0].message, /ai 6\.0\.326 publishes no ai:telemetry channel.*GenAiSpanMetricsProcessor/);
});
