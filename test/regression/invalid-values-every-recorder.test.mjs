// Issue 5.1: NaN, +-Infinity, negative and non-number values on every agentmeter recorder
// and on instruments created through agentmeter are dropped with one rate-limited
// diagnostic each, and the exposition never shows NaN or Inf in a counter or histogram sum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, serializeAsync } from '@agentmeter/core';
import { publishGenAiUsage } from '@agentmeter/api';
import { LlmRecorder } from '@agentmeter/llm';
import { SpeechRecorder } from '@agentmeter/speech';
import { ToolMetrics } from '@agentmeter/tools';
import { CacheMetrics } from '@agentmeter/cache';
import { CostTracker } from '@agentmeter/cost';
import { ProviderHealth } from '@agentmeter/health';
import { captureDiagnostics } from './lib.mjs';
import { poisonedLines, sampleLines, value } from '@agentmeter/test-utils/exposition';
import { promtoolCheckMetrics } from '@agentmeter/test-utils/prometheus';

const BAD_NUMBERS = [NaN, Infinity, -Infinity, -1, -0.5];
const BAD_TYPES = ['5', null, {}, [], true, 10n];
const BAD = [...BAD_NUMBERS, ...BAD_TYPES];
const REPEAT = 100;
const diags = captureDiagnostics();

test('counters, up-down counters, histograms, gauges and observables created through agentmeter drop bad values', async () => {
  diags.reset();
  const reg = new Registry();
  const m = reg.getMeter('t');
  const c = m.createCounter('t.requests');
  const h = m.createHistogram('t.hist', { unit: 's' });
  const u = m.createUpDownCounter('t.inflight');
  const g = m.createGauge('t.level');
  const oc = m.createObservableCounter('t.observed');
  let obsBad = 0;
  oc.addCallback((r) => {
    r.observe(BAD[obsBad++ % BAD.length], { k: 'bad' });
    r.observe(7, { k: 'good' });
  });
  c.add(2, { k: 'v' });
  h.record(0.5, { k: 'v' });
  u.add(3, { k: 'v' });
  g.record(4, { k: 'v' });
  for (let i = 0; i < REPEAT; i++) {
    for (const v of BAD) {
      assert.doesNotThrow(() => c.add(v, { k: 'v' }));
      assert.doesNotThrow(() => h.record(v, { k: 'v' }));
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        assert.doesNotThrow(() => u.add(v, { k: 'v' }));
        assert.doesNotThrow(() => g.record(v, { k: 'v' }));
      }
    }
    assert.doesNotThrow(() => c.add(undefined));
  }
  let text;
  for (let i = 0; i < BAD.length; i++) text = await serializeAsync(reg); // every bad observable value once
  assert.deepEqual(poisonedLines(text), []);
  assert.equal(value(text, 't_requests_total', { k: 'v' }, { exact: true }), 2);
  assert.equal(value(text, 't_hist_seconds_sum', { k: 'v' }, { exact: true }), 0.5);
  assert.equal(value(text, 't_hist_seconds_count', { k: 'v' }, { exact: true }), 1);
  assert.equal(value(text, 't_inflight', { k: 'v' }, { exact: true }), 3);
  assert.equal(value(text, 't_level', { k: 'v' }, { exact: true }), 4);
  assert.equal(value(text, 't_observed_total', { k: 'good' }, { exact: true }), 7);
  assert.equal(value(text, 't_observed_total', { k: 'bad' }, { exact: true }), undefined);
  assert.ok(!/NaN|Inf(?!")/.test(sampleLines(text).filter((l) => !l.includes('le="+Inf"')).join('\n')), text);
  assert.ok(promtoolCheckMetrics(text).ok);

  // One diagnostic per (instrument, reason): non-finite, negative, non-number; never one per call.
  const invalid = diags.list.filter((d) => d.code === 'AGENTMETER_INVALID_VALUE');
  const per = (name) => invalid.filter((d) => d.message.includes(`"${name}"`)).length;
  assert.equal(per('t.requests'), 3, JSON.stringify(invalid));
  assert.equal(per('t.hist'), 3);
  assert.equal(per('t.inflight'), 2); // negative is fine on an up-down counter
  assert.equal(per('t.level'), 2);
  assert.equal(per('t.observed'), 3);
  assert.ok(invalid.length <= 13, `${invalid.length} diagnostics for ${REPEAT * BAD.length * 4} bad values`);
});

// Each recorder: a function that records with `bad` in one numeric field; the metric
// family whose counts must stay those of the good calls; the diagnostic text of the field.
async function checkRecorder(label, { reg, good, bad, fields, check }) {
  diags.reset();
  good();
  for (let i = 0; i < REPEAT; i++) for (const f of fields) for (const v of BAD) assert.doesNotThrow(() => bad(f, v), `${label} ${f}=${String(v)}`);
  const first = diags.list.filter((d) => d.code === 'AGENTMETER_INVALID_VALUE').length;
  assert.ok(first >= 1, `${label}: at least one diagnostic`);
  // Rate limited: the same bad values again produce no new diagnostics.
  for (let i = 0; i < REPEAT; i++) for (const f of fields) for (const v of BAD) bad(f, v);
  assert.equal(diags.list.filter((d) => d.code === 'AGENTMETER_INVALID_VALUE').length, first, `${label}: rate-limited`);
  // At most one per field and value type (number / string / object / boolean / bigint).
  assert.ok(first <= fields.length * 5, `${label}: ${first} diagnostics`);
  const text = await serializeAsync(reg);
  assert.deepEqual(poisonedLines(text), [], label);
  assert.ok(promtoolCheckMetrics(text).ok, label);
  check(text);
  return first;
}

test('llm recorder: durations, tokens, TTFT and time per chunk', async () => {
  const reg = new Registry();
  const rec = new LlmRecorder({ meterProvider: reg });
  const base = { provider: 'openai', requestModel: 'gpt-4o', operation: 'chat' };
  await checkRecorder('llm', {
    reg,
    good: () => rec.record({ ...base, durationSeconds: 1.5, inputTokens: 10, outputTokens: 5, timeToFirstChunkSeconds: 0.2, timePerOutputChunkSeconds: [0.01, 0.02] }),
    bad: (f, v) => rec.record({ ...base, [f]: f === 'timePerOutputChunkSeconds' && typeof v === 'number' ? [v, v] : v }),
    fields: ['durationSeconds', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'reasoningTokens', 'timeToFirstChunkSeconds', 'timePerOutputChunkSeconds'],
    check: (text) => {
      assert.equal(value(text, 'gen_ai_client_inference_duration_seconds_sum'), 1.5);
      assert.equal(value(text, 'gen_ai_client_inference_duration_seconds_count'), 1);
      assert.equal(value(text, 'gen_ai_client_inference_usage_input_tokens_total'), 10);
      assert.equal(value(text, 'gen_ai_client_inference_operation_output_tokens_count'), 1);
      assert.equal(value(text, 'gen_ai_client_inference_time_per_output_chunk_seconds_count'), 2);
    },
  });
});

test('speech recorder: characters, audio seconds, duration', async () => {
  const reg = new Registry();
  const rec = new SpeechRecorder({ meterProvider: reg });
  await checkRecorder('speech', {
    reg,
    good: () => {
      rec.record({ operation: 'text_to_speech', provider: 'openai', model: 'tts-1', durationSeconds: 1, characters: 100 });
      rec.record({ operation: 'speech_to_text', provider: 'openai', model: 'whisper-1', durationSeconds: 2, audioSeconds: 30 });
    },
    bad: (f, v) => rec.record({ operation: f === 'audioSeconds' ? 'speech_to_text' : 'text_to_speech', provider: 'openai', model: 'm', [f]: v }),
    fields: ['durationSeconds', 'characters', 'audioSeconds', 'inputTokens'],
    check: (text) => {
      assert.match(text, /^gen_ai_client_text_to_speech_characters_total\{.*\} 100$/m);
      assert.match(text, /^gen_ai_client_speech_to_text_audio_duration_seconds_total\{.*\} 30$/m);
      assert.equal(value(text, 'gen_ai_client_operation_duration_seconds_sum', { gen_ai_operation_name: 'text_to_speech' }), 1);
    },
  });
});

test('tool and agent-run recorders', async () => {
  const reg = new Registry();
  const tm = new ToolMetrics({ meterProvider: reg });
  await checkRecorder('tools', {
    reg,
    good: () => {
      tm.recordToolCall({ toolName: 'search', durationSeconds: 0.25 });
      tm.recordAgentRun({ agentName: 'a', durationSeconds: 3, inferenceCalls: 2, toolCalls: 1 });
    },
    bad: (f, v) =>
      f === 'tool'
        ? tm.recordToolCall({ toolName: 'search', durationSeconds: v })
        : tm.recordAgentRun({ agentName: 'a', durationSeconds: 1, inferenceCalls: 1, toolCalls: 1, [f]: v }),
    fields: ['tool', 'durationSeconds', 'inferenceCalls', 'toolCalls'],
    check: (text) => {
      assert.equal(value(text, 'gen_ai_execute_tool_duration_seconds_count', { gen_ai_tool_name: 'search' }), 1);
      assert.equal(value(text, 'gen_ai_execute_tool_duration_seconds_sum', { gen_ai_tool_name: 'search' }), 0.25);
    },
  });
  // run.inference(n) / run.toolCall(n) with bad n inside trackAgentRun.
  diags.reset();
  tm.trackAgentRun({ agentName: 'b' }, (run) => {
    for (const v of BAD) {
      run.inference(v);
      run.toolCall(v);
    }
    assert.equal(run.inferenceCalls, 0);
    assert.equal(run.toolCalls, 0);
  });
  assert.ok(diags.count('AGENTMETER_INVALID_VALUE') >= 2);
  assert.deepEqual(poisonedLines(await serializeAsync(reg)), []);
});

test('cache: a sizeOf returning NaN / Infinity / negative / a string is not reported', async () => {
  diags.reset();
  const reg = new Registry();
  const cm = new CacheMetrics({ meterProvider: reg });
  const map = new Map();
  const cache = cm.instrument(map, { name: 'good' });
  cache.set('a', 1);
  cache.get('a');
  cache.get('b');
  let i = 0;
  cm.observeSize('bad', () => BAD[i++ % BAD.length]);
  cm.recordOperation?.('bad', 'get', 'hit');
  let text;
  for (let k = 0; k < BAD.length * 3; k++) text = await serializeAsync(reg);
  assert.deepEqual(poisonedLines(text), []);
  assert.doesNotMatch(text, /^cache_size_bytes\{cache_name="bad"\}/m);
  assert.match(text, /^cache_size_bytes\{cache_name="good"\} \d+/m);
  assert.match(text, /^cache_hit_ratio\{cache_name="good"\} 0\.5$/m);
  assert.equal(diags.count('AGENTMETER_INVALID_VALUE'), 1, JSON.stringify(diags.list));
  assert.ok(promtoolCheckMetrics(text).ok);
});

test('cost: usage events with bad token counts (published on the usage channel) are dropped', async () => {
  diags.reset();
  const reg = new Registry();
  const tracker = new CostTracker({ meterProvider: reg });
  tracker.attach();
  try {
    const ev = { operation: 'chat', provider: 'openai', requestModel: 'gpt-4o' };
    publishGenAiUsage({ ...ev, inputTokens: 1000, outputTokens: 100 });
    for (let i = 0; i < REPEAT; i++)
      for (const f of ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'characters', 'audioSeconds']) for (const v of BAD) publishGenAiUsage({ ...ev, [f]: v });
    // finite but absurd: the cost itself would overflow to Infinity
    for (let i = 0; i < REPEAT; i++) publishGenAiUsage({ ...ev, inputTokens: Number.MAX_VALUE, outputTokens: Number.MAX_VALUE });
    const totals = tracker.totals();
    assert.equal(totals.calls >= 1, true);
    const text = await serializeAsync(reg);
    assert.deepEqual(poisonedLines(text), []);
    assert.equal(value(text, 'gen_ai_client_cost_count'), 1, text);
    assert.ok(diags.count('AGENTMETER_INVALID_VALUE') >= 1 && diags.count('AGENTMETER_INVALID_VALUE') <= 3, JSON.stringify(diags.list));
    assert.ok(promtoolCheckMetrics(text).ok);
  } finally {
    tracker.detach();
  }
});

test('health: bad health values and breaker states are dropped', async () => {
  diags.reset();
  const reg = new Registry();
  const ph = new ProviderHealth({ meterProvider: reg });
  ph.setHealth('openai', true);
  ph.setCircuitBreakerState('openai', 'open');
  for (let i = 0; i < REPEAT; i++)
    for (const v of [...BAD, 3, 0.5, 'opened']) {
      assert.doesNotThrow(() => ph.setHealth('openai', v));
      assert.doesNotThrow(() => ph.setCircuitBreakerState('openai', v));
    }
  const text = await serializeAsync(reg);
  assert.match(text, /^gen_ai_provider_health\{gen_ai_provider_name="openai"\} 1$/m);
  assert.match(text, /^gen_ai_provider_circuit_breaker_state\{gen_ai_provider_name="openai"\} 1$/m);
  assert.equal(diags.count('AGENTMETER_INVALID_VALUE'), 2, JSON.stringify(diags.list));
  assert.ok(promtoolCheckMetrics(text).ok);
});
