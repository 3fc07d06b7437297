// Unit behaviour: version range, processor kept across setTraceProcessors, hostile spans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, serializeAsync } from '@agentmeter/core';
import { OpenAIAgentsInstrumentation } from '@agentmeter/instrumentation-openai-agents';

const warnings = [];
process.on('warning', (w) => warnings.push(w));
const registry = new Registry();
const inst = new OpenAIAgentsInstrumentation({ meterProvider: registry });
const def = inst.getModuleDefinitions()[0];

function fakeProvider() {
  return {
    processors: [],
    registerProcessor(p) { this.processors.push(p); },
    setProcessors(ps) { this.processors = ps; },
  };
}

test('an @openai/agents-core version outside the supported range is not instrumented and gets one warning', async () => {
  const provider = fakeProvider();
  def.patch({ getGlobalTraceProvider: () => provider }, '1.2.0');
  assert.equal(provider.processors.length, 0);
  await new Promise((r) => setImmediate(r));
  const w = warnings.filter((x) => x.code === 'AGENTMETER_UNSUPPORTED_VERSION');
  assert.equal(w.length, 1);
  assert.match(w[0].message, /@openai\/agents-core 1\.2\.0 is outside the supported range >=0\.1\.0 <1/);
});

test('the processor is registered once per provider and stays when the list is replaced; hostile spans never throw', async () => {
  const provider = fakeProvider();
  def.patch({ getGlobalTraceProvider: () => provider }, '0.20.0');
  def.patch({ getGlobalTraceProvider: () => provider }, '0.20.0');
  assert.equal(provider.processors.length, 1);
  const processor = provider.processors[0];
  provider.setProcessors([{ name: 'exporter' }]);
  assert.equal(provider.processors.length, 2);
  assert.ok(provider.processors.includes(processor));
  const hostile = new Proxy({}, { get() { throw new Error('boom'); } });
  await processor.onSpanStart(hostile);
  await processor.onSpanEnd(hostile);
  await processor.onSpanStart({ spanId: 'a1', parentId: null, spanData: { type: 'agent', name: 'unit-agent' } });
  await processor.onSpanStart({ spanId: 'f1', parentId: 'a1', spanData: { type: 'function', name: 'lookup' } });
  await processor.onSpanEnd({ spanId: 'f1', parentId: 'a1', spanData: { type: 'function', name: 'lookup' }, error: { message: 'failed', data: hostile } });
  await processor.onSpanEnd({ spanId: 'a1', parentId: null, spanData: { type: 'agent', name: 'unit-agent' }, startedAt: '2025-01-01T00:00:00.000Z', endedAt: '2025-01-01T00:00:01.500Z' });
  const out = await serializeAsync(registry);
  assert.match(out, /^gen_ai_invoke_agent_duration_seconds_sum\{gen_ai_agent_name="unit-agent"\} 1\.5$/m);
  assert.match(out, /^gen_ai_invoke_agent_tool_calls_sum\{gen_ai_agent_name="unit-agent"\} 1$/m);
});
