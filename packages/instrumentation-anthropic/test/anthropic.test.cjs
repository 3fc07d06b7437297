const { test } = require('node:test');
const assert = require('node:assert/strict');
const { Registry, serializeAsync } = require('@agentmeter/core');
const { setDiagnosticWarnings } = require('@agentmeter/api');
const { AnthropicInstrumentation } = require('@agentmeter/instrumentation-anthropic');
const SUPPORTED_VERSIONS = [require('../dist/version.js').SUPPORTED_RANGES['@anthropic-ai/sdk']];

setDiagnosticWarnings(false);

test('CommonJS: require works, config enabled:false patches nothing until enable()', async () => {
  assert.deepEqual(SUPPORTED_VERSIONS, ['>=0.20.0 <2']);
  const registry = new Registry();
  const inst = new AnthropicInstrumentation({ meterProvider: registry, enabled: false });
  const { Anthropic } = require('@anthropic-ai/sdk');
  assert.notEqual(Anthropic.Messages.prototype.create.name, 'agentmeterAnthropic');
  inst.manuallyInstrument(require('@anthropic-ai/sdk'));
  inst.enable();
  const { startFakeLlm } = await import('@agentmeter/test-utils/fake-llm');
  const llm = await startFakeLlm();
  try {
    const client = new Anthropic({ apiKey: 'k', baseURL: llm.url, maxRetries: 0 });
    await client.messages.create({ model: 'claude-cjs', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] });
    const text = await serializeAsync(registry);
    assert.match(text, /^gen_ai_client_inference_usage_input_tokens_total\{gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-cjs",gen_ai_response_model="claude-cjs-2025-01-01",gen_ai_token_modality="text"\} 35$/m);
  } finally {
    await llm.close();
  }
});
