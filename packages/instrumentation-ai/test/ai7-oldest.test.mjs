// The oldest supported AI SDK 7 (7.0.0, installed as the alias ai-v7-oldest) publishes the
// same ai:telemetry messages: model calls (plain, streamed, tool loop), tools and agent runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, serializeAsync } from '@agentmeter/core';
import { setDiagnosticWarnings } from '@agentmeter/api';
import { AiSdkInstrumentation } from '@agentmeter/instrumentation-ai';
import * as ai from 'ai-v7-oldest';
import { createOpenAI } from '@ai-sdk/openai';
import { z } from 'zod';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';
// This in-process test reads the v1.41 metric names (AGENTMETER_GENAI_METRICS=legacy).
import { setGenAiMetrics as __pinGenAiMetrics } from '@agentmeter/llm';
__pinGenAiMetrics('legacy');

setDiagnosticWarnings(false);
const registry = new Registry();
new AiSdkInstrumentation({ meterProvider: registry });
let llm;
before(async () => {
  llm = await startFakeLlm();
});
after(() => llm.close());

test('ai 7.0.0: model calls, stream TTFT, tool loop', async () => {
  const openai = createOpenAI({ apiKey: 'k', baseURL: llm.url + '/v1' });
  const weather = ai.tool({ description: 'w', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => `${city}: 21C` });
  await ai.generateText({ model: openai('fw-old-gen'), prompt: 'x' });
  const s = ai.streamText({ model: openai('fw-old-stream'), prompt: 'x' });
  for await (const t of s.textStream) void t;
  await ai.generateText({ model: openai('fw-old-tool'), prompt: 'x', tools: { weather }, stopWhen: ai.stepCountIs(5), experimental_telemetry: { functionId: 'old-agent' } });
  const out = await serializeAsync(registry);
  assert.match(out, /^gen_ai_client_token_usage_sum\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="fw-old-gen",gen_ai_response_model="fw-old-gen-2025-01-01",gen_ai_token_type="input"\} 40$/m);
  assert.match(out, /^gen_ai_client_operation_time_to_first_chunk_seconds_count\{[^}]*gen_ai_request_model="fw-old-stream"[^}]*\} 1$/m);
  assert.match(out, /^gen_ai_client_operation_duration_seconds_count\{[^}]*gen_ai_request_model="fw-old-tool"[^}]*\} 2$/m);
  assert.match(out, /^gen_ai_execute_tool_duration_seconds_count\{gen_ai_agent_name="old-agent",gen_ai_tool_name="weather",gen_ai_tool_type="function"\} 1$/m);
  assert.match(out, /^gen_ai_invoke_agent_inference_calls_sum\{gen_ai_agent_name="old-agent"\} 2$/m);
  assert.equal(llm.requests.length, 4);
});
