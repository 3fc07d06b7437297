import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import {
  ATTR_CACHE_NAME,
  ATTR_CACHE_OPERATION,
  ATTR_CACHE_RESULT,
  ATTR_DB_CLIENT_CONNECTION_POOL_NAME,
  ATTR_DB_CLIENT_CONNECTION_STATE,
  ATTR_DB_OPERATION_NAME,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_CPU_MODE,
  ATTR_SERVER_ADDRESS,
  ATTR_V8JS_GC_TYPE,
  ATTR_WEBSOCKET_MESSAGE_DIRECTION,
  ERROR_TYPE_VALUES,
  GEN_AI_OPERATION_NAME_VALUES as OP,
  METRIC_CACHE_HIT_RATIO,
  METRIC_CACHE_OPERATIONS,
  METRIC_CACHE_SIZE,
  METRIC_DB_CLIENT_CONNECTION_COUNT,
  METRIC_DB_CLIENT_CONNECTION_MAX,
  METRIC_DB_CLIENT_CONNECTION_PENDING_REQUESTS,
  METRIC_DB_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_COST,
  METRIC_GEN_AI_CLIENT_COST_UNPRICED_CALLS,
  METRIC_GEN_AI_CLIENT_EMBEDDINGS_DURATION,
  METRIC_GEN_AI_CLIENT_INFERENCE_DURATION,
  METRIC_GEN_AI_CLIENT_INFERENCE_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_GEN_AI_INVOKE_AGENT_DURATION,
  METRIC_GEN_AI_INVOKE_AGENT_INFERENCE_CALLS,
  METRIC_GEN_AI_INVOKE_AGENT_TOOL_CALLS,
  METRIC_GEN_AI_PROVIDER_CIRCUIT_BREAKER_STATE,
  METRIC_GEN_AI_PROVIDER_HEALTH,
  METRIC_HTTP_CLIENT_REQUEST_DURATION,
  METRIC_HTTP_SERVER_ACTIVE_REQUESTS,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
  METRIC_NODEJS_EVENTLOOP_DELAY_P99,
  METRIC_PROCESS_CPU_UTILIZATION,
  METRIC_PROCESS_MEMORY_USAGE,
  METRIC_PROCESS_UPTIME,
  METRIC_V8JS_GC_DURATION,
  METRIC_V8JS_MEMORY_HEAP_USED,
  METRIC_WEBSOCKET_SERVER_ACTIVE_CONNECTIONS,
  METRIC_WEBSOCKET_SERVER_CONNECTION_DURATION,
  METRIC_WEBSOCKET_SERVER_MESSAGES,
  CACHE_OPERATION_VALUES,
  CACHE_RESULT_VALUES,
  ATTR_MCP_METHOD_NAME,
  METRIC_MCP_CLIENT_OPERATION_DURATION,
  METRIC_MCP_SERVER_OPERATION_DURATION,
  METRIC_MCP_CLIENT_SESSION_DURATION,
  METRIC_MCP_SERVER_SESSION_DURATION,
} from '@agentmeter/semconv';
import { bucket, count, label as l, prom, sum } from './names';
import type { GenAiNamesOptions } from './rules';

/** UID of the generated overview dashboard. */
export const OVERVIEW_DASHBOARD_UID = 'agentmeter-ai-overview';
/** UID of the overview dashboard over the legacy (v1.41) GenAI names. */
export const OVERVIEW_DASHBOARD_LEGACY_UID = 'agentmeter-ai-overview-legacy';

/** One PromQL query of a panel: what the e2e test evaluates against a real Prometheus. */
export interface PanelQuery {
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
  readonly legend: string;
}

const DS: common.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };
/** Selector every panel query carries: the dashboard's job and instance variables. */
const SEL = 'job=~"$job",instance=~"$instance"';
const W = '$__rate_interval';
const by = (...attrs: string[]) => attrs.map(l).join(', ');
const GENAI_INFERENCE = [OP.CHAT, OP.TEXT_COMPLETION, OP.GENERATE_CONTENT, OP.EMBEDDINGS].join('|');
const SPEECH = [OP.TEXT_TO_SPEECH, OP.SPEECH_TO_TEXT].join('|');

function target(expr: string, legend: string, refId: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().expr(expr).legendFormat(legend).refId(refId).range().datasource(DS);
}

type Q = [expr: string, legend: string];

function ts(title: string, description: string, unit: string, queries: Q[], width = 8): timeseries.PanelBuilder {
  const p = new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DS)
    .unit(unit)
    .span(width)
    .height(8)
    .lineWidth(1)
    .fillOpacity(10)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  queries.forEach(([expr, legend], i) => p.withTarget(target(expr, legend, String.fromCharCode(65 + i))));
  return p;
}

function st(title: string, description: string, unit: string, queries: Q[], width = 4, mappings: dashboard.ValueMapping[] = [], steps?: dashboard.Threshold[]): stat.PanelBuilder {
  const p = new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DS)
    .unit(unit)
    .span(width)
    .height(4)
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  if (mappings.length) p.mappings(mappings);
  if (steps) p.thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps));
  queries.forEach(([expr, legend], i) => p.withTarget(target(expr, legend, String.fromCharCode(65 + i))));
  return p;
}

const quantiles = (metric: string, groupBy: string, extra = ''): Q[] =>
  [0.5, 0.95, 0.99].map((q) => [
    `histogram_quantile(${q}, sum by (${groupBy}, le) (rate(${metric}{${SEL}${extra}}[${W}])))`,
    `p${Math.round(q * 100)} ${groupBy
      .split(', ')
      .map((g) => `{{${g}}}`)
      .join(' ')}`,
  ]);

const step = (color: string, value: number | null): dashboard.Threshold => ({ color, value });

/**
 * Builds the "AI application overview" dashboard over the catalogue's Prometheus names:
 * the current GenAI names by default, or `{ genAiMetrics: 'legacy' }` for apps that emit the
 * v1.41 names (AGENTMETER_GENAI_METRICS=legacy).
 */
export function buildOverviewDashboard(options: GenAiNamesOptions = {}): dashboard.Dashboard {
  const legacy = options.genAiMetrics === 'legacy';
  const opDur = METRIC_GEN_AI_CLIENT_OPERATION_DURATION;
  const provModel = by(ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL);
  const inference = `,${l(ATTR_GEN_AI_OPERATION_NAME)}=~"${GENAI_INFERENCE}"`;
  const err = l(ATTR_ERROR_TYPE);
  const status = l(ATTR_HTTP_RESPONSE_STATUS_CODE);

  const b = new dashboard.DashboardBuilder(legacy ? 'AI application overview (legacy GenAI names)' : 'AI application overview')
    .uid(legacy ? OVERVIEW_DASHBOARD_LEGACY_UID : OVERVIEW_DASHBOARD_UID)
    .description('agentmeter: LLM calls, tokens, cost, tools, agents, caches, providers, HTTP, WebSocket, Postgres and the Node.js runtime, from the metric catalogue names.')
    .tags(['agentmeter', 'genai', 'opentelemetry'])
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .withVariable(new dashboard.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    .withVariable(
      new dashboard.QueryVariableBuilder('job')
        .label('Job')
        .datasource(DS)
        .query(`label_values(target_info, job)`)
        .definition(`label_values(target_info, job)`)
        .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    )
    .withVariable(
      new dashboard.QueryVariableBuilder('instance')
        .label('Instance')
        .datasource(DS)
        .query(`label_values(target_info{job=~"$job"}, instance)`)
        .definition(`label_values(target_info{job=~"$job"}, instance)`)
        .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    );

  // ---------------------------------------------------------------- LLM
  b.withRow(new dashboard.RowBuilder('LLM calls'));
  if (legacy) {
    b.withPanel(
      ts('LLM requests / s by provider and model', 'Completed GenAI inference calls (chat, completions, generate_content, embeddings) per second; failures included.', 'reqps', [
        [`sum by (${provModel}) (rate(${count(opDur)}{${SEL}${inference}}[${W}]))`, '{{gen_ai_provider_name}} {{gen_ai_request_model}}'],
      ]),
    );
    b.withPanel(ts('LLM latency p50 / p95 / p99', 'gen_ai.client.operation.duration quantiles by provider and model.', 's', quantiles(bucket(opDur), provModel, inference)));
    b.withPanel(
      ts('LLM error ratio by error type', 'Share of GenAI calls that failed, by error.type (rate_limit, timeout, server_error, ...).', 'percentunit', [
        [
          `sum by (${err}) (rate(${count(opDur)}{${SEL},${err}!=""}[${W}])) / scalar(sum(rate(${count(opDur)}{${SEL}}[${W}])))`,
          '{{error_type}}',
        ],
      ]),
    );
    b.withPanel(
      ts('Tokens / s by type and model', 'gen_ai.client.token.usage summed per second, input and output.', 'short', [
        [`sum by (${by(ATTR_GEN_AI_TOKEN_TYPE, ATTR_GEN_AI_REQUEST_MODEL)}) (rate(${sum(METRIC_GEN_AI_CLIENT_TOKEN_USAGE)}{${SEL}}[${W}]))`, '{{gen_ai_token_type}} {{gen_ai_request_model}}'],
      ]),
    );
  } else {
    const inf = METRIC_GEN_AI_CLIENT_INFERENCE_DURATION;
    const pmLegend = '{{gen_ai_provider_name}} {{gen_ai_request_model}}';
    const usage = (metric: string) => `sum by (${provModel}) (rate(${prom(metric)}{${SEL}}[${W}]))`;
    b.withPanel(
      ts('LLM requests / s by provider and model', 'Completed GenAI inference calls (gen_ai.client.inference.duration: chat, completions, generate_content) and embeddings calls (gen_ai.client.embeddings.duration) per second; failures included.', 'reqps', [
        [`sum by (${provModel}) (rate(${count(inf)}{${SEL}}[${W}]))`, pmLegend],
        [`sum by (${provModel}) (rate(${count(METRIC_GEN_AI_CLIENT_EMBEDDINGS_DURATION)}{${SEL}}[${W}]))`, 'embeddings {{gen_ai_provider_name}} {{gen_ai_request_model}}'],
      ]),
    );
    b.withPanel(ts('LLM latency p50 / p95 / p99', 'gen_ai.client.inference.duration quantiles by provider and model.', 's', quantiles(bucket(inf), provModel)));
    b.withPanel(
      ts('LLM error ratio by error type', 'Share of GenAI inference calls that failed, by error.type (rate_limit, timeout, server_error, ...).', 'percentunit', [
        [`sum by (${err}) (rate(${count(inf)}{${SEL},${err}!=""}[${W}])) / scalar(sum(rate(${count(inf)}{${SEL}}[${W}])))`, '{{error_type}}'],
      ]),
    );
    b.withPanel(
      ts('Tokens / s by type and model', 'gen_ai.client.inference.usage.* counters per second: input (incl. cached), output (incl. reasoning), cache read, cache write, reasoning.', 'short', [
        [usage(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS), 'input {{gen_ai_provider_name}} {{gen_ai_request_model}}'],
        [usage(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS), 'output {{gen_ai_provider_name}} {{gen_ai_request_model}}'],
        [usage(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS), 'cache read {{gen_ai_provider_name}} {{gen_ai_request_model}}'],
        [usage(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS), 'cache write {{gen_ai_provider_name}} {{gen_ai_request_model}}'],
        [usage(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS), 'reasoning {{gen_ai_provider_name}} {{gen_ai_request_model}}'],
      ]),
    );
    b.withPanel(
      ts('Prompt cache hit ratio by model', 'Share of input tokens served from the provider prompt cache: gen_ai.client.inference.usage.cache_read.input_tokens / .input_tokens. Cached tokens bill at a fraction of the input price.', 'percentunit', [
        [`${usage(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS)} / ${usage(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS)}`, pmLegend],
      ]),
    );
    b.withPanel(
      ts('Reasoning token share by model', 'Share of output tokens spent on reasoning: gen_ai.client.inference.usage.reasoning.output_tokens / .output_tokens. Reasoning tokens bill as output.', 'percentunit', [
        [`${usage(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS)} / ${usage(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS)}`, pmLegend],
      ]),
    );
  }
  b.withPanel(
    ts('Cost per hour by model (USD)', 'gen_ai.client.cost per priced call, as USD per hour at the current rate. Unpriced calls are not included: see the next panel.', 'currencyUSD', [
      [`sum by (${by(ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL)}) (rate(${sum(METRIC_GEN_AI_CLIENT_COST)}{${SEL}}[${W}])) * 3600`, '{{gen_ai_provider_name}} {{gen_ai_request_model}}'],
    ]),
  );
  b.withPanel(
    ts('Rate-limited and unpriced calls / s', 'Calls that failed with error.type=rate_limit, and calls whose model has no price (their cost is missing from the cost panels).', 'reqps', [
      [`sum by (${l(ATTR_GEN_AI_PROVIDER_NAME)}) (rate(${count(legacy ? opDur : METRIC_GEN_AI_CLIENT_INFERENCE_DURATION)}{${SEL},${err}="${ERROR_TYPE_VALUES.RATE_LIMIT}"}[${W}]))`, 'rate_limit {{gen_ai_provider_name}}'],
      [`sum by (${l(ATTR_GEN_AI_REQUEST_MODEL)}) (rate(${prom(METRIC_GEN_AI_CLIENT_COST_UNPRICED_CALLS)}{${SEL}}[${W}]))`, 'unpriced {{gen_ai_request_model}}'],
    ]),
  );
  b.withPanel(
    ts(
      'Time to first chunk p50 / p95 (streaming)',
      `${legacy ? 'gen_ai.client.operation.time_to_first_chunk' : 'gen_ai.client.inference.time_to_first_chunk'} quantiles: how long users wait for the first token.`,
      's',
      quantiles(bucket(legacy ? METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK : METRIC_GEN_AI_CLIENT_INFERENCE_TIME_TO_FIRST_CHUNK), provModel).slice(0, 2),
    ),
  );
  b.withPanel(
    ts('Speech latency p95 (text to speech, speech to text)', 'gen_ai.client.operation.duration for the speech operations.', 's', [
      [
        `histogram_quantile(0.95, sum by (${by(ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL)}, le) (rate(${bucket(opDur)}{${SEL},${l(ATTR_GEN_AI_OPERATION_NAME)}=~"${SPEECH}"}[${W}])))`,
        '{{gen_ai_operation_name}} {{gen_ai_provider_name}} {{gen_ai_request_model}}',
      ],
    ]),
  );
  b.withPanel(
    st('Spend in range (USD)', 'Priced GenAI spend over the dashboard time range.', 'currencyUSD', [[`sum(increase(${sum(METRIC_GEN_AI_CLIENT_COST)}{${SEL}}[$__range]))`, 'USD']], 8),
  );

  // ---------------------------------------------------------------- tools and agents
  const tool = METRIC_GEN_AI_EXECUTE_TOOL_DURATION;
  const agent = METRIC_GEN_AI_INVOKE_AGENT_DURATION;
  const agentName = l(ATTR_GEN_AI_AGENT_NAME);
  b.withRow(new dashboard.RowBuilder('Tools and agents'));
  b.withPanel(
    ts('Tool calls / s by tool and status', 'gen_ai.execute_tool.duration counts; status is error.type (empty = success).', 'ops', [
      [`sum by (${by(ATTR_GEN_AI_TOOL_NAME, ATTR_ERROR_TYPE)}) (rate(${count(tool)}{${SEL}}[${W}]))`, '{{gen_ai_tool_name}} {{error_type}}'],
    ]),
  );
  b.withPanel(ts('Tool duration p50 / p95 / p99', 'gen_ai.execute_tool.duration quantiles by tool.', 's', quantiles(bucket(tool), l(ATTR_GEN_AI_TOOL_NAME))));
  b.withPanel(
    ts('Agent runs / s and p95 duration', 'gen_ai.invoke_agent.duration: runs per second by agent and status, and p95 run time.', 'short', [
      [`sum by (${by(ATTR_GEN_AI_AGENT_NAME, ATTR_ERROR_TYPE)}) (rate(${count(agent)}{${SEL}}[${W}]))`, 'runs/s {{gen_ai_agent_name}} {{error_type}}'],
      [`histogram_quantile(0.95, sum by (${agentName}, le) (rate(${bucket(agent)}{${SEL}}[${W}])))`, 'p95 s {{gen_ai_agent_name}}'],
    ]),
  );
  b.withPanel(
    ts('Agent iterations per run (inference and tool calls)', 'Average reasoning steps (inference calls) and tool calls per agent run.', 'short', [
      [
        `sum by (${agentName}) (rate(${sum(METRIC_GEN_AI_INVOKE_AGENT_INFERENCE_CALLS)}{${SEL}}[${W}])) / sum by (${agentName}) (rate(${count(METRIC_GEN_AI_INVOKE_AGENT_INFERENCE_CALLS)}{${SEL}}[${W}]))`,
        'inference calls {{gen_ai_agent_name}}',
      ],
      [
        `sum by (${agentName}) (rate(${sum(METRIC_GEN_AI_INVOKE_AGENT_TOOL_CALLS)}{${SEL}}[${W}])) / sum by (${agentName}) (rate(${count(METRIC_GEN_AI_INVOKE_AGENT_TOOL_CALLS)}{${SEL}}[${W}]))`,
        'tool calls {{gen_ai_agent_name}}',
      ],
    ]),
  );

  // ---------------------------------------------------------------- MCP
  const mcpMethod = l(ATTR_MCP_METHOD_NAME);
  const mcpSides: [string, string, string][] = [
    ['client', METRIC_MCP_CLIENT_OPERATION_DURATION, METRIC_MCP_CLIENT_SESSION_DURATION],
    ['server', METRIC_MCP_SERVER_OPERATION_DURATION, METRIC_MCP_SERVER_SESSION_DURATION],
  ];
  b.withRow(new dashboard.RowBuilder('MCP'));
  b.withPanel(
    ts('MCP operations / s by method and tool', 'mcp.client/server.operation.duration counts by side, method and tool; error.type is empty on success.', 'ops', mcpSides.map(([side, op]): Q => [
      `sum by (${by(ATTR_MCP_METHOD_NAME, ATTR_GEN_AI_TOOL_NAME, ATTR_ERROR_TYPE)}) (rate(${count(op)}{${SEL}}[${W}]))`,
      `${side} {{mcp_method_name}} {{gen_ai_tool_name}} {{error_type}}`,
    ]), 6),
  );
  b.withPanel(
    ts('MCP p95 by method', 'p95 of mcp.client.operation.duration and mcp.server.operation.duration by method.', 's', mcpSides.map(([side, op]): Q => [
      `histogram_quantile(0.95, sum by (${mcpMethod}, le) (rate(${bucket(op)}{${SEL}}[${W}])))`,
      `${side} p95 {{mcp_method_name}}`,
    ]), 6),
  );
  b.withPanel(
    ts('MCP errors / s', 'Failed MCP operations: JSON-RPC error codes, and tool_error for tool results with isError.', 'ops', mcpSides.map(([side, op]): Q => [
      `sum by (${by(ATTR_MCP_METHOD_NAME, ATTR_GEN_AI_TOOL_NAME, ATTR_ERROR_TYPE)}) (rate(${count(op)}{${SEL},${err}!=""}[${W}]))`,
      `${side} {{mcp_method_name}} {{gen_ai_tool_name}} {{error_type}}`,
    ]), 6),
  );
  b.withPanel(
    ts('MCP sessions', 'Sessions ended per second and p95 session duration (mcp.client/server.session.duration).', 'short', mcpSides.flatMap(([side, , session]): Q[] => [
      [`sum(rate(${count(session)}{${SEL}}[${W}]))`, `${side} sessions ended/s`],
      [`histogram_quantile(0.95, sum by (le) (rate(${bucket(session)}{${SEL}}[${W}])))`, `${side} session p95 s`],
    ]), 6),
  );

  // ---------------------------------------------------------------- caches and providers
  const cacheOps = prom(METRIC_CACHE_OPERATIONS);
  const cacheName = l(ATTR_CACHE_NAME);
  const get = `${l(ATTR_CACHE_OPERATION)}="${CACHE_OPERATION_VALUES.GET}"`;
  b.withRow(new dashboard.RowBuilder('Caches and providers'));
  b.withPanel(
    ts('Cache hit ratio', 'Hits / gets over the window (from cache.operations), and the lifetime cache.hit_ratio gauge.', 'percentunit', [
      [
        `sum by (${cacheName}) (rate(${cacheOps}{${SEL},${get},${l(ATTR_CACHE_RESULT)}="${CACHE_RESULT_VALUES.HIT}"}[${W}])) / sum by (${cacheName}) (rate(${cacheOps}{${SEL},${get}}[${W}]))`,
        'window {{cache_name}}',
      ],
      [`max by (${cacheName}) (${prom(METRIC_CACHE_HIT_RATIO)}{${SEL}})`, 'lifetime {{cache_name}}'],
    ], 6),
  );
  b.withPanel(
    ts('Cache operations / s', 'cache.operations by operation and result.', 'ops', [
      [`sum by (${by(ATTR_CACHE_NAME, ATTR_CACHE_OPERATION, ATTR_CACHE_RESULT)}) (rate(${cacheOps}{${SEL}}[${W}]))`, '{{cache_name}} {{cache_operation}} {{cache_result}}'],
    ], 6),
  );
  b.withPanel(ts('Cache size', 'cache.size in bytes.', 'bytes', [[`sum by (${cacheName}) (${prom(METRIC_CACHE_SIZE)}{${SEL}})`, '{{cache_name}}']], 4));
  const healthMap: dashboard.ValueMapping = { type: dashboard.MappingType.ValueToText, options: { '0': { text: 'unhealthy', color: 'red' }, '1': { text: 'healthy', color: 'green' } } };
  const breakerMap: dashboard.ValueMapping = {
    type: dashboard.MappingType.ValueToText,
    options: { '0': { text: 'closed', color: 'green' }, '1': { text: 'open', color: 'red' }, '2': { text: 'half-open', color: 'orange' } },
  };
  const provider = l(ATTR_GEN_AI_PROVIDER_NAME);
  b.withPanel(st('Provider health', 'gen_ai.provider.health: 1 healthy, 0 unhealthy.', 'none', [[`min by (${provider}) (${prom(METRIC_GEN_AI_PROVIDER_HEALTH)}{${SEL}})`, '{{gen_ai_provider_name}}']], 4, [healthMap], [step('red', null), step('green', 1)]));
  b.withPanel(
    st('Circuit breakers', 'gen_ai.provider.circuit_breaker.state: 0 closed, 1 open, 2 half-open.', 'none', [[`max by (${provider}) (${prom(METRIC_GEN_AI_PROVIDER_CIRCUIT_BREAKER_STATE)}{${SEL}})`, '{{gen_ai_provider_name}}']], 4, [breakerMap], [
      step('green', null),
      step('red', 1),
      step('orange', 2),
    ]),
  );

  // ---------------------------------------------------------------- HTTP
  const httpDur = METRIC_HTTP_SERVER_REQUEST_DURATION;
  b.withRow(new dashboard.RowBuilder('HTTP'));
  b.withPanel(
    ts('HTTP requests / s by route and status', 'http.server.request.duration counts (rate, errors by status).', 'reqps', [
      [`sum by (${by(ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_ROUTE, ATTR_HTTP_RESPONSE_STATUS_CODE)}) (rate(${count(httpDur)}{${SEL}}[${W}]))`, '{{http_request_method}} {{http_route}} {{http_response_status_code}}'],
    ], 6),
  );
  const route = l(ATTR_HTTP_ROUTE);
  b.withPanel(
    ts('HTTP 5xx ratio, overall and by route', 'Share of server responses with a 5xx status, overall and per http.route (the matched route template; requests that matched no route have none).', 'percentunit', [
      [`sum(rate(${count(httpDur)}{${SEL},${status}=~"5.."}[${W}])) / sum(rate(${count(httpDur)}{${SEL}}[${W}]))`, '5xx'],
      [`sum by (${route}) (rate(${count(httpDur)}{${SEL},${status}=~"5.."}[${W}])) / sum by (${route}) (rate(${count(httpDur)}{${SEL}}[${W}]))`, '5xx {{http_route}}'],
    ], 6),
  );
  b.withPanel(ts('HTTP latency p50 / p95 / p99 by route', 'http.server.request.duration quantiles per http.route (zero-code for Express, Fastify, Koa, Hono, NestJS; setHttpRoute otherwise).', 's', quantiles(bucket(httpDur), route), 6));
  b.withPanel(
    ts('HTTP in-flight requests and outbound latency', 'http.server.active_requests, and p95 of outbound http.client.request.duration by server.', 'short', [
      [`sum(${prom(METRIC_HTTP_SERVER_ACTIVE_REQUESTS)}{${SEL}})`, 'in flight'],
      [`histogram_quantile(0.95, sum by (${l(ATTR_SERVER_ADDRESS)}, le) (rate(${bucket(METRIC_HTTP_CLIENT_REQUEST_DURATION)}{${SEL}}[${W}])))`, 'client p95 s {{server_address}}'],
    ], 6),
  );

  // ---------------------------------------------------------------- WebSocket
  b.withRow(new dashboard.RowBuilder('WebSocket'));
  b.withPanel(ts('WebSocket connections', 'websocket.server.active_connections.', 'short', [[`sum(${prom(METRIC_WEBSOCKET_SERVER_ACTIVE_CONNECTIONS)}{${SEL}})`, 'open']]));
  b.withPanel(
    ts('WebSocket messages / s', 'websocket.server.messages by direction.', 'short', [
      [`sum by (${l(ATTR_WEBSOCKET_MESSAGE_DIRECTION)}) (rate(${prom(METRIC_WEBSOCKET_SERVER_MESSAGES)}{${SEL}}[${W}]))`, '{{websocket_message_direction}}'],
    ]),
  );
  b.withPanel(
    ts('WebSocket connection duration p50 / p95', 'websocket.server.connection.duration of closed connections.', 's', [
      [`histogram_quantile(0.5, sum by (le) (rate(${bucket(METRIC_WEBSOCKET_SERVER_CONNECTION_DURATION)}{${SEL}}[${W}])))`, 'p50'],
      [`histogram_quantile(0.95, sum by (le) (rate(${bucket(METRIC_WEBSOCKET_SERVER_CONNECTION_DURATION)}{${SEL}}[${W}])))`, 'p95'],
    ]),
  );

  // ---------------------------------------------------------------- Postgres
  const db = METRIC_DB_CLIENT_OPERATION_DURATION;
  const pool = l(ATTR_DB_CLIENT_CONNECTION_POOL_NAME);
  b.withRow(new dashboard.RowBuilder('Postgres'));
  b.withPanel(ts('Query latency p50 / p95 / p99', 'db.client.operation.duration quantiles by operation.', 's', quantiles(bucket(db), l(ATTR_DB_OPERATION_NAME))));
  b.withPanel(
    ts('Queries / s by operation', 'db.client.operation.duration counts; errors carry error.type.', 'ops', [
      [`sum by (${by(ATTR_DB_OPERATION_NAME, ATTR_ERROR_TYPE)}) (rate(${count(db)}{${SEL}}[${W}]))`, '{{db_operation_name}} {{error_type}}'],
    ]),
  );
  b.withPanel(
    ts('Connection pool', 'db.client.connection.count by state, the pool maximum, and requests waiting for a connection.', 'short', [
      [`sum by (${by(ATTR_DB_CLIENT_CONNECTION_POOL_NAME, ATTR_DB_CLIENT_CONNECTION_STATE)}) (${prom(METRIC_DB_CLIENT_CONNECTION_COUNT)}{${SEL}})`, '{{db_client_connection_state}} {{db_client_connection_pool_name}}'],
      [`sum by (${pool}) (${prom(METRIC_DB_CLIENT_CONNECTION_MAX)}{${SEL}})`, 'max {{db_client_connection_pool_name}}'],
      [`sum by (${pool}) (${prom(METRIC_DB_CLIENT_CONNECTION_PENDING_REQUESTS)}{${SEL}})`, 'pending {{db_client_connection_pool_name}}'],
    ]),
  );

  // ---------------------------------------------------------------- runtime
  b.withRow(new dashboard.RowBuilder('Node.js runtime'));
  b.withPanel(st('Targets up', 'Scrape targets up (Prometheus `up`).', 'none', [[`sum(up{${SEL}})`, 'up']], 4, [], [step('red', null), step('green', 1)]));
  b.withPanel(st('Uptime', 'process.uptime of the newest instance.', 's', [[`min(${prom(METRIC_PROCESS_UPTIME)}{${SEL}})`, 'uptime']], 4));
  b.withPanel(
    ts('CPU utilization', 'process.cpu.utilization by mode (1 = all cores busy).', 'percentunit', [
      [`sum by (instance, ${l(ATTR_CPU_MODE)}) (${prom(METRIC_PROCESS_CPU_UTILIZATION)}{${SEL}})`, '{{instance}} {{cpu_mode}}'],
    ]),
  );
  b.withPanel(
    ts('Memory', 'process.memory.usage (RSS) and the V8 heap in use.', 'bytes', [
      [`sum by (instance) (${prom(METRIC_PROCESS_MEMORY_USAGE)}{${SEL}})`, 'rss {{instance}}'],
      [`sum by (instance) (${prom(METRIC_V8JS_MEMORY_HEAP_USED)}{${SEL}})`, 'heap used {{instance}}'],
    ], 8),
  );
  b.withPanel(
    ts('Event loop delay p99 and GC pauses', 'nodejs.eventloop.delay.p99, and seconds per second spent in GC by type.', 's', [
      [`max by (instance) (${prom(METRIC_NODEJS_EVENTLOOP_DELAY_P99)}{${SEL}})`, 'event loop p99 {{instance}}'],
      [`sum by (${l(ATTR_V8JS_GC_TYPE)}) (rate(${sum(METRIC_V8JS_GC_DURATION)}{${SEL}}[${W}]))`, 'gc {{v8js_gc_type}}'],
    ], 8),
  );
  return b.build();
}

function walkPanels(panels: readonly unknown[], out: PanelQuery[]): void {
  for (const p of panels as Array<{ title?: string; targets?: Array<{ expr?: string; refId?: string; legendFormat?: string }>; panels?: unknown[] }>) {
    for (const t of p.targets ?? []) if (t.expr) out.push({ panel: p.title ?? '', refId: t.refId ?? '', expr: t.expr, legend: t.legendFormat ?? '' });
    if (p.panels) walkPanels(p.panels, out);
  }
}

/** Every PromQL query of a dashboard's panels (rows included). */
export function panelQueries(d: { panels?: readonly unknown[] }): PanelQuery[] {
  const out: PanelQuery[] = [];
  walkPanels(d.panels ?? [], out);
  return out;
}

/** The variable queries of a dashboard (e.g. `label_values(target_info, job)`). */
export function variableQueries(d: dashboard.Dashboard): string[] {
  return (d.templating?.list ?? []).filter((v) => v.type === 'query').map((v) => (typeof v.query === 'string' ? v.query : JSON.stringify(v.query)));
}
