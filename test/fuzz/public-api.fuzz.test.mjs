// Issue 5.7: random instrument names, units, descriptions, attribute keys and values and
// random record calls through the public API (OpenTelemetry Meter on agentmeter's
// Registry, and the LLM / tool recorders) never throw, and the exposition always passes
// `promtool check metrics` and never shows NaN/Inf in a counter or histogram sum.
//
// CI: a fixed seed and FUZZ_RUNS=120 (~10-20 s). Longer run:
//   FUZZ_RUNS=5000 FUZZ_SEED=$RANDOM node --test test/fuzz/public-api.fuzz.test.mjs
// A failure prints the seed and the shrunk counterexample (replay with FUZZ_SEED and
// FUZZ_PATH from fast-check's report).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Registry, serialize, serializeAsync } from '@agentmeter/core';
import { setDiagnosticWarnings } from '@agentmeter/api';
import { LlmRecorder } from '@agentmeter/llm';
import { ToolMetrics } from '@agentmeter/tools';
import { promtoolCheckMetrics } from '@agentmeter/test-utils/prometheus';
import { labelNames, poisonedLines, sampleLines } from '@agentmeter/test-utils/exposition';

setDiagnosticWarnings(false);
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const SEED = Number(process.env.FUZZ_SEED ?? 20260523);

// Strings that exercise escaping and sanitising: unicode (incl. lone surrogates), quotes,
// backslashes, newlines, label syntax, long text.
const nasty = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', 'le', 'quantile', '__name__', 'odd.key', 'odd_key', 'odd-key', 'otel.metric.overflow', 'service.name', 'a"b', 'a\\b', 'a\nb', '}', '{a="b"}', '🚀', '\ud800', '0abc', 'target_info', 'x_total', 'x_count', 'x_bucket', 'x_sum'),
  fc.string({ minLength: 1000, maxLength: 1100 }),
);
const attrValue = fc.oneof(
  nasty,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constantFrom(undefined, null, NaN, Infinity, -0, 10n),
  fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant(null)), { maxLength: 4 }),
  fc.object({ maxDepth: 1, maxKeys: 2 }),
);
const attrs = fc.oneof(fc.constant(undefined), fc.constant(null), fc.dictionary(nasty, attrValue, { maxKeys: 5 }));
const value = fc.oneof(fc.double(), fc.integer({ min: -5, max: 1e9 }), fc.constantFrom(NaN, Infinity, -Infinity, -1, 0, '3', null, undefined, 10n, {}), fc.double({ min: 0, max: 1e6, noNaN: true }));
const name = fc.oneof(
  fc.constantFrom('x', 'x.total', 'x_total', 'x_count', 'x_bucket', 'x_sum', 'target_info', 'a.b', 'a_b', 'gen_ai.client.token.usage', 'http.server.request.duration'),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.\-/]{0,20}$/),
  nasty,
);
const unit = fc.oneof(fc.constantFrom(undefined, '', 's', 'ms', 'By', '1', '{token}', 'By/s', '%', '/s', 'a"b\n'), nasty);
const kind = fc.constantFrom('counter', 'updowncounter', 'histogram', 'gauge', 'observablecounter', 'observableupdowncounter', 'observablegauge');
const instrument = fc.record({ kind, name, unit, description: fc.oneof(fc.constant(undefined), nasty), buckets: fc.option(fc.array(fc.double(), { maxLength: 5 })) });
const op = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('rec'), i: fc.nat(), v: value, a: attrs }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('llm'), call: fc.record({ provider: fc.oneof(nasty, fc.constant(undefined)), requestModel: fc.oneof(nasty, fc.integer()), operation: fc.oneof(nasty, fc.constant(undefined)), durationSeconds: value, inputTokens: value, outputTokens: value, timeToFirstChunkSeconds: value, timePerOutputChunkSeconds: fc.oneof(value, fc.array(value, { maxLength: 3 })), error: fc.oneof(fc.constant(undefined), nasty, fc.constant(new Error('x'))) }, { requiredKeys: [] }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('tool'), toolName: nasty, agentName: fc.oneof(nasty, fc.constant(undefined)), v: value }) },
);
const scenario = fc.record({
  limit: fc.integer({ min: 2, max: 40 }),
  instruments: fc.array(instrument, { minLength: 1, maxLength: 6 }),
  ops: fc.array(op, { maxLength: 60 }),
  resource: fc.option(fc.dictionary(nasty, nasty, { maxKeys: 3 })),
});

async function runScenario(s) {
  const reg = new Registry({ cardinalityLimit: s.limit, callbackTimeoutMillis: 50 });
  const meter = reg.getMeter('fuzz');
  const sync = [];
  const pending = new Map();
  for (const d of s.instruments) {
    const opts = { unit: d.unit, description: d.description, advice: d.buckets ? { explicitBucketBoundaries: d.buckets } : undefined };
    const method = { counter: 'createCounter', updowncounter: 'createUpDownCounter', histogram: 'createHistogram', gauge: 'createGauge', observablecounter: 'createObservableCounter', observableupdowncounter: 'createObservableUpDownCounter', observablegauge: 'createObservableGauge' }[d.kind];
    const inst = meter[method](d.name, opts);
    if (d.kind.startsWith('observable')) {
      const obs = [];
      pending.set(inst, obs);
      inst.addCallback((r) => {
        for (const [v, a] of obs) r.observe(v, a);
      });
      sync.push({ observe: obs });
    } else sync.push({ inst, kind: d.kind });
  }
  const llm = new LlmRecorder({ meterProvider: reg });
  const tools = new ToolMetrics({ meterProvider: reg });
  for (const o of s.ops) {
    if (o.t === 'rec') {
      const target = sync[o.i % sync.length];
      if (target.observe) target.observe.push([o.v, o.a]);
      else if (target.kind === 'histogram' || target.kind === 'gauge') target.inst.record(o.v, o.a);
      else target.inst.add(o.v, o.a);
    } else if (o.t === 'llm') llm.record(o.call);
    else tools.recordToolCall({ toolName: o.toolName, agentName: o.agentName, durationSeconds: o.v });
  }
  const resource = s.resource ?? undefined;
  const text = await serializeAsync(reg, { resource });
  assert.equal(serialize(reg, { resource }), text, 'sync and async serialisers agree');
  return text;
}

test(`fuzz: random instruments, attributes and values (seed ${SEED}, ${RUNS} runs)`, { timeout: 600_000 }, async () => {
  let checked = 0;
  let lintOnly = 0;
  let series = 0;
  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      const text = await runScenario(s);
      assert.deepEqual(poisonedLines(text), []);
      for (const l of sampleLines(text)) {
        const names = labelNames(l);
        assert.equal(new Set(names).size, names.length, `duplicate label: ${l}`);
      }
      const check = promtoolCheckMetrics(text);
      // status 0 = clean, 3 = lint findings only (about names the fuzzer picked, e.g. a
      // gauge called x_count or a unit like "ms" in a name); 1 = the text does not parse
      const parseErrors = check.problems.filter((p) => /error|parsing|invalid|duplicate|second (HELP|TYPE)/i.test(p));
      assert.ok((check.status === 0 || check.status === 3) && parseErrors.length === 0, `${check.output}\n--- exposition ---\n${text.slice(0, 4000)}`);
      if (check.status === 3) lintOnly++;
      checked++;
      series += sampleLines(text).length;
    }),
    { seed: SEED, numRuns: RUNS },
  );
  console.log(`fuzz: ${checked} expositions (${series} samples) parsed by promtool (${lintOnly} with name lint only)`);
});
