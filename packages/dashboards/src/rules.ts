import {
  ATTR_CACHE_NAME,
  ATTR_CACHE_OPERATION,
  ATTR_CACHE_RESULT,
  ATTR_DB_CLIENT_CONNECTION_POOL_NAME,
  ATTR_DB_CLIENT_CONNECTION_STATE,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  CACHE_OPERATION_VALUES,
  CACHE_RESULT_VALUES,
  CIRCUIT_BREAKER_STATE_VALUES,
  ERROR_TYPE_VALUES,
  GEN_AI_OPERATION_NAME_VALUES as OP,
  METRIC_CACHE_OPERATIONS,
  METRIC_DB_CLIENT_CONNECTION_COUNT,
  METRIC_DB_CLIENT_CONNECTION_MAX,
  METRIC_DB_CLIENT_CONNECTION_PENDING_REQUESTS,
  METRIC_DB_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_COST,
  METRIC_GEN_AI_CLIENT_COST_UNPRICED_CALLS,
  METRIC_GEN_AI_CLIENT_INFERENCE_DURATION,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_GEN_AI_PROVIDER_CIRCUIT_BREAKER_STATE,
  METRIC_GEN_AI_PROVIDER_HEALTH,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
  METRIC_NODEJS_EVENTLOOP_DELAY_P99,
  METRIC_PROCESS_CPU_UTILIZATION,
  METRIC_PROCESS_MEMORY_USAGE,
  PROVIDER_HEALTH_VALUES,
  ATTR_MCP_METHOD_NAME,
  METRIC_MCP_CLIENT_OPERATION_DURATION,
} from '@agentmeter/semconv';
import { bucket, count, label as l, prom, sum } from './names';

/** A Prometheus recording rule. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}
/** A Prometheus alerting rule. */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}
export interface RuleGroup<R> {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly R[];
}
/** The shape of a Prometheus rule file. */
export interface RuleFile<R = RecordingRule | AlertingRule> {
  readonly groups: readonly RuleGroup<R>[];
}

/** Alert thresholds; every one has a default taken from the seed guides. */
export interface AlertThresholds {
  /** Share of GenAI calls failing over 5 m (default 0.05). */
  readonly llmErrorRatio: number;
  /** Rate-limited GenAI calls per second, per provider (default 0.1). */
  readonly llmRateLimitedPerSecond: number;
  /** p95 of GenAI inference calls, seconds, per provider and model (default 10). */
  readonly llmLatencyP95Seconds: number;
  /** GenAI spend in USD per hour at the last hour's rate (default 10). */
  readonly costUsdPerHour: number;
  /** Share of tool executions failing over 10 m (default 0.1). */
  readonly toolErrorRatio: number;
  /** Share of MCP tools/call operations failing (JSON-RPC error or tool_error) over 10 m, per tool (default 0.1). */
  readonly mcpToolErrorRatio: number;
  /** p95 of HTTP server requests, seconds (default 2). */
  readonly httpLatencyP95Seconds: number;
  /** Share of HTTP responses with a 5xx status (default 0.05). */
  readonly httpErrorRatio: number;
  /** Windowed cache hit ratio below which to warn (default 0.5). */
  readonly cacheHitRatio: number;
  /** Resident memory, bytes (default 1 GiB). */
  readonly memoryBytes: number;
  /** Event loop delay p99, seconds (default 0.5). */
  readonly eventLoopDelayP99Seconds: number;
  /** Process CPU utilization, all modes, 1 = every core (default 0.9). */
  readonly cpuUtilization: number;
  /** Used / max connections of a DB pool (default 0.9). */
  readonly dbPoolUsageRatio: number;
  /** p95 of database operations, seconds (default 0.5). */
  readonly dbLatencyP95Seconds: number;
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = Object.freeze({
  llmErrorRatio: 0.05,
  llmRateLimitedPerSecond: 0.1,
  llmLatencyP95Seconds: 10,
  costUsdPerHour: 10,
  toolErrorRatio: 0.1,
  mcpToolErrorRatio: 0.1,
  httpLatencyP95Seconds: 2,
  httpErrorRatio: 0.05,
  cacheHitRatio: 0.5,
  memoryBytes: 1024 ** 3,
  eventLoopDelayP99Seconds: 0.5,
  cpuUtilization: 0.9,
  dbPoolUsageRatio: 0.9,
  dbLatencyP95Seconds: 0.5,
});

const by = (...attrs: string[]) => ['job', ...attrs.map(l)].join(', ');
const INFERENCE = `${l(ATTR_GEN_AI_OPERATION_NAME)}=~"${[OP.CHAT, OP.TEXT_COMPLETION, OP.GENERATE_CONTENT, OP.EMBEDDINGS].join('|')}"`;

/**
 * Which GenAI metric names the dashboard and rules query: `current`
 * (semantic-conventions-genai v0.1.0, agentmeter's default) or `legacy` (the v1.41 names an
 * app emits with AGENTMETER_GENAI_METRICS=legacy). Apps on `both` can use either.
 */
export type GenAiNames = 'current' | 'legacy';
/** Options of the dashboard and rule builders. */
export interface GenAiNamesOptions {
  /** Default `current`. */
  readonly genAiMetrics?: GenAiNames;
}

/** Recording-rule names over the v1.41 GenAI names (the `legacy` rule files). */
export const RECORDED_LEGACY = Object.freeze({
  llmCalls: 'job_provider_model:gen_ai_client_operations:rate5m',
  llmErrors: 'job_provider_model:gen_ai_client_operation_errors:rate5m',
  llmErrorRatio: 'job:gen_ai_client_operation_errors:ratio_rate5m',
  llmRateLimited: 'job_provider:gen_ai_client_rate_limited:rate5m',
  llmLatencyP95: 'job_provider_model:gen_ai_client_operation_duration_seconds:p95_5m',
  tokens: 'job_model_type:gen_ai_client_token_usage:rate5m',
});

/** Names of the recording rules (level:metric:operations), for queries and alerts (current GenAI names). */
export const RECORDED = Object.freeze({
  llmCalls: 'job_provider_model:gen_ai_client_inference_operations:rate5m',
  llmErrors: 'job_provider_model:gen_ai_client_inference_errors:rate5m',
  llmErrorRatio: 'job:gen_ai_client_inference_errors:ratio_rate5m',
  llmRateLimited: 'job_provider:gen_ai_client_inference_rate_limited:rate5m',
  llmLatencyP95: 'job_provider_model:gen_ai_client_inference_duration_seconds:p95_5m',
  inputTokens: 'job_provider_model:gen_ai_client_inference_usage_input_tokens:rate5m',
  outputTokens: 'job_provider_model:gen_ai_client_inference_usage_output_tokens:rate5m',
  cacheReadTokens: 'job_provider_model:gen_ai_client_inference_usage_cache_read_input_tokens:rate5m',
  reasoningTokens: 'job_provider_model:gen_ai_client_inference_usage_reasoning_output_tokens:rate5m',
  promptCacheHitRatio: 'job_provider_model:gen_ai_client_inference_prompt_cache_hit:ratio_rate5m',
  reasoningShare: 'job_provider_model:gen_ai_client_inference_reasoning_output:ratio_rate5m',
  costPerSecond: 'job_provider_model:gen_ai_client_cost_usd:rate1h',
  toolErrorRatio: 'job_tool:gen_ai_execute_tool_errors:ratio_rate10m',
  httpRequests: 'job:http_server_requests:rate5m',
  httpErrorRatio: 'job:http_server_request_5xx:ratio_rate5m',
  httpLatencyP95: 'job:http_server_request_duration_seconds:p95_5m',
  cacheHitRatio: 'job_cache:cache_hits:ratio_rate5m',
  dbPoolUsage: 'job_instance_pool:db_client_connection_usage:ratio',
  dbLatencyP95: 'job:db_client_operation_duration_seconds:p95_5m',
});

/** The GenAI recording rules of one name set. */
function genAiRecordingRules(names: GenAiNames): RecordingRule[] {
  const err = l(ATTR_ERROR_TYPE);
  const pm = by(ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL);
  if (names === 'legacy') {
    const R = RECORDED_LEGACY;
    const opCount = count(METRIC_GEN_AI_CLIENT_OPERATION_DURATION);
    return [
      { record: R.llmCalls, expr: `sum by (${pm}) (rate(${opCount}{${INFERENCE}}[5m]))` },
      { record: R.llmErrors, expr: `sum by (${by(ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL, ATTR_ERROR_TYPE)}) (rate(${opCount}{${INFERENCE},${err}!=""}[5m]))` },
      { record: R.llmErrorRatio, expr: `(sum by (job) (${R.llmErrors}) or sum by (job) (${R.llmCalls}) * 0) / sum by (job) (${R.llmCalls})` },
      { record: R.llmRateLimited, expr: `sum by (${by(ATTR_GEN_AI_PROVIDER_NAME)}) (rate(${opCount}{${err}="${ERROR_TYPE_VALUES.RATE_LIMIT}"}[5m]))` },
      {
        record: R.llmLatencyP95,
        expr: `histogram_quantile(0.95, sum by (${pm}, le) (rate(${bucket(METRIC_GEN_AI_CLIENT_OPERATION_DURATION)}{${INFERENCE}}[5m])))`,
      },
      { record: R.tokens, expr: `sum by (${by(ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_TOKEN_TYPE)}) (rate(${sum(METRIC_GEN_AI_CLIENT_TOKEN_USAGE)}[5m]))` },
    ];
  }
  const R = RECORDED;
  const calls = count(METRIC_GEN_AI_CLIENT_INFERENCE_DURATION);
  const rate = (metric: string) => `sum by (${pm}) (rate(${prom(metric)}[5m]))`;
  return [
    { record: R.llmCalls, expr: `sum by (${pm}) (rate(${calls}[5m]))` },
    { record: R.llmErrors, expr: `sum by (${by(ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL, ATTR_ERROR_TYPE)}) (rate(${calls}{${err}!=""}[5m]))` },
    { record: R.llmErrorRatio, expr: `(sum by (job) (${R.llmErrors}) or sum by (job) (${R.llmCalls}) * 0) / sum by (job) (${R.llmCalls})` },
    { record: R.llmRateLimited, expr: `sum by (${by(ATTR_GEN_AI_PROVIDER_NAME)}) (rate(${calls}{${err}="${ERROR_TYPE_VALUES.RATE_LIMIT}"}[5m]))` },
    { record: R.llmLatencyP95, expr: `histogram_quantile(0.95, sum by (${pm}, le) (rate(${bucket(METRIC_GEN_AI_CLIENT_INFERENCE_DURATION)}[5m])))` },
    { record: R.inputTokens, expr: rate(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS) },
    { record: R.outputTokens, expr: rate(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS) },
    { record: R.cacheReadTokens, expr: rate(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS) },
    { record: R.reasoningTokens, expr: rate(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS) },
    // a model that reports no cached / reasoning tokens has ratio 0, not no series
    { record: R.promptCacheHitRatio, expr: `(${R.cacheReadTokens} or ${R.inputTokens} * 0) / ${R.inputTokens}` },
    { record: R.reasoningShare, expr: `(${R.reasoningTokens} or ${R.outputTokens} * 0) / ${R.outputTokens}` },
  ];
}

/** Recording rules: the expensive or repeated expressions behind the alerts (`legacy`: over the v1.41 GenAI names). */
export function buildRecordingRules(options: GenAiNamesOptions = {}): RuleFile<RecordingRule> {
  const err = l(ATTR_ERROR_TYPE);
  const httpCount = count(METRIC_HTTP_SERVER_REQUEST_DURATION);
  const cacheOps = prom(METRIC_CACHE_OPERATIONS);
  const get = `${l(ATTR_CACHE_OPERATION)}="${CACHE_OPERATION_VALUES.GET}"`;
  const pool = by(ATTR_DB_CLIENT_CONNECTION_POOL_NAME).replace('job', 'job, instance');
  const rules: RecordingRule[] = [
    ...genAiRecordingRules(options.genAiMetrics ?? 'current'),
    { record: RECORDED.costPerSecond, expr: `sum by (${by(ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL)}) (rate(${sum(METRIC_GEN_AI_CLIENT_COST)}[1h]))` },
    {
      record: RECORDED.toolErrorRatio,
      expr: `sum by (${by(ATTR_GEN_AI_TOOL_NAME)}) (rate(${count(METRIC_GEN_AI_EXECUTE_TOOL_DURATION)}{${err}!=""}[10m])) / sum by (${by(ATTR_GEN_AI_TOOL_NAME)}) (rate(${count(METRIC_GEN_AI_EXECUTE_TOOL_DURATION)}[10m]))`,
    },
    { record: RECORDED.httpRequests, expr: `sum by (job) (rate(${httpCount}[5m]))` },
    { record: RECORDED.httpErrorRatio, expr: `sum by (job) (rate(${httpCount}{${l(ATTR_HTTP_RESPONSE_STATUS_CODE)}=~"5.."}[5m])) / sum by (job) (rate(${httpCount}[5m]))` },
    { record: RECORDED.httpLatencyP95, expr: `histogram_quantile(0.95, sum by (job, le) (rate(${bucket(METRIC_HTTP_SERVER_REQUEST_DURATION)}[5m])))` },
    {
      record: RECORDED.cacheHitRatio,
      expr: `sum by (${by(ATTR_CACHE_NAME)}) (rate(${cacheOps}{${get},${l(ATTR_CACHE_RESULT)}="${CACHE_RESULT_VALUES.HIT}"}[5m])) / sum by (${by(ATTR_CACHE_NAME)}) (rate(${cacheOps}{${get}}[5m]))`,
    },
    {
      record: RECORDED.dbPoolUsage,
      expr: `sum by (${pool}) (${prom(METRIC_DB_CLIENT_CONNECTION_COUNT)}{${l(ATTR_DB_CLIENT_CONNECTION_STATE)}="used"}) / max by (${pool}) (${prom(METRIC_DB_CLIENT_CONNECTION_MAX)})`,
    },
    { record: RECORDED.dbLatencyP95, expr: `histogram_quantile(0.95, sum by (job, le) (rate(${bucket(METRIC_DB_CLIENT_OPERATION_DURATION)}[5m])))` },
  ];
  return { groups: [{ name: 'agentmeter.recording', interval: '30s', rules }] };
}

/** Alerting rules answering the seed guides' alerts, over the recording rules above (`legacy`: the legacy recording rules). */
export function buildAlertRules(thresholds: Partial<AlertThresholds> = {}, options: GenAiNamesOptions = {}): RuleFile<AlertingRule> {
  const t: AlertThresholds = { ...DEFAULT_ALERT_THRESHOLDS, ...thresholds };
  const G = options.genAiMetrics === 'legacy' ? RECORDED_LEGACY : RECORDED;
  const sev = (severity: 'critical' | 'warning' | 'info') => ({ severity });
  const genai: AlertingRule[] = [
    {
      alert: 'LlmHighErrorRate',
      expr: `${G.llmErrorRatio} > ${t.llmErrorRatio}`,
      for: '5m',
      labels: sev('warning'),
      annotations: { summary: 'High LLM error rate in {{ $labels.job }}', description: '{{ $value | humanizePercentage }} of GenAI calls failed over the last 5 minutes.' },
    },
    {
      alert: 'LlmRateLimited',
      expr: `${G.llmRateLimited} > ${t.llmRateLimitedPerSecond}`,
      for: '2m',
      labels: sev('critical'),
      annotations: { summary: '{{ $labels.gen_ai_provider_name }} is rate limiting {{ $labels.job }}', description: '{{ $value | humanize }} rate-limited calls per second.' },
    },
    {
      alert: 'LlmHighLatency',
      expr: `${G.llmLatencyP95} > ${t.llmLatencyP95Seconds}`,
      for: '5m',
      labels: sev('warning'),
      annotations: {
        summary: 'Slow {{ $labels.gen_ai_provider_name }} {{ $labels.gen_ai_request_model }} calls in {{ $labels.job }}',
        description: 'p95 GenAI call duration is {{ $value | humanizeDuration }}.',
      },
    },
    {
      alert: 'LlmCostBudgetBurn',
      expr: `sum by (job) (${RECORDED.costPerSecond}) * 3600 > ${t.costUsdPerHour}`,
      for: '15m',
      labels: sev('warning'),
      annotations: { summary: 'GenAI spend of {{ $labels.job }} is above budget', description: 'Spending ${{ $value | printf "%.2f" }} per hour (budget ' + `$${t.costUsdPerHour}).` },
    },
    {
      alert: 'LlmUnpricedCalls',
      expr: `sum by (${by(ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL)}) (rate(${prom(METRIC_GEN_AI_CLIENT_COST_UNPRICED_CALLS)}[15m])) > 0`,
      for: '15m',
      labels: sev('info'),
      annotations: { summary: 'Model {{ $labels.gen_ai_request_model }} has no price', description: 'Calls to it are missing from the cost metrics: add it to the price table (prices option).' },
    },
    {
      alert: 'ProviderUnhealthy',
      expr: `${prom(METRIC_GEN_AI_PROVIDER_HEALTH)} == ${PROVIDER_HEALTH_VALUES.UNHEALTHY}`,
      for: '5m',
      labels: sev('critical'),
      annotations: { summary: 'Provider {{ $labels.gen_ai_provider_name }} is unhealthy', description: '{{ $labels.instance }} reports {{ $labels.gen_ai_provider_name }} unhealthy.' },
    },
    {
      alert: 'CircuitBreakerOpen',
      expr: `${prom(METRIC_GEN_AI_PROVIDER_CIRCUIT_BREAKER_STATE)} == ${CIRCUIT_BREAKER_STATE_VALUES.OPEN}`,
      for: '1m',
      labels: sev('warning'),
      annotations: { summary: 'Circuit breaker for {{ $labels.gen_ai_provider_name }} is open', description: 'Calls to {{ $labels.gen_ai_provider_name }} from {{ $labels.instance }} are short-circuited.' },
    },
    {
      alert: 'ToolHighErrorRate',
      expr: `${RECORDED.toolErrorRatio} > ${t.toolErrorRatio}`,
      for: '10m',
      labels: sev('warning'),
      annotations: { summary: 'Tool {{ $labels.gen_ai_tool_name }} is failing', description: '{{ $value | humanizePercentage }} of its executions failed over 10 minutes.' },
    },
    {
      alert: 'McpToolErrors',
      expr: ((calls: string, tools: string) =>
        `sum by (${by(ATTR_GEN_AI_TOOL_NAME)}) (rate(${calls}{${tools},${l(ATTR_ERROR_TYPE)}!=""}[10m])) / sum by (${by(ATTR_GEN_AI_TOOL_NAME)}) (rate(${calls}{${tools}}[10m])) > ${t.mcpToolErrorRatio}`)(
        count(METRIC_MCP_CLIENT_OPERATION_DURATION),
        `${l(ATTR_MCP_METHOD_NAME)}="tools/call"`,
      ),
      for: '10m',
      labels: sev('warning'),
      annotations: { summary: 'MCP tool {{ $labels.gen_ai_tool_name }} is failing', description: '{{ $value | humanizePercentage }} of its MCP tools/call operations failed over 10 minutes.' },
    },
    {
      alert: 'LowCacheHitRatio',
      expr: `${RECORDED.cacheHitRatio} < ${t.cacheHitRatio}`,
      for: '10m',
      labels: sev('info'),
      annotations: { summary: 'Cache {{ $labels.cache_name }} hit ratio is low', description: 'Hit ratio {{ $value | humanizePercentage }} over 5 minutes.' },
    },
  ];
  const service: AlertingRule[] = [
    {
      alert: 'TargetDown',
      expr: 'up == 0',
      for: '2m',
      labels: sev('critical'),
      annotations: { summary: '{{ $labels.job }} target {{ $labels.instance }} is down', description: 'Prometheus cannot scrape {{ $labels.instance }}.' },
    },
    {
      alert: 'HttpHighErrorRate',
      expr: `${RECORDED.httpErrorRatio} > ${t.httpErrorRatio}`,
      for: '5m',
      labels: sev('warning'),
      annotations: { summary: 'High HTTP 5xx ratio in {{ $labels.job }}', description: '{{ $value | humanizePercentage }} of responses are 5xx.' },
    },
    {
      alert: 'HttpHighLatency',
      expr: `${RECORDED.httpLatencyP95} > ${t.httpLatencyP95Seconds}`,
      for: '5m',
      labels: sev('warning'),
      annotations: { summary: 'Slow HTTP responses in {{ $labels.job }}', description: 'p95 response time is {{ $value | humanizeDuration }}.' },
    },
    {
      alert: 'DbPoolSaturated',
      expr: `${RECORDED.dbPoolUsage} > ${t.dbPoolUsageRatio}`,
      for: '5m',
      labels: sev('warning'),
      annotations: { summary: 'Database pool {{ $labels.db_client_connection_pool_name }} nearly exhausted', description: '{{ $value | humanizePercentage }} of connections in use on {{ $labels.instance }}.' },
    },
    {
      alert: 'DbPendingConnections',
      expr: `sum by (${by(ATTR_DB_CLIENT_CONNECTION_POOL_NAME).replace('job', 'job, instance')}) (${prom(METRIC_DB_CLIENT_CONNECTION_PENDING_REQUESTS)}) > 0`,
      for: '5m',
      labels: sev('warning'),
      annotations: { summary: 'Requests wait for database connections on {{ $labels.instance }}', description: '{{ $value }} requests waiting for a connection of {{ $labels.db_client_connection_pool_name }}.' },
    },
    {
      alert: 'DbSlowQueries',
      expr: `${RECORDED.dbLatencyP95} > ${t.dbLatencyP95Seconds}`,
      for: '10m',
      labels: sev('warning'),
      annotations: { summary: 'Slow database queries in {{ $labels.job }}', description: 'p95 query time is {{ $value | humanizeDuration }}.' },
    },
    {
      alert: 'HighMemoryUsage',
      expr: `${prom(METRIC_PROCESS_MEMORY_USAGE)} > ${t.memoryBytes}`,
      for: '10m',
      labels: sev('warning'),
      annotations: { summary: 'High memory use on {{ $labels.instance }}', description: 'Resident memory is {{ $value | humanize1024 }}B.' },
    },
    {
      alert: 'HighEventLoopDelay',
      expr: `${prom(METRIC_NODEJS_EVENTLOOP_DELAY_P99)} > ${t.eventLoopDelayP99Seconds}`,
      for: '5m',
      labels: sev('warning'),
      annotations: { summary: 'Event loop blocked on {{ $labels.instance }}', description: 'Event loop delay p99 is {{ $value | humanizeDuration }}.' },
    },
    {
      alert: 'HighCpuUsage',
      expr: `sum by (job, instance) (${prom(METRIC_PROCESS_CPU_UTILIZATION)}) > ${t.cpuUtilization}`,
      for: '10m',
      labels: sev('warning'),
      annotations: { summary: 'High CPU use on {{ $labels.instance }}', description: 'CPU utilization is {{ $value | humanizePercentage }}.' },
    },
  ];
  return {
    groups: [
      { name: 'agentmeter.genai', rules: genai },
      { name: 'agentmeter.service', rules: service },
    ],
  };
}

// ---------------------------------------------------------------- YAML
const PLAIN = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$/;
function scalar(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = String(v);
  if (PLAIN.test(s) && !/^(true|false|null|yes|no|on|off|~|\d[\d.e+-]*)$/i.test(s)) return s;
  return `'${s.replace(/'/g, "''")}'`;
}
function emit(v: unknown, indent: string, lines: string[], prefix: string): void {
  if (Array.isArray(v)) {
    if (v.length === 0) {
      lines.push(`${prefix}[]`);
      return;
    }
    if (prefix.trim()) lines.push(prefix.trimEnd());
    for (const item of v) emit(item, indent + '  ', lines, `${indent}- `);
  } else if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    let first = true;
    if (prefix.trim() && !prefix.endsWith('- ')) lines.push(prefix.trimEnd());
    const childIndent = prefix.endsWith('- ') ? indent : indent;
    for (const [k, x] of entries) {
      const p = first && prefix.endsWith('- ') ? `${prefix}${scalar(k)}: ` : `${childIndent}${scalar(k)}: `;
      first = false;
      if (x !== null && typeof x === 'object') emit(x, childIndent + '  ', lines, p);
      else lines.push(p + scalar(x));
    }
  } else lines.push(prefix + scalar(v));
}

/** Serialises a rule file (or any plain object of strings, numbers, arrays) as YAML. */
export function toYaml(value: unknown, header = ''): string {
  const lines: string[] = [];
  emit(value, '', lines, '');
  return (header ? header.replace(/^/gm, '# ') + '\n' : '') + lines.join('\n') + '\n';
}
