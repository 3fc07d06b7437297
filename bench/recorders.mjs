// Recorders: what one LLM call, tool call and cache operation cost to record with
// agentmeter's recorders vs the equivalent hand-written prom-client metrics (what the seed
// apps do today) and the same with @prometheus-io/client, in one process, with mitata.
//   LLM call   = duration histogram + input and output token histograms (5 labels)
//   tool call  = duration histogram (tool name, type)
//   cache op   = operations counter (cache, operation, result)
//   node bench/recorders.mjs [--small]
import { metrics } from '@opentelemetry/api';
import { Registry } from '@agentmeter/core';
import { recordLlmCall } from '@agentmeter/llm';
import { recordToolCall } from '@agentmeter/tools';
import { recordCacheOperation } from '@agentmeter/cache';
import { setDiagnosticWarnings } from '@agentmeter/api';
import { BUCKETS_GEN_AI_DURATION, BUCKETS_GEN_AI_TOKENS } from '@agentmeter/semconv';
import { PROM_LIBS, ROUNDS, fmt, header, loadProm, measureCases, median, medianRatio, promRatios, range, result, table, vsProm } from './lib/common.mjs';

header('Recorders', 'ns per recorded call (median of mitata samples), 8 models x 2 providers rotating.');
setDiagnosticWarnings(false);
const registry = new Registry();
metrics.setGlobalMeterProvider(registry);

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'o3', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1', 'gemini-2.5-pro'];
const PROVIDERS = ['openai', 'openai', 'openai', 'openai', 'anthropic', 'anthropic', 'anthropic', 'gcp.gemini'];
const OPS = 64;
const labels = ['operation', 'provider', 'request_model', 'response_model', 'token_type'];
const prom = {};
for (const lib of PROM_LIBS) {
  const pc = loadProm(lib);
  const reg = new pc.Registry();
  prom[lib] = {
    dur: new pc.Histogram({ name: 'llm_duration_seconds', help: 'h', labelNames: labels.slice(0, 4), buckets: [...BUCKETS_GEN_AI_DURATION], registers: [reg] }),
    tok: new pc.Histogram({ name: 'llm_tokens', help: 'h', labelNames: labels, buckets: [...BUCKETS_GEN_AI_TOKENS], registers: [reg] }),
    tool: new pc.Histogram({ name: 'tool_duration_seconds', help: 'h', labelNames: ['tool', 'type'], buckets: [...BUCKETS_GEN_AI_DURATION], registers: [reg] }),
    cache: new pc.Counter({ name: 'cache_operations_total', help: 'h', labelNames: ['cache', 'operation', 'result'], registers: [reg] }),
  };
}
const promLlm = ({ dur, tok }) => () => {
  for (let i = 0; i < OPS; i++) {
    const m = MODELS[i & 7];
    const base = { operation: 'chat', provider: PROVIDERS[i & 7], request_model: m, response_model: m };
    dur.observe(base, 1.2);
    tok.observe({ ...base, token_type: 'input' }, 500);
    tok.observe({ ...base, token_type: 'output' }, 120);
  }
};
const promTool = ({ tool }) => () => {
  for (let i = 0; i < OPS; i++) tool.observe({ tool: MODELS[i & 7], type: 'function' }, 0.05);
};
const promCache = ({ cache }) => () => {
  for (let i = 0; i < OPS; i++) cache.inc({ cache: 'answers', operation: 'get', result: i & 1 ? 'hit' : 'miss' });
};
const perProm = (label, make) => Object.fromEntries(PROM_LIBS.map((l) => [`${l} ${label}`, make(prom[l])]));

const cases = {
  'LLM call': {
    ...perProm('(3 observes)', promLlm),
    'agentmeter recordLlmCall': () => {
      for (let i = 0; i < OPS; i++) {
        const m = MODELS[i & 7];
        recordLlmCall({ provider: PROVIDERS[i & 7], requestModel: m, responseModel: m, durationSeconds: 1.2, inputTokens: 500, outputTokens: 120 });
      }
    },
  },
  'tool call': {
    ...perProm('observe', promTool),
    'agentmeter recordToolCall': () => {
      for (let i = 0; i < OPS; i++) recordToolCall({ toolName: MODELS[i & 7], toolType: 'function', durationSeconds: 0.05 });
    },
  },
  'cache operation': {
    ...perProm('inc', promCache),
    'agentmeter recordCacheOperation': () => {
      for (let i = 0; i < OPS; i++) recordCacheOperation('answers', 'get', i & 1 ? 'hit' : 'miss');
    },
  },
};

const ns = await measureCases(cases, { ops: OPS, minCpuNs: 500e6 });
if (!registry.get('gen_ai.client.inference.duration') || registry.get('gen_ai.client.inference.duration').store.size !== 8) throw new Error('LLM series missing: the work was not recorded');

for (const l of PROM_LIBS) if ((await prom[l].dur.get()).values.filter((v) => v.metricName === 'llm_duration_seconds_count').length !== 8) throw new Error(`${l}: LLM series missing`);

const goals = [];
for (const [kind, byName] of Object.entries(ns)) {
  const med = Object.fromEntries(Object.entries(byName).map(([k, v]) => [k, median(v)]));
  const names = Object.keys(byName);
  const p = Object.fromEntries(PROM_LIBS.map((l, i) => [l, byName[names[i]]])); // per-round values
  const am = byName[names[PROM_LIBS.length]];
  table(kind, ['implementation', 'ns/call (median)', `range of ${ROUNDS} rounds`, ...PROM_LIBS.map((l) => `vs ${l}`)], Object.entries(med).map(([k, v]) => [k, fmt(v), range(byName[k]), ...promRatios(byName[k], p)]));
  goals.push({ goal: `1. ${kind} recorder vs prom-client / @prometheus-io/client equivalent`, measured: vsProm(am, p, ' ns'), target: '<= 1.00x', met: PROM_LIBS.every((l) => medianRatio(am, p[l]) <= 1) });
}
result('recorders', { values: ns, goals });
