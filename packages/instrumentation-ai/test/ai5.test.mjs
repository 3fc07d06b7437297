// AI SDK 5 (alias ai5, with @ai-sdk/openai 2 as ai-sdk-openai-v2): measured from its spans
// after registerGenAiSpanMetrics(), with experimental_telemetry on the calls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, serializeAsync } from '@agentmeter/core';
import { setDiagnosticWarnings } from '@agentmeter/api';
import { registerGenAiSpanMetrics } from '@agentmeter/llm';
import * as ai from 'ai5';
import { createOpenAI } from 'ai-sdk-openai-v2';
import { startFakeLlm, SLOW_MS } from '@agentmeter/test-utils/fake-llm';
// This in-process test reads the v1.41 metric names (AGENTMETER_GENAI_METRICS=legacy).
import { setGenAiMetrics as __pinGenAiMetrics } from '@agentmeter/llm';
__pinGenAiMetrics('legacy');

setDiagnosticWarnings(false);
const registry = new Registry();
let llm;
before(async () => {
  llm = await startFakeLlm();
});
after(() => llm.close());

test('ai 5: model calls from spans, provider id mapped, cached tokens, TTFT', async () => {
  assert.equal(registerGenAiSpanMetrics({ meterProvider: registry }), true);
  const openai = createOpenAI({ apiKey: 'k', baseURL: llm.url + '/v1' });
  const telemetry = { isEnabled: true };
  await ai.generateText({ model: openai('fw-v5-gen'), prompt: 'x', experimental_telemetry: telemetry });
  const s = ai.streamText({ model: openai('fw-v5-stream-slow'), prompt: 'x', experimental_telemetry: telemetry });
  for await (const t of s.textStream) void t;
  const out = await serializeAsync(registry);
  assert.match(out, /^gen_ai_client_token_usage_sum\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="fw-v5-gen",[^}]*gen_ai_token_type="input"\} 40$/m);
  assert.match(out, /^gen_ai_client_operation_duration_seconds_count\{[^}]*gen_ai_request_model="fw-v5-stream-slow"[^}]*\} 1$/m);
  const ttft = out.match(/^gen_ai_client_operation_time_to_first_chunk_seconds_sum\{[^}]*gen_ai_request_model="fw-v5-stream-slow"[^}]*\} (\S+)$/m);
  assert.ok(ttft && Number(ttft[1]) >= SLOW_MS / 1000, out);
});
