import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import * as dc from 'node:diagnostics_channel';
import { metrics } from '@opentelemetry/api';
import { Registry, serializeAsync } from '@agentmeter/core';
import { setDiagnosticWarnings, publishGenAiUsage, DIAGNOSTIC_CHANNEL } from '@agentmeter/api';
import {
  CostTracker,
  PriceBook,
  estimateMonthlyCost,
  formatMonthlyEstimate,
  runCostEstimateCli,
  shippedPriceTable,
  SHIPPED_PRICES_PATH,
} from '@agentmeter/cost';

setDiagnosticWarnings(false);
const registry = new Registry();
metrics.setGlobalMeterProvider(registry);
const diagnostics = [];
dc.subscribe(DIAGNOSTIC_CHANNEL, (d) => diagnostics.push(d));
const close = (a, b, msg) => assert.ok(Math.abs(a - b) < 1e-12, `${msg ?? ''} expected ${b}, got ${a}`);

test('the shipped table covers the required models, each with source and date', () => {
  const t = shippedPriceTable();
  const required = [
    'gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'o1', 'o3', 'o3-mini', 'o4-mini', 'gpt-5', 'gpt-5-mini',
    'claude-sonnet-4-5', 'claude-opus-4-1', 'claude-haiku-4-5', 'claude-3-5-haiku', 'claude-3-5-sonnet',
    'text-embedding-3-small', 'text-embedding-3-large', 'whisper-1', 'tts-1', 'gpt-4o-mini-tts',
    'gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.0-flash', 'mistral-large', 'mistral-small', 'mistral-medium',
  ];
  for (const m of required) assert.ok(t.models[m], `missing ${m}`);
  const providers = new Set(Object.values(t.models).map((r) => r.provider));
  for (const p of ['openai', 'anthropic', 'gcp.gemini', 'mistral_ai']) assert.ok(providers.has(p), p);
  for (const [id, r] of Object.entries(t.models)) {
    assert.match(r.source, /^https:\/\//, `${id} source`);
    assert.match(r.date, /^\d{4}-\d{2}-\d{2}$/, `${id} date`);
  }
  // the package ships the file and exports it
  const require = createRequire(import.meta.url);
  assert.deepEqual(require('@agentmeter/cost/prices.json').models['gpt-4o'], JSON.parse(readFileSync(SHIPPED_PRICES_PATH, 'utf8')).models['gpt-4o']);
});

test('dated, gateway and cloud model ids resolve to their table rows', () => {
  const b = new PriceBook();
  const cases = {
    'gpt-4o-2024-08-06': 'gpt-4o',
    'gpt-4o-mini-2024-07-18': 'gpt-4o-mini',
    'claude-sonnet-4-5-20250929': 'claude-sonnet-4-5',
    'claude-3-5-haiku-20241022': 'claude-3-5-haiku',
    'claude-3-5-haiku-latest': 'claude-3-5-haiku',
    'us.anthropic.claude-sonnet-4-5-20250929-v1:0': 'claude-sonnet-4-5',
    'claude-3-5-sonnet-v2@20241022': 'claude-3-5-sonnet',
    'models/gemini-2.5-flash': 'gemini-2.5-flash',
    'gemini-2.0-flash-001': 'gemini-2.0-flash',
    'mistral-large-2411': 'mistral-large',
    'mistral-large-latest': 'mistral-large',
    'openai/GPT-4.1': 'gpt-4.1',
    'gpt-4-1106-preview': 'gpt-4-turbo',
    'gpt-4o-2024-05-13': 'gpt-4o-2024-05-13',
  };
  for (const [id, want] of Object.entries(cases)) assert.equal(b.resolve(id)?.model, want, id);
  assert.equal(b.resolve('my-finetune'), undefined);
  assert.equal(b.resolve('gpt-4o-search-preview'), undefined, 'no loose prefix matching');
});

test('golden: OpenAI-style call (cached tokens included in prompt_tokens)', () => {
  const b = new PriceBook();
  // prompt_tokens 10000 of which cached_tokens 4000; completion 500. gpt-4o: 2.50 / 1.25 cached / 10.00
  const r = b.price({ operation: 'chat', provider: 'openai', requestModel: 'gpt-4o', responseModel: 'gpt-4o-2024-08-06', inputTokens: 10000, cacheReadTokens: 4000, outputTokens: 500 });
  assert.equal(r.priced, true);
  close(r.cost.breakdown.input, 6000 * 2.5 / 1e6, 'uncached input');
  close(r.cost.breakdown.cacheRead, 4000 * 1.25 / 1e6, 'cache read');
  close(r.cost.breakdown.output, 500 * 10 / 1e6, 'output');
  close(r.cost.usd, 0.025);
  assert.equal(r.cost.pricedAs, 'gpt-4o');
});

test('golden: Anthropic-style call after normalisation (input includes cache read and write)', () => {
  const b = new PriceBook();
  // Anthropic raw usage: input_tokens 1000 (uncached), cache_read 20000, cache_creation 5000, output 800
  // normalised by the recorders: inputTokens = 26000
  const r = b.price({ operation: 'chat', provider: 'anthropic', requestModel: 'claude-sonnet-4-5-20250929', inputTokens: 26000, cacheReadTokens: 20000, cacheWriteTokens: 5000, outputTokens: 800 });
  assert.equal(r.priced, true);
  close(r.cost.breakdown.input, 1000 * 3 / 1e6);
  close(r.cost.breakdown.cacheRead, 20000 * 0.3 / 1e6);
  close(r.cost.breakdown.cacheWrite, 5000 * 3.75 / 1e6);
  close(r.cost.breakdown.output, 800 * 15 / 1e6);
  close(r.cost.usd, 0.03975);
});

test('golden: a provider without a cache-write price bills cache writes as input', () => {
  const b = new PriceBook();
  const r = b.price({ operation: 'chat', provider: 'openai', requestModel: 'gpt-4.1', inputTokens: 3000, cacheReadTokens: 1000, cacheWriteTokens: 1000, outputTokens: 0 });
  // 1000 uncached + 1000 written at input 2.00, 1000 read at 0.50
  close(r.cost.usd, (2000 * 2 + 1000 * 0.5) / 1e6);
});

test('golden: TTS per character and STT per second', () => {
  const b = new PriceBook();
  const tts = b.price({ operation: 'text_to_speech', provider: 'openai', requestModel: 'tts-1', characters: 1000 });
  close(tts.cost.usd, 0.015); // $15 / 1M characters
  const hd = b.price({ operation: 'text_to_speech', provider: 'openai', requestModel: 'tts-1-hd', characters: 1000 });
  close(hd.cost.usd, 0.03);
  const stt = b.price({ operation: 'speech_to_text', provider: 'openai', requestModel: 'whisper-1', audioSeconds: 90 });
  close(stt.cost.usd, 0.009); // $0.006 / minute
  // gpt-4o-mini-tts is billed per token: characters alone are unpriced, never 0
  const mini = b.price({ operation: 'text_to_speech', provider: 'openai', requestModel: 'gpt-4o-mini-tts', characters: 500 });
  assert.equal(mini.priced, false);
  assert.equal(mini.reason, 'missing_price');
});

test('CostTracker.attach records cost per priced call from the usage channel, unpriced calls counted, totals', async () => {
  const tracker = new CostTracker();
  const detach = tracker.attach();
  tracker.attach(); // idempotent: still one subscription
  publishGenAiUsage({ operation: 'chat', provider: 'openai', requestModel: 'gpt-4o', responseModel: 'gpt-4o-2024-08-06', inputTokens: 10000, cacheReadTokens: 4000, outputTokens: 500 });
  publishGenAiUsage({ operation: 'chat', provider: 'anthropic', requestModel: 'claude-sonnet-4-5', inputTokens: 26000, cacheReadTokens: 20000, cacheWriteTokens: 5000, outputTokens: 800 });
  publishGenAiUsage({ operation: 'chat', provider: 'openai', requestModel: 'my-finetune', inputTokens: 100, outputTokens: 10 });
  publishGenAiUsage({ operation: 'chat', provider: 'openai', requestModel: 'gpt-4o', errorType: 'rate_limit' }); // no usage: ignored
  detach();
  publishGenAiUsage({ operation: 'chat', provider: 'openai', requestModel: 'gpt-4o', inputTokens: 1, outputTokens: 1 }); // detached
  const text = await serializeAsync(registry);
  assert.match(text, /^gen_ai_client_cost_count\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o"\} 1$/m);
  assert.match(text, /^gen_ai_client_cost_sum\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o"\} 0\.025$/m);
  assert.match(text, /^gen_ai_client_cost_bucket\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",le="0\.05"\} 1$/m);
  assert.match(text, /^gen_ai_client_cost_sum\{gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4-5"\} 0\.03975$/m);
  assert.match(text, /^gen_ai_client_cost_unpriced_calls_total\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="my-finetune"\} 1$/m);
  assert.doesNotMatch(text, /gen_ai_client_cost_count\{[^}]*my-finetune/, 'no 0-cost point for an unknown model');
  const t = tracker.totals();
  assert.equal(t.calls, 2);
  assert.equal(t.unpricedCalls, 1);
  close(t.usd, 0.025 + 0.03975);
  close(t.byProvider.openai.usd, 0.025);
  assert.equal(t.byProvider.openai.unpricedCalls, 1);
  assert.equal(t.byModel['my-finetune'].calls, 0);
  close(t.byModel['claude-sonnet-4-5'].usd, 0.03975);
  assert.ok(diagnostics.some((d) => d.code === 'AGENTMETER_UNPRICED_MODEL' && d.message.includes('my-finetune')));
  tracker.reset();
  assert.equal(tracker.totals().calls, 0);
});

test('overrides: object merges over shipped rows and adds models; file form; aliases', (tc) => {
  const t = new CostTracker({
    meterProvider: new Registry(),
    prices: { 'gpt-4o': { input: 2.0 }, 'my-finetune': { provider: 'openai', input: 3, output: 12 } },
  });
  const a = t.priceCall({ operation: 'chat', provider: 'openai', requestModel: 'gpt-4o', inputTokens: 1e6, cacheReadTokens: 0, outputTokens: 1e6 });
  close(a.usd, 2.0 + 10, 'input overridden, output kept from the shipped row');
  close(t.priceCall({ operation: 'chat', provider: 'openai', requestModel: 'my-finetune', inputTokens: 1e6, outputTokens: 0 }).usd, 3);

  const dir = mkdtempSync(join(tmpdir(), 'agentmeter-cost-'));
  tc.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'prices.json');
  writeFileSync(file, JSON.stringify({ models: { 'azure-prod-gpt4o': { input: 2.75, output: 11 } }, aliases: { 'prod-chat': 'azure-prod-gpt4o' } }));
  const f = new CostTracker({ meterProvider: new Registry(), prices: file });
  close(f.priceCall({ operation: 'chat', provider: 'azure.ai.openai', requestModel: 'prod-chat', inputTokens: 1e6, outputTokens: 1e6 }).usd, 13.75);

  const only = new PriceBook({ replaceShippedPrices: true, prices: { x: { input: 1 } } });
  assert.deepEqual(only.modelIds(), ['x']);
});

test('invalid overrides fail at construction naming the setting', (tc) => {
  const dir = mkdtempSync(join(tmpdir(), 'agentmeter-cost-'));
  tc.after(() => rmSync(dir, { recursive: true, force: true }));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{ not json');
  const cases = [
    [{ 'gpt-4o': { input: -1 } }, /prices\["gpt-4o"\]\.input: expected a finite number >= 0/],
    [{ 'gpt-4o': { input: 'cheap' } }, /prices\["gpt-4o"\]\.input/],
    [{ 'gpt-4o': { inptu: 1 } }, /prices\["gpt-4o"\]: unknown field "inptu"/],
    [{ 'new-model': { source: 'x' } }, /prices\["new-model"\]: a model not in the shipped table needs at least one price/],
    [{ models: { a: { input: 1 } }, aliases: { b: 'nowhere' } }, /prices\.aliases\["b"\]: target model "nowhere" has no price/],
    [[1, 2], /prices: expected an object, got an array/],
    [join(dir, 'missing.json'), /prices: cannot read price file ".*missing\.json"/],
    [bad, /prices: price file ".*bad\.json" is not valid JSON/],
  ];
  for (const [prices, re] of cases) assert.throws(() => new CostTracker({ prices }), re, JSON.stringify(prices));
  assert.throws(() => new CostTracker({ maxTotalsKeys: 0 }), /maxTotalsKeys/);
});

test('bad usage events are dropped with a diagnostic, never thrown, never priced', async () => {
  const reg = new Registry();
  const t = new CostTracker({ meterProvider: reg });
  const before = diagnostics.length;
  for (const v of [NaN, Infinity, -5, '100']) {
    const r = t.record({ operation: 'chat', provider: 'openai', requestModel: 'gpt-4o', inputTokens: v, outputTokens: 10 });
    assert.equal(r.priced, false);
    assert.equal(r.reason, 'invalid');
  }
  assert.doesNotThrow(() => t.record(null));
  assert.doesNotThrow(() => t.record({ operation: 'chat', provider: 'openai', requestModel: 42, inputTokens: 1 }));
  assert.doesNotThrow(() => t.record(new Proxy({}, { get() { throw new Error('hostile'); } })));
  const text = await serializeAsync(reg);
  assert.doesNotMatch(text, /gen_ai_client_cost_(count|unpriced)/);
  assert.equal(t.totals().calls + t.totals().unpricedCalls, 0);
  assert.ok(diagnostics.length > before);
});

test('estimateMonthlyCost: the seeds\' estimate_monthly_cost, with validation', () => {
  const e = estimateMonthlyCost({ model: 'gpt-4o-mini', requestsPerDay: 1000, inputTokens: 500, outputTokens: 200 });
  close(e.costPerRequest, (500 * 0.15 + 200 * 0.6) / 1e6);
  close(e.monthlyCost, e.costPerRequest * 1000 * 30);
  assert.equal(e.days, 30);
  const c = new CostTracker({ meterProvider: new Registry() }).estimateMonthlyCost({ model: 'claude-sonnet-4-5-20250929', requestsPerDay: 100, inputTokens: 5000, cachedInputTokens: 4000, outputTokens: 200, days: 31 });
  close(c.costPerRequest, (1000 * 3 + 4000 * 0.3 + 200 * 15) / 1e6);
  close(c.monthlyCost, c.costPerRequest * 100 * 31);
  assert.equal(c.pricedAs, 'claude-sonnet-4-5');
  assert.throws(() => estimateMonthlyCost({ model: 'unknown-x', requestsPerDay: 1, inputTokens: 1, outputTokens: 1 }), /no price for model "unknown-x"/);
  assert.throws(() => estimateMonthlyCost({ model: 'gpt-4o', requestsPerDay: -1, inputTokens: 1, outputTokens: 1 }), /requestsPerDay must be a finite number/);
  assert.throws(() => estimateMonthlyCost({ model: 'gpt-4o', requestsPerDay: 1, inputTokens: NaN, outputTokens: 1 }), /inputTokens/);
  assert.throws(() => estimateMonthlyCost({ model: 'whisper-1', requestsPerDay: 1, inputTokens: 1, outputTokens: 1 }), /no input price/);
  const text = formatMonthlyEstimate(e);
  assert.match(text, /Cost per 30 days: +\$5\.85$/m);
  assert.deepEqual(JSON.parse(formatMonthlyEstimate(e, 'json')), JSON.parse(JSON.stringify(e)));
});

test('the CLI command: text, JSON, errors, exit codes', () => {
  const ok = runCostEstimateCli(['--model', 'gpt-4o', '--requests-per-day', '1000', '--input-tokens', '500', '--output-tokens=200']);
  assert.equal(ok.exitCode, 0, ok.stderr);
  assert.match(ok.stdout, /Cost per request: +\$0\.003250/);
  assert.match(ok.stdout, /Cost per day: +\$3\.25/);
  assert.match(ok.stdout, /Cost per 30 days: +\$97\.50/);
  const json = runCostEstimateCli(['--model', 'gpt-4o', '--requests-per-day', '1000', '--input-tokens', '500', '--output-tokens', '200', '--days', '7', '--json']);
  close(JSON.parse(json.stdout).monthlyCost, 0.00325 * 1000 * 7);
  assert.equal(runCostEstimateCli(['--model', 'gpt-4o']).exitCode, 2);
  assert.equal(runCostEstimateCli(['--bogus']).exitCode, 2);
  const neg = runCostEstimateCli(['--model', 'gpt-4o', '--requests-per-day', '-3', '--input-tokens', '1', '--output-tokens', '1']);
  assert.equal(neg.exitCode, 2);
  assert.match(neg.stderr, /--requests-per-day must be a number >= 0/);
  const unknown = runCostEstimateCli(['--model', 'nope', '--requests-per-day', '1', '--input-tokens', '1', '--output-tokens', '1']);
  assert.equal(unknown.exitCode, 1);
  assert.match(unknown.stderr, /no price for model "nope"/);
  assert.equal(runCostEstimateCli(['--help']).exitCode, 0);
});

test('golden: reasoning tokens (part of output) are billed at the output price, or at a reasoning price when the row has one', () => {
  const b = new PriceBook();
  // gpt-5: 1.25 input / 0.125 cached / 10 output; 2048 input of which 1536 cached, 400 output of which 256 reasoning
  const r = b.price({ operation: 'chat', provider: 'openai', requestModel: 'gpt-5', inputTokens: 2048, cacheReadTokens: 1536, outputTokens: 400, reasoningTokens: 256 });
  assert.equal(r.priced, true);
  close(r.cost.breakdown.input, 512 * 1.25 / 1e6, 'uncached input');
  close(r.cost.breakdown.cacheRead, 1536 * 0.125 / 1e6, 'cache read');
  close(r.cost.breakdown.output, 144 * 10 / 1e6, 'non-reasoning output');
  close(r.cost.breakdown.reasoning, 256 * 10 / 1e6, 'reasoning at the output price');
  close(r.cost.usd, (512 * 1.25 + 1536 * 0.125 + 400 * 10) / 1e6);
  const withReasoningPrice = new PriceBook({ prices: { 'gpt-5': { reasoning: 20 } } });
  const r2 = withReasoningPrice.price({ operation: 'chat', provider: 'openai', requestModel: 'gpt-5', inputTokens: 2048, cacheReadTokens: 1536, outputTokens: 400, reasoningTokens: 256 });
  close(r2.cost.breakdown.reasoning, 256 * 20 / 1e6);
  close(r2.cost.usd, (512 * 1.25 + 1536 * 0.125 + 144 * 10 + 256 * 20) / 1e6);
  assert.throws(() => new PriceBook({ prices: { 'gpt-5': { reasoning: -1 } } }), /prices\["?gpt-5"?\]?\.reasoning|reasoning: expected a finite number/);
});

test('the cost tracker prices the reasoning and cache tokens a recorder publishes', async () => {
  const registry = new Registry();
  const tracker = new CostTracker({ meterProvider: registry, prices: { 'price-probe': { input: 1, cacheRead: 0.5, output: 2, reasoning: 8 } } });
  tracker.attach();
  try {
    const { LlmRecorder } = await import('@agentmeter/llm');
    new LlmRecorder({ meterProvider: registry }).record({ provider: 'openai', requestModel: 'price-probe', inputTokens: 1000, cacheReadTokens: 600, outputTokens: 100, reasoningTokens: 40 });
  } finally {
    tracker.detach?.();
  }
  const text = await serializeAsync(registry);
  const sum = Number(/^gen_ai_client_cost_sum\{[^}]*gen_ai_request_model="price-probe"[^}]*\} (\S+)$/m.exec(text)?.[1]);
  close(sum, (400 * 1 + 600 * 0.5 + 60 * 2 + 40 * 8) / 1e6);
});
