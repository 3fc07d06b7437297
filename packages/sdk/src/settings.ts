/**
 * The one table of agentmeter's settings: every `start()` option with its environment
 * variable, default and meaning, and the parser that validates it. resolveConfig()
 * (config.ts) reads every setting through it, the CLI help lists its variables, and the
 * options table of docs/configuration.md is generated from it (scripts/gen-config-doc.mjs,
 * checked by `npm run lint`). Every invalid value throws one error type, ConfigError,
 * naming the option or the variable it came from.
 */

/** A configuration error: thrown by `start()` (and the preloads, which print it and exit), names the option or environment variable. */
export class ConfigError extends Error {
  constructor(
    /** The option or environment variable. */
    readonly setting: string,
    /** What is wrong with it. */
    readonly detail: string,
  ) {
    super(`agentmeter: invalid ${setting}: ${detail}`);
    this.name = 'AgentmeterConfigError';
  }
}

/** One row of the table. */
export interface Setting {
  /** The `start()` option. */
  readonly option: string;
  /** Its environment variable(s), if it has one. */
  readonly env?: readonly string[];
  /** The default, as the docs show it. */
  readonly default: string;
  /** What it does (docs/configuration.md, markdown). */
  readonly doc: string;
}

export const SETTINGS = [
  { option: 'enabled', env: ['AGENTMETER_ENABLED'], default: '`true`', doc: '`false` turns agentmeter off: no server, no instrumentation, nothing recorded' },
  { option: 'serviceName', env: ['OTEL_SERVICE_NAME'], default: '`unknown_service:node`', doc: '`service.name` on `target_info`' },
  { option: 'serviceVersion', default: '', doc: '`service.version` (or `service.version=` in `OTEL_RESOURCE_ATTRIBUTES`)' },
  { option: 'resourceAttributes', env: ['OTEL_RESOURCE_ATTRIBUTES'], default: '', doc: '`key=value,key2=value2` (percent-encoded), on `target_info` and OTLP resource' },
  { option: 'metricsServer', default: '`true`', doc: 'serve /metrics and /health on agentmeter\'s own port; `false`: mount `handle.metricsHandler` yourself' },
  { option: 'host', env: ['AGENTMETER_METRICS_HOST'], default: '`127.0.0.1`', doc: 'interface of the metrics server; beyond loopback without a token, a warning is printed at start' },
  { option: 'port', env: ['AGENTMETER_METRICS_PORT'], default: '`9464`', doc: 'port of the metrics server (0: any free port, see `await handle.ready`)' },
  { option: 'path', env: ['AGENTMETER_METRICS_PATH'], default: '`/metrics`', doc: 'path of the exposition (`/health` is the liveness check)' },
  { option: 'token', env: ['AGENTMETER_METRICS_TOKEN'], default: '', doc: 'Bearer token required on /metrics (8+ characters, no whitespace)' },
  { option: 'tokenFile', env: ['AGENTMETER_METRICS_TOKEN_FILE'], default: '', doc: 'file holding the token (read once at start; not both token and file)' },
  { option: 'basicAuth', env: ['AGENTMETER_METRICS_BASIC_AUTH'], default: '', doc: '`user:password` accepted as HTTP Basic auth on /metrics' },
  { option: 'instrumentations', env: ['AGENTMETER_INSTRUMENTATIONS'], default: 'all but `http-otel`', doc: 'comma list of the names in the table below; or `all`, `none`' },
  { option: 'cardinalityLimit', env: ['AGENTMETER_CARDINALITY_LIMIT'], default: '`2000`', doc: 'series per metric, including the one `otel_metric_overflow="true"` series' },
  { option: 'cardinalityLimits', default: '', doc: "per metric: `{ 'gen_ai.client.inference.usage.input_tokens': 5000 }`" },
  { option: 'buckets', default: "catalogue's", doc: "histogram bucket boundaries per metric: `{ 'http.server.request.duration': [0.1, 1, 10] }`" },
  { option: 'cost', env: ['AGENTMETER_COST'], default: '`true`', doc: 'record `gen_ai.client.cost` for priced calls' },
  { option: 'prices', env: ['AGENTMETER_PRICES_FILE'], default: 'shipped table', doc: 'price overrides: an object, or a JSON file (see [cost.md](cost.md))' },
  {
    option: 'genAiMetrics',
    env: ['AGENTMETER_GENAI_METRICS'],
    default: '`current`',
    doc: 'GenAI metric names: `current` (semantic-conventions-genai v0.1.0: `gen_ai.client.inference.*`, usage counters with cache and reasoning tokens), `legacy` (the v1.41 names: `gen_ai.client.operation.duration` for every operation, `gen_ai.client.token.usage`), `both` (both sets, for a migration window); see [migration.md](migration.md). Another value fails at start naming the setting',
  },
  {
    option: 'otlp',
    env: ['AGENTMETER_OTLP_ENDPOINT', 'AGENTMETER_OTLP_INTERVAL'],
    default: 'off',
    doc: "also push OTLP/HTTP metrics: `{ endpoint: 'http://collector:4318/v1/metrics', intervalMillis: 15000, headers }`; on SIGTERM the preload flushes before exit",
  },
  {
    option: 'aggregate',
    env: ['AGENTMETER_AGGREGATE'],
    default: '`true`',
    doc: 'one /metrics for the process tree: the process holding the port serves cluster workers, PM2 instances, `fork()`ed children and worker threads merged ([multiprocess.md](multiprocess.md)); `false`: each process serves only its own. Off with port 0',
  },
  {
    option: 'aggregateTimeoutMillis',
    env: ['AGENTMETER_AGGREGATE_TIMEOUT'],
    default: '`2000`',
    doc: 'longest an aggregated scrape waits for the other processes; a late one contributes its previous values and is counted in `agentmeter_aggregation_timeouts_total`',
  },
  {
    option: 'eventLoopDelayResolutionMillis',
    env: ['AGENTMETER_EVENT_LOOP_DELAY_RESOLUTION'],
    default: '`20`',
    doc: 'interval (ms) of the event-loop delay sampler behind `nodejs.eventloop.delay.*`: a block shorter than it may go unseen; each tick wakes an idle process ([runtime.md](runtime.md))',
  },
  {
    option: 'gcDuration',
    env: ['AGENTMETER_GC_DURATION'],
    default: '`true`',
    doc: '`false`: no `v8js.gc.duration` (the runtime metrics\' GC observer, whose every GC entry costs ~90 µs of CPU inside Node; [runtime.md](runtime.md)); the overview dashboard\'s GC panel is then empty',
  },
  { option: 'env', default: '`process.env`', doc: 'the environment to read (tests)' },
] as const satisfies readonly Setting[];

/** Every environment variable agentmeter reads (the CLI help). */
export const SETTING_ENV_VARS: readonly string[] = SETTINGS.flatMap((s) => ('env' in s ? [...s.env] : []));

// ------------------------------------------------------------------ parsers

/** Reads one setting from the option (wins) or the environment, naming whichever it came from. */
export class SettingsReader {
  constructor(
    private readonly options: Record<string, unknown>,
    private readonly env: Record<string, string | undefined>,
  ) {}

  /** The raw environment value (undefined when unset or empty). */
  envValue(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === '' ? undefined : v;
  }

  /** Where a value of this setting came from: the option name or its (first) variable. */
  source(option: string, envName?: string): string {
    return this.options[option] !== undefined || !envName ? option : envName;
  }

  bool(option: string, envName: string | undefined, dflt: boolean): boolean {
    const o = this.options[option];
    if (o !== undefined) {
      if (typeof o !== 'boolean') throw new ConfigError(option, `expected true or false, got ${JSON.stringify(o)}`);
      return o;
    }
    const v = envName === undefined ? undefined : this.envValue(envName);
    return v === undefined ? dflt : parseBool(v, envName as string);
  }

  integer(option: string, envName: string | undefined, dflt: number | undefined, min: number, max: number): number | undefined {
    const o = this.options[option];
    if (o !== undefined) {
      if (typeof o !== 'number' || !Number.isInteger(o) || o < min || o > max) throw new ConfigError(option, `expected an integer between ${min} and ${max}, got ${JSON.stringify(o)}`);
      return o;
    }
    const v = envName === undefined ? undefined : this.envValue(envName);
    return v === undefined ? dflt : parseInteger(v, envName as string, min, max);
  }

  string(option: string, envName: string | undefined): string | undefined {
    const o = this.options[option];
    if (o !== undefined) {
      if (typeof o !== 'string') throw new ConfigError(option, `expected a string, got ${typeof o}`);
      return o;
    }
    return envName === undefined ? undefined : this.envValue(envName);
  }
}

export function parseBool(v: string, name: string): boolean {
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  throw new ConfigError(name, `expected true or false, got ${JSON.stringify(v)}`);
}

export function parseInteger(v: string, name: string, min: number, max: number): number {
  if (!/^\s*\d+\s*$/.test(v)) throw new ConfigError(name, `expected an integer between ${min} and ${max}, got ${JSON.stringify(v)}`);
  const n = Number(v);
  if (n < min || n > max) throw new ConfigError(name, `expected an integer between ${min} and ${max}, got ${n}`);
  return n;
}
