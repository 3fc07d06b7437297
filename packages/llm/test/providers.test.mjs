// The AI framework provider-id table (one table for the AI SDK instrumentation and the span processor).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metrics, trace } from '@opentelemetry/api';
import { normalizeProviderName, registerGenAiSpanMetrics, GenAiMetricsTracerProvider } from '@agentmeter/llm';
import { Registry, serializeAsync } from '@agentmeter/core';
import { setDiagnosticWarnings, DIAGNOSTIC_CHANNEL } from '@agentmeter/api';
import * as dc from 'node:diagnostics_channel';

test('AI SDK provider ids map to the semantic-convention provider names', () => {
  const cases = {
    'openai.responses': 'openai',
    'openai.chat': 'openai',
    'anthropic.messages': 'anthropic',
    'google.generative-ai': 'gcp.gemini',
    'google.vertex.chat': 'gcp.vertex_ai',
    'google-vertex': 'gcp.vertex_ai',
    'vertex.anthropic.messages': 'gcp.vertex_ai',
    'amazon-bedrock': 'aws.bedrock',
    'azure.responses': 'azure.ai.openai',
    'mistral.chat': 'mistral_ai',
    'groq.chat': 'groq',
    'xai.chat': 'x_ai',
    'deepseek.chat': 'deepseek',
    'cohere.chat': 'cohere',
    perplexity: 'perplexity',
    // LangChain ls_provider values and OpenLLMetry / OpenInference spellings
    google_genai: 'gcp.gemini',
    mistralai: 'mistral_ai',
    OpenAI: 'openai',
    // well-known values pass through
    'aws.bedrock': 'aws.bedrock',
    'azure.ai.inference': 'azure.ai.inference',
  };
  for (const [id, name] of Object.entries(cases)) assert.equal(normalizeProviderName(id), name, id);
});

test('unknown ids pass through sanitised; bad input gives _OTHER', () => {
  assert.equal(normalizeProviderName('my-gateway'), 'my-gateway');
  assert.equal(normalizeProviderName('Custom Provider/v2'), 'custom_provider_v2');
  assert.equal(normalizeProviderName('x'.repeat(300)).length, 64);
  for (const bad of [undefined, null, '', 42, {}]) assert.equal(normalizeProviderName(bad), '_OTHER');
});

test('registerGenAiSpanMetrics: spans of a library become metrics; a second registration is refused with one diagnostic', async () => {
  setDiagnosticWarnings(false);
  const registry = new Registry();
  assert.equal(registerGenAiSpanMetrics({ meterProvider: registry }), true);
  const tracer = trace.getTracer('lib');
  await tracer.startActiveSpan('ai.generateText.doGenerate', { attributes: { 'gen_ai.system': 'openai.responses', 'gen_ai.request.model': 'm1', 'gen_ai.usage.input_tokens': 7, 'ai.usage.inputTokenDetails.cacheReadTokens': 3 } }, async (span) => {
    span.setAttribute('gen_ai.usage.output_tokens', 2);
    span.end();
  });
  const failed = tracer.startSpan('ai.generateText.doGenerate', { attributes: { 'gen_ai.system': 'anthropic.messages', 'gen_ai.request.model': 'm2' } });
  failed.recordException(Object.assign(new Error('x'), { statusCode: 429 }));
  failed.setStatus({ code: 2 });
  failed.end();
  const out = await serializeAsync(registry);
  assert.match(out, /^gen_ai_client_inference_usage_input_tokens_total\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="m1",gen_ai_token_modality="text"\} 7$/m);
  assert.match(out, /^gen_ai_client_inference_duration_seconds_count\{error_type="rate_limit",gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="m2"\} 1$/m);
  const seen = [];
  const onDiag = (d) => seen.push(d.code);
  dc.subscribe(DIAGNOSTIC_CHANNEL, onDiag);
  try {
    assert.equal(registerGenAiSpanMetrics({ meterProvider: registry }), false);
  } finally {
    dc.unsubscribe(DIAGNOSTIC_CHANNEL, onDiag);
  }
  assert.deepEqual(seen, ['AGENTMETER_TRACER_PROVIDER_IN_USE']);
  assert.ok(new GenAiMetricsTracerProvider().getTracer('x'));
  void metrics;
});
