import { readFileSync } from 'node:fs';
import { RegistryOptionError, validateRegistryOptions } from '@agentmeter/core';
import { ConfigError, SettingsReader } from './settings';

import { INSTRUMENTATIONS, type InstrumentationName } from './instrumentation-table';

export type { InstrumentationName } from './instrumentation-table';
/** Instrumentations agentmeter can turn on, by the name used in options and AGENTMETER_INSTRUMENTATIONS (the table in instrumentation-table.ts). */
export const INSTRUMENTATION_NAMES: readonly InstrumentationName[] = INSTRUMENTATIONS.map((r) => r.name);
/** On unless turned off: everything but `http-otel` (the OpenTelemetry HTTP instrumentation, for apps that also trace). */
export const DEFAULT_INSTRUMENTATIONS: readonly InstrumentationName[] = INSTRUMENTATIONS.filter((r) => r.defaultOn).map((r) => r.name);

export interface OtlpOptions {
  /** OTLP/HTTP metrics endpoint, e.g. http://127.0.0.1:4318/v1/metrics. */
  endpoint: string;
  /** Export interval (default 15000 ms). */
  intervalMillis?: number;
  /** Extra headers (e.g. authorization for a collector). */
  headers?: Record<string, string>;
}

/** Options of `start()`. Every option has an environment variable; options win over the environment. */
export interface StartOptions {
  /** false turns agentmeter off entirely (AGENTMETER_ENABLED). Default true. */
  enabled?: boolean;
  /** service.name (OTEL_SERVICE_NAME). */
  serviceName?: string;
  /** service.version. */
  serviceVersion?: string;
  /** Extra resource attributes, merged over OTEL_RESOURCE_ATTRIBUTES. */
  resourceAttributes?: Record<string, string>;
  /** Serve /metrics and /health on a port of agentmeter's own (default true). false: mount `metricsHandler` yourself. */
  metricsServer?: boolean;
  /** Interface of the metrics server (AGENTMETER_METRICS_HOST, default 127.0.0.1). */
  host?: string;
  /** Port of the metrics server (AGENTMETER_METRICS_PORT, default 9464; 0 picks a free port). */
  port?: number;
  /** Path of the metrics endpoint (AGENTMETER_METRICS_PATH, default /metrics). */
  path?: string;
  /** Bearer token required on /metrics (AGENTMETER_METRICS_TOKEN). */
  token?: string;
  /** File holding the bearer token (AGENTMETER_METRICS_TOKEN_FILE). */
  tokenFile?: string;
  /** Basic auth credentials `user:password` accepted on /metrics (AGENTMETER_METRICS_BASIC_AUTH). */
  basicAuth?: string;
  /** Instrumentations to turn on (AGENTMETER_INSTRUMENTATIONS, comma list; `all`, `none`; default: all but http-otel). */
  instrumentations?: readonly InstrumentationName[];
  /** Series per metric incl. the overflow series (AGENTMETER_CARDINALITY_LIMIT, default 2000). */
  cardinalityLimit?: number;
  /** Per-metric series limits by OpenTelemetry name. */
  cardinalityLimits?: Record<string, number>;
  /** Histogram bucket boundaries by OpenTelemetry name (over the catalogue's). */
  buckets?: Record<string, number[]>;
  /** Record gen_ai.client.cost for priced calls (AGENTMETER_COST, default true). */
  cost?: boolean;
  /** Price overrides: an object, or a JSON file path (AGENTMETER_PRICES_FILE). */
  prices?: object | string;
  /** Push metrics over OTLP/HTTP too (AGENTMETER_OTLP_ENDPOINT, AGENTMETER_OTLP_INTERVAL). */
  otlp?: OtlpOptions;
  /** GenAI metric names: `current` (semantic-conventions-genai v0.1.0, default), `legacy` (v1.41 names), `both` (AGENTMETER_GENAI_METRICS). */
  genAiMetrics?: 'current' | 'legacy' | 'both';
  /** One /metrics for the process tree: cluster workers, PM2 instances, fork()ed children and worker threads are aggregated by the process holding the port (AGENTMETER_AGGREGATE, default true). See docs/multiprocess.md. */
  aggregate?: boolean;
  /** Longest an aggregated scrape waits for the other processes (AGENTMETER_AGGREGATE_TIMEOUT, ms, default 2000). */
  aggregateTimeoutMillis?: number;
  /** Interval of the event-loop delay sampler of the runtime metrics (AGENTMETER_EVENT_LOOP_DELAY_RESOLUTION, ms, default 20). See docs/runtime.md. */
  eventLoopDelayResolutionMillis?: number;
  /** Record `v8js.gc.duration` in the runtime metrics (AGENTMETER_GC_DURATION, default true): every GC then costs ~90 µs of CPU inside Node. See docs/runtime.md. */
  gcDuration?: boolean;
  /** Environment to read (default process.env). */
  env?: Record<string, string | undefined>;
}

/** Fully resolved, validated configuration. */
export interface ResolvedConfig {
  enabled: boolean;
  resource: Record<string, string>;
  metricsServer: boolean;
  host: string;
  port: number;
  path: string;
  token: string | undefined;
  basicAuth: string | undefined;
  instrumentations: ReadonlySet<InstrumentationName>;
  cardinalityLimit: number | undefined;
  cardinalityLimits: Record<string, number> | undefined;
  buckets: Record<string, number[]> | undefined;
  cost: boolean;
  prices: object | string | undefined;
  otlp: OtlpOptions | undefined;
  genAiMetrics: 'current' | 'legacy' | 'both';
  aggregate: boolean;
  aggregateTimeoutMillis: number;
  eventLoopDelayResolutionMillis: number;
  gcDuration: boolean;
}

export { ConfigError } from './settings';

/**
 * Default interval of the event-loop delay sampler (ms): each tick wakes an otherwise idle
 * process, so a finer one costs CPU per second whatever the load (docs/performance.md, run L).
 */
const DEFAULT_EVENT_LOOP_DELAY_RESOLUTION_MS = 20;

/** Parse OTEL_RESOURCE_ATTRIBUTES (`k=v,k2=v2`, values percent-encoded). */
export function parseResourceAttributes(v: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!v) return out;
  for (const part of v.split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new ConfigError('OTEL_RESOURCE_ATTRIBUTES', `expected key=value pairs separated by commas, got ${JSON.stringify(part)}`);
    try {
      out[decodeURIComponent(part.slice(0, eq).trim())] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      throw new ConfigError('OTEL_RESOURCE_ATTRIBUTES', `bad percent-encoding in ${JSON.stringify(part)}`);
    }
  }
  return out;
}

function parseInstrumentations(v: string, name: string): InstrumentationName[] {
  const items = v
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (items.length === 1 && items[0] === 'none') return [];
  if (items.length === 1 && items[0] === 'all') return [...DEFAULT_INSTRUMENTATIONS];
  for (const i of items) {
    if (!(INSTRUMENTATION_NAMES as readonly string[]).includes(i))
      throw new ConfigError(name, `unknown instrumentation ${JSON.stringify(i)} (known: ${INSTRUMENTATION_NAMES.join(', ')}, all, none)`);
  }
  return items as InstrumentationName[];
}

/**
 * Resolve options and environment into one validated configuration, each setting read
 * through the settings table (settings.ts). Throws ConfigError naming the setting.
 */
export function resolveConfig(options: StartOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const r = new SettingsReader(options as Record<string, unknown>, env);
  const e = (k: string) => r.envValue(k);

  const enabled = r.bool('enabled', 'AGENTMETER_ENABLED', true);

  const resource: Record<string, string> = { ...parseResourceAttributes(e('OTEL_RESOURCE_ATTRIBUTES')), ...(options.resourceAttributes ?? {}) };
  const serviceName = r.string('serviceName', 'OTEL_SERVICE_NAME') ?? resource['service.name'] ?? `unknown_service:node`;
  resource['service.name'] = serviceName;
  const serviceVersion = r.string('serviceVersion', undefined);
  if (serviceVersion) resource['service.version'] = serviceVersion;

  const host = r.string('host', 'AGENTMETER_METRICS_HOST') ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:\-[\]%]+$/.test(host)) throw new ConfigError(r.source('host', 'AGENTMETER_METRICS_HOST'), `not a host name or address: ${JSON.stringify(host)}`);

  const port = r.integer('port', 'AGENTMETER_METRICS_PORT', 9464, 0, 65535) as number;

  const path = r.string('path', 'AGENTMETER_METRICS_PATH') ?? '/metrics';
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(path) || path === '/health')
    throw new ConfigError(r.source('path', 'AGENTMETER_METRICS_PATH'), `expected a path such as /metrics (not /health), got ${JSON.stringify(path)}`);

  let token = r.string('token', 'AGENTMETER_METRICS_TOKEN');
  const tokenFile = r.string('tokenFile', 'AGENTMETER_METRICS_TOKEN_FILE');
  const tokenSetting = r.source('tokenFile', 'AGENTMETER_METRICS_TOKEN_FILE');
  if (tokenFile !== undefined) {
    if (token !== undefined) throw new ConfigError(tokenSetting, 'set either a token or a token file, not both');
    try {
      token = readFileSync(tokenFile, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(tokenSetting, `cannot read ${JSON.stringify(tokenFile)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (token !== undefined && (token.length < 8 || /\s/.test(token)))
    throw new ConfigError(tokenFile !== undefined ? tokenSetting : r.source('token', 'AGENTMETER_METRICS_TOKEN'), 'a token must be at least 8 characters with no whitespace');

  const basicAuth = r.string('basicAuth', 'AGENTMETER_METRICS_BASIC_AUTH');
  if (basicAuth !== undefined && !/^[^:]+:.+$/.test(basicAuth)) throw new ConfigError(r.source('basicAuth', 'AGENTMETER_METRICS_BASIC_AUTH'), 'expected user:password');

  let instrumentations: InstrumentationName[];
  if (options.instrumentations !== undefined) {
    if (!Array.isArray(options.instrumentations)) throw new ConfigError('instrumentations', 'expected an array of names');
    instrumentations = parseInstrumentations(options.instrumentations.join(',') || 'none', 'instrumentations');
  } else {
    const v = e('AGENTMETER_INSTRUMENTATIONS');
    instrumentations = v === undefined ? [...DEFAULT_INSTRUMENTATIONS] : parseInstrumentations(v, 'AGENTMETER_INSTRUMENTATIONS');
  }
  if (instrumentations.includes('http') && instrumentations.includes('http-otel'))
    throw new ConfigError(r.source('instrumentations', 'AGENTMETER_INSTRUMENTATIONS'), '"http" and "http-otel" record the same metrics; choose one');

  // the option is validated with the registry's own rule (below), the variable here
  const cardinalityLimit = options.cardinalityLimit ?? r.integer('cardinalityLimit', 'AGENTMETER_CARDINALITY_LIMIT', undefined, 2, 10_000_000);
  try {
    validateRegistryOptions({ cardinalityLimit, cardinalityLimits: options.cardinalityLimits, buckets: options.buckets });
  } catch (err) {
    if (err instanceof RegistryOptionError) throw new ConfigError(err.setting, err.detail);
    throw err;
  }

  const cost = r.bool('cost', 'AGENTMETER_COST', true);
  const prices = options.prices ?? e('AGENTMETER_PRICES_FILE');

  let otlp = options.otlp;
  const otlpEnv = e('AGENTMETER_OTLP_ENDPOINT');
  if (!otlp && otlpEnv) otlp = { endpoint: otlpEnv, intervalMillis: r.integer('otlp.intervalMillis', 'AGENTMETER_OTLP_INTERVAL', undefined, 100, 86_400_000) };
  if (otlp) {
    const setting = options.otlp ? 'otlp.endpoint' : 'AGENTMETER_OTLP_ENDPOINT';
    try {
      const u = new URL(otlp.endpoint);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    } catch {
      throw new ConfigError(setting, `expected an http(s) URL, got ${JSON.stringify(otlp.endpoint)}`);
    }
  }

  const genAiSetting = r.source('genAiMetrics', 'AGENTMETER_GENAI_METRICS');
  const genAiMetrics = options.genAiMetrics ?? e('AGENTMETER_GENAI_METRICS')?.trim().toLowerCase() ?? 'current';
  if (genAiMetrics !== 'current' && genAiMetrics !== 'legacy' && genAiMetrics !== 'both')
    throw new ConfigError(genAiSetting, `expected current, legacy or both, got ${JSON.stringify(String(genAiMetrics).slice(0, 40))}`);
  const aggregate = r.bool('aggregate', 'AGENTMETER_AGGREGATE', true);
  const aggregateTimeoutMillis = r.integer('aggregateTimeoutMillis', 'AGENTMETER_AGGREGATE_TIMEOUT', 2000, 1, 600_000) as number;
  const gcDuration = r.bool('gcDuration', 'AGENTMETER_GC_DURATION', true);
  const eventLoopDelayResolutionMillis = r.integer('eventLoopDelayResolutionMillis', 'AGENTMETER_EVENT_LOOP_DELAY_RESOLUTION', DEFAULT_EVENT_LOOP_DELAY_RESOLUTION_MS, 1, 60_000) as number;

  return {
    enabled,
    resource,
    metricsServer: r.bool('metricsServer', undefined, true),
    host,
    port,
    path,
    token,
    basicAuth,
    instrumentations: new Set(instrumentations),
    cardinalityLimit,
    cardinalityLimits: options.cardinalityLimits,
    buckets: options.buckets,
    cost,
    prices,
    otlp,
    genAiMetrics,
    aggregate,
    aggregateTimeoutMillis,
    eventLoopDelayResolutionMillis,
    gcDuration,
  };
}
