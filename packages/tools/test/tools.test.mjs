import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import * as dc from 'node:diagnostics_channel';
import { metrics } from '@opentelemetry/api';
import { Registry, serializeAsync } from '@agentmeter/core';
import { setDiagnosticWarnings, publishGenAiUsage, DIAGNOSTIC_CHANNEL } from '@agentmeter/api';
import { value } from '@agentmeter/test-utils/exposition';
import {
  trackTool,
  recordToolCall,
  trackAgentRun,
  recordAgentRun,
  currentAgentRun,
  ToolMetrics,
  errorTypeOf,
  GEN_AI_TOOL_TYPE_VALUES,
} from '@agentmeter/tools';

setDiagnosticWarnings(false);
const registry = new Registry();
metrics.setGlobalMeterProvider(registry);
const diagnostics = [];
dc.subscribe(DIAGNOSTIC_CHANNEL, (d) => diagnostics.push(d));


test('trackTool records duration with tool name and type, returns the same promise', async () => {
  const p = Promise.resolve(42).then(async (v) => {
    await sleep(20);
    return v;
  });
  const returned = trackTool({ toolName: 'read_file', toolType: GEN_AI_TOOL_TYPE_VALUES.FUNCTION }, () => p);
  assert.equal(returned, p, 'same promise object');
  assert.equal(await returned, 42);
  await sleep(1);
  const text = await serializeAsync(registry);
  assert.match(text, /^gen_ai_execute_tool_duration_seconds_count\{gen_ai_tool_name="read_file",gen_ai_tool_type="function"\} 1$/m);
  const sum = value(text, 'gen_ai_execute_tool_duration_seconds_sum', { gen_ai_tool_name: 'read_file', gen_ai_tool_type: 'function' }, { exact: true });
  assert.ok(sum >= 0.015 && sum < 5, `duration ${sum}`);
});

test('trackTool: sync and async failures carry error.type and are rethrown unchanged', async () => {
  class ToolTimeout extends Error {}
  const boom = new ToolTimeout('x');
  assert.throws(() => trackTool({ toolName: 'sql_query' }, () => { throw boom; }), (e) => e === boom);
  const err2 = new RangeError('bad');
  await assert.rejects(trackTool({ toolName: 'sql_query' }, async () => { throw err2; }), (e) => e === err2);
  assert.equal(trackTool({ toolName: 'sql_query' }, () => 'sync-ok'), 'sync-ok');
  await sleep(1);
  const text = await serializeAsync(registry);
  assert.match(text, /^gen_ai_execute_tool_duration_seconds_count\{error_type="ToolTimeout",gen_ai_tool_name="sql_query"\} 1$/m);
  assert.match(text, /^gen_ai_execute_tool_duration_seconds_count\{error_type="RangeError",gen_ai_tool_name="sql_query"\} 1$/m);
  assert.match(text, /^gen_ai_execute_tool_duration_seconds_count\{gen_ai_tool_name="sql_query"\} 1$/m);
});

test('agent run: tool calls via trackTool and LLM usage events are counted in the run across awaits', async () => {
  const result = await trackAgentRun({ agentName: 'planner' }, async (run) => {
    assert.equal(currentAgentRun(), run);
    for (let i = 0; i < 3; i++) {
      await sleep(2);
      // an instrumented LLM call publishes one usage event in the caller's context
      publishGenAiUsage({ operation: 'chat', provider: 'openai', requestModel: 'gpt-4o', inputTokens: 10, outputTokens: 5 });
      await trackTool({ toolName: 'search', toolType: 'extension' }, async () => { await sleep(1); return i; });
    }
    publishGenAiUsage({ operation: 'embeddings', provider: 'openai', requestModel: 'text-embedding-3-small', inputTokens: 10 });
    run.toolCall(); // a tool the app counts by hand
    assert.equal(run.inferenceCalls, 3);
    assert.equal(run.toolCalls, 4);
    return 'answer';
  });
  assert.equal(result, 'answer');
  assert.equal(currentAgentRun(), undefined);
  // a usage event outside any run is not counted anywhere
  publishGenAiUsage({ operation: 'chat', provider: 'openai', requestModel: 'gpt-4o' });
  const text = await serializeAsync(registry);
  assert.match(text, /^gen_ai_invoke_agent_duration_seconds_count\{gen_ai_agent_name="planner"\} 1$/m);
  assert.match(text, /^gen_ai_invoke_agent_inference_calls_sum\{gen_ai_agent_name="planner"\} 3$/m);
  assert.match(text, /^gen_ai_invoke_agent_inference_calls_count\{gen_ai_agent_name="planner"\} 1$/m);
  assert.match(text, /^gen_ai_invoke_agent_inference_calls_bucket\{gen_ai_agent_name="planner",le="2"\} 0$/m);
  assert.match(text, /^gen_ai_invoke_agent_inference_calls_bucket\{gen_ai_agent_name="planner",le="3"\} 1$/m);
  assert.match(text, /^gen_ai_invoke_agent_tool_calls_sum\{gen_ai_agent_name="planner"\} 4$/m);
  // tool calls inside the run carry the run's agent name
  assert.match(text, /^gen_ai_execute_tool_duration_seconds_count\{gen_ai_agent_name="planner",gen_ai_tool_name="search",gen_ai_tool_type="extension"\} 3$/m);
});

test('concurrent runs keep their own counts; a failed run records error.type', async () => {
  const a = trackAgentRun({ agentName: 'a', autoCountInference: false }, async (run) => {
    await sleep(5);
    run.inference(2);
    recordToolCall({ toolName: 't', durationSeconds: 0.01 });
    await sleep(5);
  });
  const b = trackAgentRun({ agentName: 'b' }, async (run) => {
    run.inference();
    await sleep(3);
    throw new TypeError('nope');
  });
  await a;
  await assert.rejects(b, TypeError);
  await sleep(1);
  const text = await serializeAsync(registry);
  assert.match(text, /^gen_ai_invoke_agent_inference_calls_sum\{gen_ai_agent_name="a"\} 2$/m);
  assert.match(text, /^gen_ai_invoke_agent_tool_calls_sum\{gen_ai_agent_name="a"\} 1$/m);
  assert.match(text, /^gen_ai_invoke_agent_tool_calls_sum\{gen_ai_agent_name="b"\} 0$/m);
  assert.match(text, /^gen_ai_invoke_agent_duration_seconds_count\{error_type="TypeError",gen_ai_agent_name="b"\} 1$/m);
  assert.match(text, /^gen_ai_execute_tool_duration_seconds_count\{gen_ai_agent_name="a",gen_ai_tool_name="t"\} 1$/m);
});

test('bad input is dropped with a diagnostic and never throws', async () => {
  const before = diagnostics.length;
  for (const d of [NaN, Infinity, -1, '3', undefined]) recordToolCall({ toolName: 'bad_duration', durationSeconds: d });
  recordToolCall({ toolName: 42, durationSeconds: 1 });
  recordToolCall(null);
  recordAgentRun({ agentName: 'bad_run', durationSeconds: NaN, inferenceCalls: -3, toolCalls: 2 });
  // a hostile name is recorded (the registry bounds length and cardinality), not thrown
  recordToolCall({ toolName: 'x"}\n# evil', durationSeconds: 0.1 });
  const text = await serializeAsync(registry);
  assert.doesNotMatch(text, /bad_duration/);
  assert.doesNotMatch(text, /gen_ai_invoke_agent_duration_seconds_count\{gen_ai_agent_name="bad_run"/);
  assert.doesNotMatch(text, /gen_ai_invoke_agent_inference_calls_count\{gen_ai_agent_name="bad_run"/);
  assert.match(text, /^gen_ai_invoke_agent_tool_calls_sum\{gen_ai_agent_name="bad_run"\} 2$/m);
  assert.match(text, /gen_ai_tool_name="x\\"}\\n# evil"/);
  assert.ok(diagnostics.length > before, 'diagnostics reported');
  assert.ok(diagnostics.some((d) => d.code === 'AGENTMETER_INVALID_VALUE'));
});

test('a pinned MeterProvider receives only its own instance\'s measurements', async () => {
  const pinned = new Registry();
  const tm = new ToolMetrics({ meterProvider: pinned });
  tm.recordToolCall({ toolName: 'pinned_tool', durationSeconds: 0.2 });
  assert.match(await serializeAsync(pinned), /gen_ai_execute_tool_duration_seconds_count\{gen_ai_tool_name="pinned_tool"\} 1/);
  assert.doesNotMatch(await serializeAsync(registry), /pinned_tool/);
});

test('errorTypeOf classifies well-known errors and never throws', () => {
  assert.equal(errorTypeOf(Object.assign(new Error('x'), { name: 'AbortError' })), 'cancelled');
  assert.equal(errorTypeOf(Object.assign(new Error('x'), { code: 'ETIMEDOUT' })), 'timeout');
  assert.equal(errorTypeOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), 'network');
  assert.equal(errorTypeOf('a string'), '_OTHER');
  assert.equal(errorTypeOf(new Proxy({}, { get() { throw new Error('hostile'); } })), '_OTHER');
});
