// Recorders: what one LLM call, tool call and cache operation cost to record with
// agentmeter's recorders vs the equivalent hand-written prom-client metrics (what the seed
// apps do today), in one process, with mitata.
//   LLM call   = duration histogram + input and output token counters (with modality) and
//                per-call token histograms (the semantic-conventions-genai metric set)
//   tool call  = duration histogram (tool name, type)
//   cache op   = operations counter (cache, operation, result)
//   node bench/recorders.mjs [--small]
import { metrics } from '@opentelemetry/api';
import promClient from 'prom-client';
import { Registry } from '@agentmeter/core';
import { recordLlmCall } from '@agentmeter/llm';
import { recordToolCall } from '@agentmeter/tools';
import { recordCacheOperation } from '@agentmeter/cache';
import { setDiagnosticWarnings } from '@agentmeter/api';
import { BUCKETS_GEN_AI_DURATION, BUCKETS_GEN_AI_TOKENS } from '@agentmeter/semconv';
import { fmt, header, measureCases, median, ratio, result, table } from './lib/common.mjs';

header('Recorders', 'ns per recorded call (median of mitata samples), 8 models x 2 providers rotating.');
setDiagnosticWarnings(false);
const registry = new Registry();
metrics.setGlobalMeterProvider(registry);

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'o3', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1', 'gemini-2.5-pro'];
const PROVIDERS = ['openai', 'openai', 'openai', 'openai', 'anthropic', 'anthropic', 'anthropic', 'gcp.gemini'];
const OPS = 64;
const promReg = new promClient.Registry();
const labels = ['operation', 'provider', 'request_model', 'response_model', 'token_type'];
const pDur = new promClient.Histogram({ name: 'llm_duration_seconds', help: 'h', labelNames: labels.slice(0, 4), buckets: [...BUCKETS_GEN_AI_DURATION], registers: [promReg] });
const pTok = new promClient.Histogram({ name: 'llm_tokens', help: 'h', labelNames: labels, buckets: [...BUCKETS_GEN_AI_TOKENS], registers: [promReg] });
const usageLabels = [...labels.slice(0, 4), 'modality'];
const pIn = new promClient.Counter({ name: 'llm_input_tokens_total', help: 'h', labelNames: usageLabels, registers: [promReg] });
const pOut = new promClient.Counter({ name: 'llm_output_tokens_total', help: 'h', labelNames: usageLabels, registers: [promReg] });
const pTool = new promClient.Histogram({ name: 'tool_duration_seconds', help: 'h', labelNames: ['tool', 'type'], buckets: [...BUCKETS_GEN_AI_DURATION], registers: [promReg] });
const pCache = new promClient.Counter({ name: 'cache_operations_total', help: 'h', labelNames: ['cache', 'operation', 'result'], registers: [promReg] });

const cases = {
  'LLM call': {
    'prom-client (3 observes, 2 incs)': () => {
      for (let i = 0; i < OPS; i++) {
        const m = MODELS[i & 7];
        const base = { operation: 'chat', provider: PROVIDERS[i & 7], request_model: m, response_model: m };
        pDur.observe(base, 1.2);
        pIn.inc({ ...base, modality: 'text' }, 500);
        pOut.inc({ ...base, modality: 'text' }, 120);
        pTok.observe({ ...base, token_type: 'input' }, 500);
        pTok.observe({ ...base, token_type: 'output' }, 120);
      }
    },
    'agentmeter recordLlmCall': () => {
      for (let i = 0; i < OPS; i++) {
        const m = MODELS[i & 7];
        recordLlmCall({ provider: PROVIDERS[i & 7], requestModel: m, responseModel: m, durationSeconds: 1.2, inputTokens: 500, outputTokens: 120 });
      }
    },
  },
  'tool call': {
    'prom-client observe': () => {
      for (let i = 0; i < OPS; i++) pTool.observe({ tool: MODELS[i & 7], type: 'function' }, 0.05);
    },
    'agentmeter recordToolCall': () => {
      for (let i = 0; i < OPS; i++) recordToolCall({ toolName: MODELS[i & 7], toolType: 'function', durationSeconds: 0.05 });
    },
  },
  'cache operation': {
    'prom-client inc': () => {
      for (let i = 0; i < OPS; i++) pCache.inc({ cache: 'answers', operation: 'get', result: i & 1 ? 'hit' : 'miss' });
    },
    'agentmeter recordCacheOperation': () => {
      for (let i = 0; i < OPS; i++) recordCacheOperation('answers', 'get', i & 1 ? 'hit' : 'miss');
    },
  },
};

const ns = await measureCases(cases, { ops: OPS, minCpuNs: 500e6 });
if (!registry.get('gen_ai.client.inference.duration') || registry.get('gen_ai.client.inference.duration').store.size !== 8) throw new Error('LLM series missing: the work was not recorded');

const goals = [];
for (const [kind, byName] of Object.entries(ns)) {
  const med = Object.fromEntries(Object.entries(byName).map(([k, v]) => [k, median(v)]));
  const [promName, amName] = Object.keys(med);
  table(kind, ['implementation', 'ns/call (median)', 'vs prom-client'], Object.entries(med).map(([k, v]) => [k, fmt(v), ratio(v, med[promName])]));
  goals.push({ goal: `1. ${kind} recorder vs prom-client equivalent`, measured: `${fmt(med[amName])} ns vs ${fmt(med[promName])} ns (${ratio(med[amName], med[promName])})`, target: '<= 1.00x', met: med[amName] <= med[promName] });
}
result('recorders', { values: ns, goals });
