// AI frameworks: what agentmeter's Vercel AI SDK 7 instrumentation (the `ai:telemetry`
// diagnostics-channel subscriber) adds to one generateText / streamText call, against the
// same calls with no subscriber (the SDK then skips the channel). The model is the SDK's
// own MockLanguageModelV4 (no network), so the SDK's own per-call work is the baseline.
//   node bench/frameworks.mjs [--small]
import { performance } from 'node:perf_hooks';
import { metrics } from '@opentelemetry/api';
import { Registry } from '@agentmeter/core';
import { setDiagnosticWarnings } from '@agentmeter/api';
import { AiSdkInstrumentation } from '@agentmeter/instrumentation-ai';
import { generateText, streamText, simulateReadableStream } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { fmt, header, median, pick, ratio, result, table } from './lib/common.mjs';

header('AI frameworks', 'µs per AI SDK 7 call (median of rounds), mock model, with and without the agentmeter channel subscriber.');
setDiagnosticWarnings(false);
const registry = new Registry();
metrics.setGlobalMeterProvider(registry);
const inst = new AiSdkInstrumentation({ enabled: false });

const usage = { inputTokens: { total: 40, noCache: 24, cacheRead: 16, cacheWrite: undefined }, outputTokens: { total: 12, text: 8, reasoning: 4 } };
const model = new MockLanguageModelV4({
  provider: 'openai.responses',
  modelId: 'bench-model',
  doGenerate: async () => ({ content: [{ type: 'text', text: 'Hello there!' }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] }),
  doStream: async () => ({
    stream: simulateReadableStream({
      initialDelayInMs: null,
      chunkDelayInMs: null,
      chunks: [
        { type: 'stream-start', warnings: [] },
        { type: 'text-start', id: '1' },
        ...['Hel', 'lo', ' there', '!'].map((delta) => ({ type: 'text-delta', id: '1', delta })),
        { type: 'text-end', id: '1' },
        { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
      ],
    }),
  }),
});

const CALLS = pick(400, 10);
const ROUNDS = pick(7, 1);
const cases = {
  generateText: async () => {
    await generateText({ model, prompt: 'x' });
  },
  streamText: async () => {
    const s = streamText({ model, prompt: 'x' });
    for await (const t of s.textStream) void t;
  },
};

async function timeCalls(fn) {
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) await fn();
  return ((performance.now() - t0) * 1000) / CALLS;
}

const us = {};
for (const fn of Object.values(cases)) for (let i = 0; i < pick(50, 2); i++) await fn(); // warm up
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of Object.entries(cases)) {
    inst.disable();
    ((us[name] ??= {})['no subscriber'] ??= []).push(await timeCalls(fn));
    inst.enable();
    (us[name]['agentmeter subscribed'] ??= []).push(await timeCalls(fn));
  }
}
inst.disable();
const recorded = registry.get('gen_ai.client.inference.duration');
if (!recorded || recorded.store.size === 0) throw new Error('no call recorded: the work was not measured');

const goals = [];
for (const [name, byMode] of Object.entries(us)) {
  const base = median(byMode['no subscriber']);
  const on = median(byMode['agentmeter subscribed']);
  table(name, ['mode', 'µs/call (median)', 'vs no subscriber'], [
    ['no subscriber', fmt(base), '1.00x'],
    ['agentmeter subscribed', fmt(on), ratio(on, base)],
  ]);
  goals.push({ goal: `AI SDK 7 ${name}: added by the channel instrumentation`, measured: `${fmt(on - base)} µs per call (${ratio(on, base)})`, target: 'reported', met: true });
}
result('frameworks', { values: us, goals });
