// Unit behaviour: version range, hostile callback input, usage reading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, serializeAsync } from '@agentmeter/core';
import { LangChainInstrumentation } from '@agentmeter/instrumentation-langchain';
// This in-process test reads the v1.41 metric names (AGENTMETER_GENAI_METRICS=legacy).
import { setGenAiMetrics as __pinGenAiMetrics } from '@agentmeter/llm';
__pinGenAiMetrics('legacy');

const warnings = [];
process.on('warning', (w) => warnings.push(w));
const registry = new Registry();
const inst = new LangChainInstrumentation({ meterProvider: registry, enabled: false });
const file = inst.getModuleDefinitions()[0].files[0];

class FakeCallbackManager {
  static _configureSync(handlers) {
    return handlers;
  }
}

test('a @langchain/core version outside the supported range is not patched and gets one warning', async () => {
  const exp = { CallbackManager: FakeCallbackManager, ensureHandler: (h) => h };
  file.patch(exp, '2.1.0');
  assert.equal(Object.getOwnPropertySymbols(FakeCallbackManager).length, 0);
  await new Promise((r) => setImmediate(r));
  const w = warnings.filter((x) => x.code === 'AGENTMETER_UNSUPPORTED_VERSION');
  assert.equal(w.length, 1);
  assert.match(w[0].message, /@langchain\/core 2\.1\.0 is outside the supported range >=1\.0\.0 <2/);
});

test('the handler is added once to every configure call; hostile callback input never throws', async () => {
  inst.enable();
  const exp = { CallbackManager: FakeCallbackManager, ensureHandler: (h) => h };
  file.patch(exp, '1.4.0');
  const first = FakeCallbackManager._configureSync(undefined);
  assert.equal(first.length, 1);
  const handler = first[0];
  assert.equal(FakeCallbackManager._configureSync(first).length, 1);
  assert.equal(FakeCallbackManager._configureSync([{ name: 'mine' }]).length, 2);
  const hostile = new Proxy({}, { get() { throw new Error('boom'); } });
  // a tool run with hostile arguments, an unknown run id, a model run with a hostile result
  handler.handleToolStart(hostile, hostile, 't1', undefined, hostile, hostile, hostile);
  handler.handleToolEnd(hostile, 't1');
  handler.handleToolEnd(undefined, 'never-started');
  handler.handleChatModelStart({ id: ['langchain', 'chat_models', 'openai', 'ChatOpenAI'] }, [], 'l1', undefined, {}, [], { ls_provider: 'openai', ls_model_name: 'lc-unit' });
  handler.handleLLMEnd(hostile, 'l1');
  handler.handleChainStart(hostile, {}, 'c1', undefined, [], hostile, 'chain', hostile);
  handler.handleChainError(hostile, 'c1');
  const out = await serializeAsync(registry);
  assert.match(out, /^gen_ai_client_operation_duration_seconds_count\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="lc-unit"\} 1$/m);
  inst.disable();
  assert.equal(FakeCallbackManager._configureSync(undefined), undefined, 'disabled: no handler added');
});
