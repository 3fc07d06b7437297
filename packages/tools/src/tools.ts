import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { MeterProvider } from '@opentelemetry/api';
import { CatalogueInstruments, compact, onGenAiUsage, report, validMeasure } from '@agentmeter/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  CATALOGUE,
  GEN_AI_OPERATION_NAME_VALUES,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_GEN_AI_INVOKE_AGENT_DURATION,
  METRIC_GEN_AI_INVOKE_AGENT_INFERENCE_CALLS,
  METRIC_GEN_AI_INVOKE_AGENT_TOOL_CALLS,
} from '@agentmeter/semconv';
import { errorTypeOf, isThenable } from './errors';
import { PACKAGE_VERSION } from './version';

const SCOPE = '@agentmeter/tools';
const VERSION = PACKAGE_VERSION;

const DEFS = {
  tool: CATALOGUE[METRIC_GEN_AI_EXECUTE_TOOL_DURATION],
  agent: CATALOGUE[METRIC_GEN_AI_INVOKE_AGENT_DURATION],
  inference: CATALOGUE[METRIC_GEN_AI_INVOKE_AGENT_INFERENCE_CALLS],
  toolCalls: CATALOGUE[METRIC_GEN_AI_INVOKE_AGENT_TOOL_CALLS],
};

/** Operations counted as one inference call (reasoning step) of the enclosing agent run. */
const INFERENCE_OPERATIONS: ReadonlySet<string> = new Set([
  GEN_AI_OPERATION_NAME_VALUES.CHAT,
  GEN_AI_OPERATION_NAME_VALUES.TEXT_COMPLETION,
  GEN_AI_OPERATION_NAME_VALUES.GENERATE_CONTENT,
]);

/** What identifies a tool execution. */
export interface ToolCallAttributes {
  /** `gen_ai.tool.name`, e.g. `read_file`. Keep it low-cardinality (a name, not arguments). */
  readonly toolName: string;
  /** `gen_ai.tool.type`: `function`, `extension` or `datastore` (see GEN_AI_TOOL_TYPE_VALUES). */
  readonly toolType?: string;
  /** `gen_ai.agent.name`; defaults to the enclosing agent run's name. */
  readonly agentName?: string;
}

/** One completed tool execution, recorded explicitly. */
export interface ToolCallRecord extends ToolCallAttributes {
  /** Duration in seconds (finite, >= 0). */
  readonly durationSeconds: number;
  /** `error.type` when the execution failed; absent on success. */
  readonly errorType?: string;
}

/** What identifies an agent run. */
export interface AgentRunAttributes {
  /** `gen_ai.agent.name`. */
  readonly agentName: string;
  /**
   * Count every chat / text_completion / generate_content call that agentmeter's LLM
   * recorders or instrumentations complete inside this run as one inference call
   * (default true). Set false if you count with `run.inference()` yourself.
   */
  readonly autoCountInference?: boolean;
}

/** One completed agent run, recorded explicitly. */
export interface AgentRunRecord {
  readonly agentName: string;
  /** Duration in seconds (finite, >= 0). */
  readonly durationSeconds: number;
  /** Inference calls (reasoning steps) in the run. */
  readonly inferenceCalls: number;
  /** Tool calls in the run. */
  readonly toolCalls: number;
  /** `error.type` when the run failed. */
  readonly errorType?: string;
}

/** The agent run in progress, handed to `trackAgentRun`'s callback. */
export interface AgentRun {
  readonly agentName: string;
  /** Inference calls counted so far. */
  readonly inferenceCalls: number;
  /** Tool calls counted so far. */
  readonly toolCalls: number;
  /** True once the run has ended and its metrics were recorded. */
  readonly ended: boolean;
  /** Count `n` (default 1) inference calls. Ignored after the run ended. */
  inference(n?: number): void;
  /** Count `n` (default 1) tool calls. Ignored after the run ended. */
  toolCall(n?: number): void;
}

class Run implements AgentRun {
  inferenceCalls = 0;
  toolCalls = 0;
  ended = false;
  constructor(
    readonly agentName: string,
    readonly autoCountInference: boolean,
  ) {}
  inference(n = 1): void {
    if (!this.ended && validMeasure(n, 'agent run inference call count')) this.inferenceCalls += n;
  }
  toolCall(n = 1): void {
    if (!this.ended && validMeasure(n, 'agent run tool call count')) this.toolCalls += n;
  }
}

const runs = new AsyncLocalStorage<Run>();
let usageSubscribed = false;

function subscribeUsage(): void {
  if (usageSubscribed) return;
  usageSubscribed = true;
  // The usage channel publishes synchronously in the caller's async context, so the
  // run in force there is the run that made the call.
  onGenAiUsage((ev) => {
    const run = runs.getStore();
    if (run && run.autoCountInference && !run.ended && INFERENCE_OPERATIONS.has(ev.operation)) run.inferenceCalls++;
  });
}

/** The agent run in whose async context the caller runs, if any. */
export function currentAgentRun(): AgentRun | undefined {
  return runs.getStore();
}

function validName(v: unknown, what: string): v is string {
  if (typeof v === 'string' && v.length > 0) return true;
  report('AGENTMETER_INVALID_ATTRIBUTE', what, `dropped a measurement with an invalid ${what}: ${typeof v === 'string' ? 'empty string' : typeof v}`);
  return false;
}

function optString(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** Options of a ToolMetrics instance. */
export interface ToolMetricsOptions {
  /** Record into this MeterProvider instead of the global one. */
  readonly meterProvider?: MeterProvider;
}

/**
 * Tool and agent-run recorders bound to one MeterProvider (the global one unless
 * pinned). The module-level functions use a default instance on the global provider.
 */
export class ToolMetrics {
  private readonly inst: CatalogueInstruments<typeof DEFS>;

  constructor(options: ToolMetricsOptions = {}) {
    this.inst = new CatalogueInstruments(SCOPE, VERSION, DEFS, options.meterProvider);
  }

  /**
   * Record one completed tool execution. Counted as a tool call of the enclosing agent
   * run, if any. Invalid input is dropped with one diagnostic; never throws.
   */
  recordToolCall(call: ToolCallRecord): void {
    try {
      if (!call || !validName(call.toolName, 'gen_ai.tool.name')) return;
      if (!validMeasure(call.durationSeconds, 'tool duration')) return;
      const run = runs.getStore();
      if (run && !run.ended) run.toolCalls++;
      this.inst.get('tool').record(
        call.durationSeconds,
        compact({
          [ATTR_GEN_AI_TOOL_NAME]: call.toolName,
          [ATTR_GEN_AI_TOOL_TYPE]: optString(call.toolType),
          [ATTR_GEN_AI_AGENT_NAME]: optString(call.agentName) ?? run?.agentName,
          [ATTR_ERROR_TYPE]: optString(call.errorType),
        }),
      );
    } catch (e) {
      report('AGENTMETER_RECORD_FAILED', 'tool', `recording a tool call failed: ${(e as Error)?.message}`);
    }
  }

  /**
   * Run `fn` (sync or async) as one tool execution and record its duration, with
   * `error.type` if it throws or rejects. Returns exactly what `fn` returns (the same
   * promise for an async fn) and rethrows exactly what it throws.
   */
  trackTool<T>(attrs: ToolCallAttributes, fn: () => T): T {
    const start = performance.now();
    const done = (err?: unknown, failed = false) => {
      this.recordToolCall({
        toolName: attrs?.toolName,
        toolType: attrs?.toolType,
        agentName: attrs?.agentName,
        durationSeconds: (performance.now() - start) / 1000,
        errorType: failed ? errorTypeOf(err) : undefined,
      });
    };
    return settle(fn, done, false);
  }

  /**
   * Record one completed agent run explicitly: its duration, and once each its
   * inference and tool call counts. Invalid input is dropped with one diagnostic.
   */
  recordAgentRun(r: AgentRunRecord): void {
    try {
      if (!r || !validName(r.agentName, 'gen_ai.agent.name')) return;
      const attrs = { [ATTR_GEN_AI_AGENT_NAME]: r.agentName };
      if (validMeasure(r.durationSeconds, 'agent run duration')) {
        this.inst.get('agent').record(r.durationSeconds, compact({ ...attrs, [ATTR_ERROR_TYPE]: optString(r.errorType) }));
      }
      if (validMeasure(r.inferenceCalls, 'agent run inference calls')) this.inst.get('inference').record(r.inferenceCalls, attrs);
      if (validMeasure(r.toolCalls, 'agent run tool calls')) this.inst.get('toolCalls').record(r.toolCalls, attrs);
    } catch (e) {
      report('AGENTMETER_RECORD_FAILED', 'agent', `recording an agent run failed: ${(e as Error)?.message}`);
    }
  }

  /**
   * Run `fn` (sync or async) as one agent run. Inside it (across awaits), tool calls made
   * with `trackTool`/`recordToolCall` and, unless `autoCountInference` is false, LLM
   * calls completed by agentmeter's recorders are counted in the run; count others with
   * `run.inference()` / `run.toolCall()`. When `fn` returns or settles, the run's
   * duration (with `error.type` on failure) and its inference and tool call counts are
   * recorded once. Returns exactly what `fn` returns and rethrows what it throws.
   */
  trackAgentRun<T>(attrs: AgentRunAttributes, fn: (run: AgentRun) => T): T {
    const name = typeof attrs?.agentName === 'string' && attrs.agentName.length > 0 ? attrs.agentName : '';
    const run = new Run(name, attrs?.autoCountInference !== false);
    if (run.autoCountInference) subscribeUsage();
    const start = performance.now();
    const done = (err?: unknown, failed = false) => {
      if (run.ended) return;
      run.ended = true;
      this.recordAgentRun({
        agentName: attrs?.agentName,
        durationSeconds: (performance.now() - start) / 1000,
        inferenceCalls: run.inferenceCalls,
        toolCalls: run.toolCalls,
        errorType: failed ? errorTypeOf(err) : undefined,
      });
    };
    const result = settle(() => runs.run(run, fn, run), done, true);
    return result;
  }
}

let defaultInstance: ToolMetrics | undefined;
/** The ToolMetrics instance the module-level functions use (global MeterProvider). */
export function defaultToolMetrics(): ToolMetrics {
  return (defaultInstance ??= new ToolMetrics());
}

/** Record one completed tool execution on the global MeterProvider. See ToolMetrics.recordToolCall. */
export function recordToolCall(call: ToolCallRecord): void {
  defaultToolMetrics().recordToolCall(call);
}

/** Run `fn` as one tool execution and record it. See ToolMetrics.trackTool. */
export function trackTool<T>(attrs: ToolCallAttributes, fn: () => T): T {
  return defaultToolMetrics().trackTool(attrs, fn);
}

/** Record one completed agent run. See ToolMetrics.recordAgentRun. */
export function recordAgentRun(r: AgentRunRecord): void {
  defaultToolMetrics().recordAgentRun(r);
}

/** Run `fn` as one agent run and record it. See ToolMetrics.trackAgentRun. */
export function trackAgentRun<T>(attrs: AgentRunAttributes, fn: (run: AgentRun) => T): T {
  return defaultToolMetrics().trackAgentRun(attrs, fn);
}

/**
 * Call `call` and run `done` once when it has finished: at once for a value or a throw
 * (rethrown), at settlement for a promise (returned unchanged). A thenable whose `then`
 * throws is measured at once when `measureHostile`, else not at all.
 */
function settle<T>(call: () => T, done: (err?: unknown, failed?: boolean) => void, measureHostile: boolean): T {
  let result: T;
  try {
    result = call();
  } catch (err) {
    done(err, true);
    throw err;
  }
  if (isThenable(result)) {
    try {
      (result as PromiseLike<unknown>).then(
        () => done(),
        (err) => done(err, true),
      );
    } catch {
      if (measureHostile) done();
    }
  } else {
    done();
  }
  return result;
}
