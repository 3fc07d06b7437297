import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { SpanStatusCode } from '@opentelemetry/api';
import Anthropic from '@anthropic-ai/sdk';
import { Registry, serializeAsync } from '@agentmeter/core';
import { onGenAiUsage, setDiagnosticWarnings } from '@agentmeter/api';
import { GenAiSpanMetricsProcessor, runRecordedGenAiCall } from '@agentmeter/llm';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';
import { value } from '@agentmeter/test-utils/exposition';

setDiagnosticWarnings(false);

function setup() {
  const registry = new Registry();
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new GenAiSpanMetricsProcessor({ meterProvider: registry }), new SimpleSpanProcessor({ exporter })] });
  return { registry, exporter, provider };
}

test('Anthropic SDK 1.x built-in spans become agentmeter metrics (no instrumentation)', async () => {
  const llm = await startFakeLlm();
  const { registry, exporter, provider } = setup();
  const events = [];
  const off = onGenAiUsage((e) => events.push(e));
  try {
    const client = new Anthropic({ apiKey: 'k', baseURL: llm.url, maxRetries: 0, openTelemetry: { tracerProvider: provider } });
    await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'PROMPT-SECRET' }] });
    const stream = await client.messages.create({ model: 'claude-sonnet-4-5-slow', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }] });
    for await (const ev of stream) void ev;
    await assert.rejects(client.messages.create({ model: 'claude-rate-limit', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }));
    await new Promise((r) => setTimeout(r, 20));
    const spans = exporter.getFinishedSpans();
    assert.equal(spans.length, 3, 'the SDK emitted one span per call');
    const text = await serializeAsync(registry);
    const lbl = 'gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4-5",gen_ai_response_model="claude-sonnet-4-5-2025-01-01"';
    assert.match(text, new RegExp(`^gen_ai_client_inference_duration_seconds_count\\{${lbl}\\} 1$`, 'm'));
    assert.match(text, new RegExp(`^gen_ai_client_inference_usage_input_tokens_total\\{${lbl},gen_ai_token_modality="text"\\} 35$`, 'm'), text);
    assert.match(text, new RegExp(`^gen_ai_client_inference_usage_output_tokens_total\\{${lbl},gen_ai_token_modality="text"\\} 8$`, 'm'));
    assert.match(text, /^gen_ai_client_inference_time_to_first_chunk_seconds_count\{[^}]*gen_ai_request_model="claude-sonnet-4-5-slow"[^}]*\} 1$/m);
    assert.match(text, /^gen_ai_client_inference_duration_seconds_count\{error_type="rate_limit",[^}]*gen_ai_request_model="claude-rate-limit"\} 1$/m);
    assert.doesNotMatch(text, /PROMPT-SECRET/);
    assert.equal(events.length, 3);
    assert.equal(events[0].cacheReadTokens, 20);
  } finally {
    off();
    await llm.close();
  }
});

test('spans of other tracers (Vercel AI SDK doGenerate, OpenInference, OpenLLMetry) are derived; agents, tools and plain spans are ignored', async () => {
  const { registry, provider } = setup();
  const tracer = provider.getTracer('t');
  const end = (name, attributes, status) => {
    const s = tracer.startSpan(name, { attributes });
    if (status) s.setStatus(status);
    s.end();
  };
  end('ai.generateText', { 'ai.model.id': 'gpt-4o', 'ai.usage.promptTokens': 5 });
  end('ai.generateText.doGenerate', { 'gen_ai.system': 'openai.chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06', 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.output_tokens': 6, 'ai.response.msToFirstChunk': 120 });
  end('ChatCompletion', { 'openinference.span.kind': 'LLM', 'llm.model_name': 'mistral-large', 'llm.provider': 'mistralai', 'llm.token_count.prompt': 7, 'llm.token_count.completion': 2 });
  end('openai.chat', { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.prompt_tokens': 3, 'gen_ai.usage.completion_tokens': 1 }, { code: SpanStatusCode.ERROR });
  end('invoke_agent planner', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.request.model': 'gpt-4o' });
  end('execute_tool search', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' });
  end('GET /', { 'http.request.method': 'GET' });
  // a call agentmeter records itself is not counted again
  runRecordedGenAiCall(() => end('anthropic.messages.create', { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-x' }));
  const text = await serializeAsync(registry);
  assert.match(text, /^gen_ai_client_inference_usage_output_tokens_total\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",gen_ai_response_model="gpt-4o-2024-08-06",gen_ai_token_modality="text"\} 6$/m);
  assert.match(text, /^gen_ai_client_inference_time_to_first_chunk_seconds_sum\{[^}]*gen_ai_request_model="gpt-4o"[^}]*\} 0.12$/m);
  assert.match(text, /^gen_ai_client_inference_usage_input_tokens_total\{gen_ai_operation_name="chat",gen_ai_provider_name="mistral_ai",gen_ai_request_model="mistral-large",gen_ai_token_modality="text"\} 7$/m);
  assert.match(text, /^gen_ai_client_inference_duration_seconds_count\{error_type="_OTHER",gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini"\} 1$/m);
  // only the three inference spans above: doGenerate, OpenInference LLM, OpenLLMetry
  const counts = [...text.matchAll(/^gen_ai_client_inference_duration_seconds_count\{[^}]*\} (\d+)$/gm)].map((m) => Number(m[1]));
  assert.deepEqual(counts, [1, 1, 1]);
  assert.doesNotMatch(text, /claude-x/);
});

test('cache-read, cache-write and reasoning token span attributes (GenAI and OpenInference) feed the usage counters', async () => {
  const { registry, provider } = setup();
  const tracer = provider.getTracer('t');
  const end = (name, attributes) => tracer.startSpan(name, { attributes }).end();
  end('chat o4-mini', { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'o4-mini', 'gen_ai.usage.input_tokens': 1200, 'gen_ai.usage.output_tokens': 300, 'gen_ai.usage.cache_read.input_tokens': 1024, 'gen_ai.usage.reasoning.output_tokens': 192 });
  end('chat claude', { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-x', 'gen_ai.usage.input_tokens': 35, 'gen_ai.usage.output_tokens': 8, 'gen_ai.usage.cache_read.input_tokens': 20, 'gen_ai.usage.cache_creation.input_tokens': 5 });
  end('ChatCompletion', { 'openinference.span.kind': 'LLM', 'llm.model_name': 'o3', 'llm.provider': 'openai', 'llm.token_count.prompt': 50, 'llm.token_count.completion': 40, 'llm.token_count.prompt_details.cache_read': 32, 'llm.token_count.completion_details.reasoning': 30 });
  end('ai.generateText.doGenerate', { 'gen_ai.system': 'openai.responses', 'gen_ai.request.model': 'gpt-5-ai-sdk', 'gen_ai.usage.input_tokens': 90, 'gen_ai.usage.output_tokens': 20, 'ai.usage.cachedInputTokens': 64, 'ai.usage.reasoningTokens': 12 });
  end('embeddings', { 'gen_ai.operation.name': 'embeddings', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'text-embedding-3-small', 'gen_ai.usage.input_tokens': 4 });
  const text = await serializeAsync(registry);
  const v = (metric, model) => value(text, metric, { gen_ai_request_model: model });
  assert.equal(v('gen_ai_client_inference_usage_cache_read_input_tokens_total', 'o4-mini'), 1024);
  assert.equal(v('gen_ai_client_inference_usage_reasoning_output_tokens_total', 'o4-mini'), 192);
  assert.equal(v('gen_ai_client_inference_usage_cache_write_input_tokens_total', 'claude-x'), 5);
  assert.equal(v('gen_ai_client_inference_usage_cache_read_input_tokens_total', 'o3'), 32);
  assert.equal(v('gen_ai_client_inference_usage_reasoning_output_tokens_total', 'o3'), 30);
  assert.equal(v('gen_ai_client_inference_usage_cache_read_input_tokens_total', 'gpt-5-ai-sdk'), 64, 'Vercel AI SDK ai.usage.cachedInputTokens');
  assert.equal(v('gen_ai_client_inference_usage_reasoning_output_tokens_total', 'gpt-5-ai-sdk'), 12, 'Vercel AI SDK ai.usage.reasoningTokens');
  assert.equal(v('gen_ai_client_embeddings_operation_input_tokens_sum', 'text-embedding-3-small'), 4);
  assert.equal(v('gen_ai_client_embeddings_duration_seconds_count', 'text-embedding-3-small'), 1);
});
