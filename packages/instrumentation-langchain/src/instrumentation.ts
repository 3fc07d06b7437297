import type { MeterProvider } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import { onGenAiUsage, report, versionInRange, checkSupportedVersion } from '@agentmeter/api';
import { LlmRecorder, classifyError, getDefaultLlmRecorder, normalizeProviderName, type LlmCall } from '@agentmeter/llm';
import { nowSeconds } from '@agentmeter/llm/internal';
import { ToolMetrics, defaultToolMetrics } from '@agentmeter/tools';
import { GEN_AI_OPERATION_NAME_VALUES, GEN_AI_TOOL_TYPE_VALUES } from '@agentmeter/semconv';
import type { LangChainInstrumentationConfig } from './types';
import type { RunState, SerializedLike } from './internal-types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import { MANAGER_FILES, MODULE_NAME, SUPPORTED_VERSIONS } from './module';

/** Own property of a patched CallbackManager class holding the original `_configureSync`. */
const PATCHED = Symbol.for('agentmeter.instrumentation-langchain.patched');
/** Runs followed at most at once (runs whose end never comes are dropped, oldest first). */
const MAX_RUNS = 20_000;
const INFERENCE = new Set<string>([GEN_AI_OPERATION_NAME_VALUES.CHAT, GEN_AI_OPERATION_NAME_VALUES.TEXT_COMPLETION, GEN_AI_OPERATION_NAME_VALUES.GENERATE_CONTENT]);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
function lastId(s: unknown): string | undefined {
  const id = isRecord(s) ? (s as SerializedLike).id : undefined;
  return Array.isArray(id) && id.length > 0 ? str(id[id.length - 1]) : undefined;
}

/** Token usage of a LangChain LLMResult (usage_metadata, else llmOutput.tokenUsage). */
export function usageOfLlmResult(output: unknown): Pick<LlmCall, 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'reasoningTokens' | 'responseModel'> {
  if (!isRecord(output)) return {};
  const gens = output.generations;
  const gen = Array.isArray(gens) && Array.isArray(gens[0]) ? (gens[0][0] as Record<string, unknown> | undefined) : undefined;
  const msg = isRecord(gen?.message) ? (gen?.message as Record<string, unknown>) : undefined;
  const rm = isRecord(msg?.response_metadata) ? (msg?.response_metadata as Record<string, unknown>) : undefined;
  const responseModel = str(rm?.model_name) ?? str(rm?.model);
  const um = isRecord(msg?.usage_metadata) ? (msg?.usage_metadata as Record<string, unknown>) : undefined;
  if (um) {
    const itd = isRecord(um.input_token_details) ? um.input_token_details : {};
    const otd = isRecord(um.output_token_details) ? um.output_token_details : {};
    return {
      inputTokens: num(um.input_tokens),
      outputTokens: num(um.output_tokens),
      cacheReadTokens: num(itd.cache_read),
      cacheWriteTokens: num(itd.cache_creation),
      reasoningTokens: num(otd.reasoning),
      responseModel,
    };
  }
  const lo = isRecord(output.llmOutput) ? output.llmOutput : {};
  const tu = isRecord(lo.tokenUsage) ? lo.tokenUsage : isRecord(lo.estimatedTokenUsage) ? lo.estimatedTokenUsage : undefined;
  if (tu) return { inputTokens: num(tu.promptTokens), outputTokens: num(tu.completionTokens), responseModel };
  return { responseModel };
}

/**
 * Zero-code metrics for LangChain.js 1.x: adds one callback handler to every run (by
 * wrapping `CallbackManager._configureSync` of `@langchain/core`, CommonJS and ESM builds)
 * and records
 *
 * - tool runs: `gen_ai.execute_tool.duration` (with `error.type` when the tool throws);
 * - agent runs (createAgent, LangGraph prebuilt agents, AgentExecutor):
 *   `gen_ai.invoke_agent.duration`, `.inference_calls`, `.tool_calls`;
 * - chat model / LLM runs: `gen_ai.client.*` duration, tokens and time to first token,
 *   unless an instrumented client (openai, anthropic) already recorded the call (then it
 *   is counted once, by the client instrumentation).
 */
export class LangChainInstrumentation extends InstrumentationBase<LangChainInstrumentationConfig> {
  declare private _llmRecorder: LlmRecorder | undefined;
  declare private _toolMetrics: ToolMetrics | undefined;
  declare private _runs: Map<string, RunState> | undefined;
  declare private _activeLlm: Map<string, RunState> | undefined;
  declare private _offUsage: (() => void) | undefined;
  declare private _recording: boolean | undefined;
  declare private _warned: Set<string> | undefined;

  constructor(config: LangChainInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    if (config.meterProvider) this.setMeterProvider(config.meterProvider);
  }

  /** Pins the meter provider the metrics are recorded into. */
  override setMeterProvider(meterProvider: MeterProvider): void {
    super.setMeterProvider(meterProvider);
    this._llmRecorder = new LlmRecorder({ meterProvider });
    this._toolMetrics = new ToolMetrics({ meterProvider });
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    const files = MANAGER_FILES.map(
      (file) =>
        new InstrumentationNodeModuleFile(
          file,
          ['*'],
          (moduleExports: unknown, version?: string) => this.patchManager(moduleExports, version),
          (moduleExports: unknown) => this.unpatchManager(moduleExports),
        ),
    );
    return [new InstrumentationNodeModuleDefinition(MODULE_NAME, ['*'], (moduleExports: unknown) => moduleExports, (moduleExports: unknown) => moduleExports, files)];
  }

  override enable(): void {
    super.enable();
    if (!this._offUsage) {
      // An instrumented client (openai, anthropic) records a call a LangChain chat model
      // makes: the model run is then not recorded again.
      this._offUsage = onGenAiUsage((ev) => {
        if (this._recording || !INFERENCE.has(ev.operation)) return;
        for (const s of this.activeLlm().values()) {
          if (!s.covered && (s.requestModel === undefined || s.requestModel === ev.requestModel)) {
            s.covered = true;
            return;
          }
        }
      });
    }
  }

  override disable(): void {
    super.disable();
    const off = this._offUsage;
    this._offUsage = undefined;
    if (off) off();
  }

  /**
   * Adds agentmeter's handler to an already-loaded `@langchain/core/callbacks/manager`
   * module (for apps that load LangChain before the instrumentation).
   */
  manuallyInstrument(managerModule: unknown): void {
    this.patchManager(managerModule, undefined);
  }

  private llm(): LlmRecorder {
    return this._llmRecorder ?? getDefaultLlmRecorder();
  }
  private tools(): ToolMetrics {
    return this._toolMetrics ?? defaultToolMetrics();
  }
  private runs(): Map<string, RunState> {
    return (this._runs ??= new Map());
  }
  private activeLlm(): Map<string, RunState> {
    return (this._activeLlm ??= new Map());
  }

  private patchManager(moduleExports: unknown, version: string | undefined): unknown {
    try {
      if (version !== undefined && !versionInRange(version, SUPPORTED_VERSIONS)) {
        checkSupportedVersion(MODULE_NAME, version, SUPPORTED_VERSIONS, 'it is not instrumented');
        return moduleExports;
      }
      const exp = moduleExports as { CallbackManager?: Record<PropertyKey, unknown>; ensureHandler?: (h: unknown) => unknown } | undefined;
      const cm = exp?.CallbackManager;
      if (!cm || typeof cm._configureSync !== 'function') {
        report('AGENTMETER_INSTRUMENTATION_UNSUPPORTED', 'langchain.manager', `${MODULE_NAME}: CallbackManager._configureSync not found; LangChain runs are not measured`);
        return moduleExports;
      }
      if (Object.prototype.hasOwnProperty.call(cm, PATCHED)) return moduleExports;
      const original = cm._configureSync as (...args: unknown[]) => unknown;
      const methods = this.handlerMethods();
      const handler = typeof exp?.ensureHandler === 'function' ? exp.ensureHandler(methods) : methods;
      const inst = this;
      Object.defineProperty(cm, PATCHED, { value: original, configurable: true });
      cm._configureSync = function agentmeterConfigureSync(this: unknown, inheritable: unknown, ...rest: unknown[]): unknown {
        let handlers = inheritable;
        if (inst.isEnabled()) {
          try {
            handlers = withHandler(inheritable, handler);
          } catch {
            handlers = inheritable;
          }
        }
        return original.call(this, handlers, ...rest);
      };
    } catch (e) {
      report('AGENTMETER_INSTRUMENTATION_FAILED', 'langchain.patch', `${MODULE_NAME}: patching failed: ${String(e)}`);
    }
    return moduleExports;
  }

  private unpatchManager(moduleExports: unknown): unknown {
    const cm = (moduleExports as { CallbackManager?: Record<PropertyKey, unknown> } | undefined)?.CallbackManager;
    if (cm && Object.prototype.hasOwnProperty.call(cm, PATCHED)) {
      cm._configureSync = cm[PATCHED];
      delete cm[PATCHED];
    }
    return moduleExports;
  }

  private track(runId: unknown, state: RunState): void {
    if (typeof runId !== 'string') return;
    const runs = this.runs();
    if (runs.size >= MAX_RUNS) {
      const oldest = runs.keys().next().value;
      if (oldest !== undefined) {
        runs.delete(oldest);
        this.activeLlm().delete(oldest);
      }
    }
    runs.set(runId, state);
  }

  private take(runId: unknown): RunState | undefined {
    if (typeof runId !== 'string') return undefined;
    const runs = this.runs();
    const s = runs.get(runId);
    if (s) runs.delete(runId);
    return s;
  }

  private newState(kind: RunState['kind'], parent: RunState | undefined, lcAgentName: string | undefined): RunState {
    return { kind, parent, start: nowSeconds(), agent: false, candidate: false, name: undefined, lcAgentName, inferenceCalls: 0, toolCalls: 0, provider: '_OTHER', requestModel: undefined, covered: false, firstToken: undefined };
  }

  private agentName(agent: RunState): string {
    return agent.name ?? this.getConfig().defaultAgentName ?? 'langchain';
  }

  private agentOf(state: RunState): RunState | undefined {
    for (let p = state.parent; p; p = p.parent) if (p.kind === 'chain' && p.agent) return p;
    return undefined;
  }

  private safely(what: string, fn: () => void): void {
    try {
      if (this.isEnabled()) fn();
    } catch (e) {
      report('AGENTMETER_RECORD_FAILED', `langchain.${what}`, `langchain: measuring a ${what} run failed: ${String(e)}`);
    }
  }

  /** The callback handler's methods (made a BaseCallbackHandler by the loaded @langchain/core). */
  private handlerMethods(): Record<string, unknown> {
    const inst = this;
    const parentOf = (id: unknown) => (typeof id === 'string' ? inst.runs().get(id) : undefined);
    const startLlm = (llm: unknown, runId: unknown, parentRunId: unknown, extraParams: unknown, metadata: unknown) =>
      inst.safely('model', () => {
        const md = isRecord(metadata) ? metadata : {};
        const s = inst.newState('llm', parentOf(parentRunId), str(md.lc_agent_name));
        const ip = isRecord(extraParams) && isRecord(extraParams.invocation_params) ? extraParams.invocation_params : {};
        const id = isRecord(llm) ? (llm as SerializedLike).id : undefined;
        s.provider = normalizeProviderName(str(md.ls_provider) ?? (Array.isArray(id) && id.length > 2 ? id[id.length - 2] : undefined));
        s.requestModel = str(md.ls_model_name) ?? str(ip.model) ?? str(ip.model_name);
        inst.track(runId, s);
        if (typeof runId === 'string') inst.activeLlm().set(runId, s);
      });
    const endLlm = (runId: unknown, output: unknown, error: unknown) =>
      inst.safely('model', () => {
        const s = inst.take(runId);
        if (!s || s.kind !== 'llm') return;
        inst.activeLlm().delete(runId as string);
        const agent = inst.agentOf(s);
        if (agent) agent.inferenceCalls++;
        if (s.covered) return;
        let usage: ReturnType<typeof usageOfLlmResult> = {};
        try {
          if (error === undefined) usage = usageOfLlmResult(output);
        } catch {
          // an unreadable result: the call is still recorded, without usage
        }
        inst._recording = true;
        try {
          inst.llm().record({
            operation: GEN_AI_OPERATION_NAME_VALUES.CHAT,
            provider: s.provider,
            requestModel: s.requestModel,
            ...usage,
            durationSeconds: nowSeconds() - s.start,
            timeToFirstChunkSeconds: s.firstToken === undefined ? undefined : s.firstToken - s.start,
            error,
          });
        } finally {
          inst._recording = false;
        }
      });
    const endTool = (runId: unknown, error: unknown, failed: boolean) =>
      inst.safely('tool', () => {
        const s = inst.take(runId);
        if (!s || s.kind !== 'tool') return;
        const agent = inst.agentOf(s);
        if (agent) agent.toolCalls++;
        inst.tools().recordToolCall({
          toolName: s.name ?? 'unknown',
          toolType: GEN_AI_TOOL_TYPE_VALUES.FUNCTION,
          agentName: agent ? inst.agentName(agent) : s.lcAgentName,
          durationSeconds: nowSeconds() - s.start,
          errorType: failed ? classifyError(error) : undefined,
        });
      });
    const endChain = (runId: unknown, error: unknown, failed: boolean) =>
      inst.safely('chain', () => {
        const s = inst.take(runId);
        if (!s || s.kind !== 'chain' || !s.agent || (s.candidate && s.inferenceCalls === 0)) return;
        inst.tools().recordAgentRun({
          agentName: inst.agentName(s),
          durationSeconds: nowSeconds() - s.start,
          inferenceCalls: s.inferenceCalls,
          toolCalls: s.toolCalls,
          errorType: failed ? classifyError(error) : undefined,
        });
      });
    return {
      awaitHandlers: true,
      raiseError: false,
      handleChainStart(chain: unknown, _inputs: unknown, runId: unknown, parentRunId: unknown, _tags: unknown, metadata: unknown, _runType: unknown, runName: unknown) {
        inst.safely('chain', () => {
          const md = isRecord(metadata) ? metadata : {};
          const parent = parentOf(parentRunId);
          const lcAgentName = str(md.lc_agent_name);
          const s = inst.newState('chain', parent, lcAgentName);
          const name = str(runName) ?? (isRecord(chain) ? str((chain as SerializedLike).name) : undefined) ?? lastId(chain);
          const inAgent = parent ? inst.agentOf(s) !== undefined || (parent.kind === 'chain' && parent.agent) : false;
          if (lcAgentName !== undefined && parent?.lcAgentName !== lcAgentName) {
            // createAgent({ name }): the outermost run carrying its name
            s.agent = true;
            s.name = lcAgentName;
          } else if (name === 'AgentExecutor' || lastId(chain) === 'AgentExecutor') {
            s.agent = true;
            s.name = name === 'AgentExecutor' ? undefined : name;
          } else if (!inAgent && lcAgentName === undefined && isAgentGraph(chain, name)) {
            // a LangGraph agent graph (createAgent without a name, createReactAgent)
            s.agent = true;
            s.candidate = true;
            s.name = name === 'LangGraph' ? undefined : name;
          }
          inst.track(runId, s);
        });
      },
      handleChainEnd(_outputs: unknown, runId: unknown) {
        endChain(runId, undefined, false);
      },
      handleChainError(err: unknown, runId: unknown) {
        endChain(runId, err, true);
      },
      handleToolStart(tool: unknown, _input: unknown, runId: unknown, parentRunId: unknown, _tags: unknown, metadata: unknown, runName: unknown) {
        inst.safely('tool', () => {
          const md = isRecord(metadata) ? metadata : {};
          const s = inst.newState('tool', parentOf(parentRunId), str(md.lc_agent_name));
          s.name = str(runName) ?? (isRecord(tool) ? str((tool as SerializedLike).name) : undefined) ?? lastId(tool);
          inst.track(runId, s);
        });
      },
      handleToolEnd(_output: unknown, runId: unknown) {
        endTool(runId, undefined, false);
      },
      handleToolError(err: unknown, runId: unknown) {
        endTool(runId, err, true);
      },
      handleChatModelStart(llm: unknown, _messages: unknown, runId: unknown, parentRunId: unknown, extraParams: unknown, _tags: unknown, metadata: unknown) {
        startLlm(llm, runId, parentRunId, extraParams, metadata);
      },
      handleLLMStart(llm: unknown, _prompts: unknown, runId: unknown, parentRunId: unknown, extraParams: unknown, _tags: unknown, metadata: unknown) {
        startLlm(llm, runId, parentRunId, extraParams, metadata);
      },
      handleLLMNewToken(_token: unknown, _idx: unknown, runId: unknown) {
        const s = typeof runId === 'string' ? inst.runs().get(runId) : undefined;
        if (s && s.firstToken === undefined) s.firstToken = nowSeconds();
      },
      handleLLMEnd(output: unknown, runId: unknown) {
        endLlm(runId, output, undefined);
      },
      handleLLMError(err: unknown, runId: unknown) {
        endLlm(runId, undefined, err ?? new Error('LLM run failed'));
      },
    };
  }
}

/** A LangGraph graph that is an agent: createAgent's ReactAgent graph or createReactAgent's. */
function isAgentGraph(chain: unknown, name: string | undefined): boolean {
  const id = isRecord(chain) ? (chain as SerializedLike).id : undefined;
  const path = Array.isArray(id) ? id.join('/') : '';
  if (!/langgraph/i.test(path) && name !== 'LangGraph') return false;
  return true;
}

/** The handler list of a configure call with agentmeter's handler added (once). */
function withHandler(handlers: unknown, handler: unknown): unknown {
  if (handlers === undefined || handlers === null) return [handler];
  if (Array.isArray(handlers)) return handlers.includes(handler) ? handlers : [...handlers, handler];
  const manager = handlers as { handlers?: unknown[]; addHandler?: (h: unknown, inherit?: boolean) => void };
  if (Array.isArray(manager.handlers) && typeof manager.addHandler === 'function') {
    if (!manager.handlers.includes(handler)) manager.addHandler(handler, true);
  }
  return handlers;
}
