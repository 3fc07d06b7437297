// Type tests: compiled with `tsc --noEmit --strict` by test/types.test.mjs. Lines after an
// expect-error directive must fail to compile; everything else must compile.
import { start, resolveConfig, ConfigError, type AgentmeterHandle, type StartOptions, type InstrumentationName } from '@agentmeter/sdk';
import { Registry, serialize, serializeAsync, RegistryMetricProducer, prometheusName } from '@agentmeter/core';
import { CATALOGUE, METRIC_GEN_AI_CLIENT_OPERATION_DURATION, type MetricDefinition } from '@agentmeter/semconv';
import { onGenAiUsage, type GenAiUsageEvent } from '@agentmeter/llm';
import { setDiagnosticWarnings } from '@agentmeter/sdk';
import type { MeterProvider } from '@opentelemetry/api';

const opts: StartOptions = { serviceName: 's', port: 0, instrumentations: ['http', 'pg'], cardinalityLimit: 100, buckets: { x: [1, 2] } };
const handle: AgentmeterHandle = start(opts);
const provider: MeterProvider = handle.meterProvider;
void provider;
handle.meter.createCounter('c').add(1, { a: 'b' });
void handle.ready.then((a) => a?.url.toUpperCase());
void handle.shutdown();
const names: InstrumentationName[] = ['ws', 'openai', 'anthropic', 'runtime', 'undici', 'http-otel'];
void names;
// @ts-expect-error unknown instrumentation names do not type-check
const bad: InstrumentationName[] = ['redis'];
void bad;
// @ts-expect-error port is a number
start({ port: '9464' });
const cfg = resolveConfig({ env: {} });
const port: number = cfg.port;
void port;
const err: Error = new ConfigError('x', 'y');
void err;

const r = new Registry({ cardinalityLimit: 10 });
const text: string = serialize(r);
void text;
void serializeAsync(r, { resource: { 'service.name': 'x' } }).then((t: string) => t.length);
void new RegistryMetricProducer(r).collect();
const promName: string = prometheusName('a.b', 's', 'histogram', false);
void promName;
const def: MetricDefinition = CATALOGUE[METRIC_GEN_AI_CLIENT_OPERATION_DURATION];
const prom: string = def.prometheus;
void prom;
setDiagnosticWarnings(false);
const off: () => void = onGenAiUsage((e: GenAiUsageEvent) => void e.inputTokens);
off();

// GenAI metric names (issue 16): current | legacy | both
import { LlmRecorder, setGenAiMetrics, getGenAiMetrics, type GenAiMetricsMode } from '@agentmeter/llm';
const genAiMode: GenAiMetricsMode = getGenAiMetrics();
setGenAiMetrics(genAiMode);
void new LlmRecorder({ genAiMetrics: 'both' }).record({ provider: 'openai', inputTokens: 3, cacheReadTokens: 1, outputTokens: 2, reasoningTokens: 1 });
void resolveConfig({ genAiMetrics: 'legacy', env: {} }).genAiMetrics;
// @ts-expect-error only current, legacy or both
setGenAiMetrics('v2');
// setHttpRoute (issue 13): a request object and a template string
import { setHttpRoute, getHttpRoute } from '@agentmeter/sdk';
import type { IncomingMessage } from 'node:http';
declare const incoming: IncomingMessage;
setHttpRoute(incoming, '/users/:id');
const routeNow: string | undefined = getHttpRoute(incoming);
void routeNow;
// @ts-expect-error the template is a string
setHttpRoute(incoming, 42);
// issue 12: one /metrics for a process tree
import { SnapshotAggregator, snapshotRegistry, serializeMerged, WORKER_LABEL, type RegistrySnapshot } from '@agentmeter/core';
const treeOpts: StartOptions = { aggregate: true, aggregateTimeoutMillis: 500 };
void treeOpts;
// @ts-expect-error aggregateTimeoutMillis is a number of milliseconds
start({ aggregateTimeoutMillis: '500' });
const workerLabel: string = WORKER_LABEL;
void workerLabel;
void snapshotRegistry(r).then(async (s: RegistrySnapshot) => {
  const merged = await new SnapshotAggregator().mergeAsync([{ worker: '0', snapshot: s }]);
  for await (const chunk of serializeMerged(merged)) void chunk.length;
});
