const { test } = require('node:test');
const assert = require('node:assert/strict');
const { Registry, serializeAsync } = require('@agentmeter/core');
const { setDiagnosticWarnings } = require('@agentmeter/api');
const llm = require('@agentmeter/llm');

setDiagnosticWarnings(false);

test('CommonJS: named exports are plain and recording works', async () => {
  for (const name of ['recordLlmCall', 'trackLlmCall', 'wrapLlmStream', 'classifyError', 'trackLlm', 'withLlmMetrics', 'GenAiSpanMetricsProcessor', 'LlmRecorder', 'openaiAdapter', 'anthropicAdapter']) {
    assert.ok(llm[name], name);
  }
  const registry = new Registry();
  const recorder = new llm.LlmRecorder({ meterProvider: registry });
  const tracked = llm.withLlmMetrics({ provider: 'openai', model: 'gpt-4o-mini', recorder }, async () => ({ usage: { prompt_tokens: 4, completion_tokens: 2 } }));
  await tracked();
  const text = await serializeAsync(registry);
  assert.match(text, /^gen_ai_client_inference_usage_output_tokens_total\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",gen_ai_token_modality="text"\} 2$/m);
});
