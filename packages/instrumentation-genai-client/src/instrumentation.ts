import type { MeterProvider } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import { checkSupportedVersion, report } from '@agentmeter/api';
import { LlmRecorder, getDefaultLlmRecorder, runRecordedGenAiCall, type LlmAdapter, type LlmCallAttributes } from '@agentmeter/llm';
import { nowSeconds } from '@agentmeter/llm/internal';
import { findClientClass, patchClientPrototypes, unpatchClientPrototypes, type ClientMethod, type ClientPatchTarget } from './client-patch';
import { observeGenAiCall, recordGenAiOutcome, type GenAiCallOutcome } from './observe';

/** Configuration shared by the GenAI client instrumentations. */
export interface GenAiClientInstrumentationConfig extends InstrumentationConfig {
  /** Record into this meter provider (default: the global one; `setMeterProvider` also pins one). */
  meterProvider?: MeterProvider;
  /** gen_ai.provider.name for every call (default: the adapter's). */
  providerName?: string;
}

/** One client method to patch, with its gen_ai.operation.name. */
export interface GenAiClientTarget extends ClientPatchTarget {
  /** gen_ai.operation.name */
  readonly operation: string;
}

/** What an adapter tells the base about its client SDK (static: read while the instrumentation is constructed). */
export interface GenAiClientSpec<T extends GenAiClientTarget> extends GenAiModule {
  /** The client class: its export name and a static property it has (see findClientClass). */
  readonly exportName: string;
  readonly marker: string;
  /** Methods patched, relative to the client class. */
  readonly targets: readonly T[];
  /** Own property of a patched prototype holding the originals (the once-only guard). */
  readonly guard: symbol;
  /** `name` of the patching functions (how a patched method is recognised). */
  readonly wrapperName: string;
  /** Diagnostics id prefix, e.g. `openai`. */
  readonly label: string;
  /** Reads usage from a complete result and from stream chunks. */
  readonly adapter: LlmAdapter;
}

/** One call of a patched method, as the base records it. */
export interface GenAiClientCall {
  /** gen_ai attributes: provider, request model, operation. */
  readonly attrs: LlmCallAttributes;
  /** The request's first argument when it is an object (the request body). */
  readonly body: Record<string, unknown> | undefined;
  /** The request asks for a stream (`stream: true`): a stream result is observed chunk by chunk. */
  readonly stream: boolean;
}

/** The npm module an instrumentation patches. */
export interface GenAiModule {
  /** npm package patched, e.g. `openai`. */
  readonly moduleName: string;
  /** Supported versions (a semver range); other versions get a warning and are not patched. */
  readonly supportedVersions: string;
}

/**
 * What every GenAI client SDK instrumentation shares: the module definition (every version
 * seen, one outside the supported range warned about and left alone), `manuallyInstrument`
 * for a module loaded first, and the `LlmRecorder` of a pinned meter provider. A subclass
 * provides `module()` and patches / unpatches the module's exports.
 */
export abstract class GenAiInstrumentation<C extends GenAiClientInstrumentationConfig = GenAiClientInstrumentationConfig> extends InstrumentationBase<C> {
  declare private _llmRecorder: LlmRecorder | undefined;

  constructor(packageName: string, packageVersion: string, config: C) {
    super(packageName, packageVersion, config);
    if (config.meterProvider) this.setMeterProvider(config.meterProvider);
  }

  /** The module patched (called from the constructor: return a constant). */
  protected abstract module(): GenAiModule;

  /** Patches a loaded module's exports (once per build; never throws). */
  protected abstract patchExports(moduleExports: unknown): void;

  /** Puts back what patchExports replaced. */
  protected abstract unpatchExports(moduleExports: unknown): void;

  /** Pins the meter provider the metrics are recorded into. */
  override setMeterProvider(meterProvider: MeterProvider): void {
    super.setMeterProvider(meterProvider);
    this._llmRecorder = new LlmRecorder({ meterProvider });
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    const { moduleName, supportedVersions } = this.module();
    return [
      new InstrumentationNodeModuleDefinition(
        moduleName,
        ['*'], // every version is seen, so that one outside the supported range gets a warning
        (moduleExports: unknown, moduleVersion?: string) => {
          if (checkSupportedVersion(moduleName, moduleVersion, supportedVersions)) this.patchExports(moduleExports);
          return moduleExports;
        },
        (moduleExports: unknown) => {
          this.unpatchExports(moduleExports);
          return moduleExports;
        },
      ),
    ];
  }

  /** Patches an already-loaded client module (what `require(...)` or `import * as m from ...` gives), for apps that load it first. */
  manuallyInstrument(moduleExports: unknown): void {
    this.patchExports(moduleExports);
  }

  /** The recorder calls are recorded with. */
  protected llm(): LlmRecorder {
    return this._llmRecorder ?? getDefaultLlmRecorder();
  }
}

/**
 * The base of an instrumentation of a GenAI client SDK whose resource classes hang off the
 * exported client class (`openai`, `@anthropic-ai/sdk`). It patches the adapter's targets
 * (CommonJS and ESM builds, each once), and records each call through `@agentmeter/llm`:
 * duration, usage, time to first chunk and time per output chunk of streams, `error.type`.
 * The client's `APIPromise` and `Stream` objects are returned as they are (observed, not
 * replaced). A subclass provides `spec()`, `provider()` and, where it differs, `call()`,
 * `wrap()` and `record()`.
 */
export abstract class GenAiClientInstrumentation<T extends GenAiClientTarget, C extends GenAiClientInstrumentationConfig = GenAiClientInstrumentationConfig> extends GenAiInstrumentation<C> {
  /** The client SDK this instrumentation patches (called from the constructor: return a constant). */
  protected abstract spec(): GenAiClientSpec<T>;

  /** gen_ai.provider.name of a call made by `resource` (the `this` of the patched method). */
  protected abstract provider(resource: unknown): string;

  protected module(): GenAiModule {
    return this.spec();
  }

  protected patchExports(moduleExports: unknown): void {
    const spec = this.spec();
    try {
      const client = findClientClass(moduleExports, spec.exportName, spec.marker);
      if (!client) {
        report('AGENTMETER_INSTRUMENTATION_UNSUPPORTED', `${spec.label}.exports`, `${spec.moduleName}: client class not found in module exports; not instrumented`);
        return;
      }
      patchClientPrototypes(client, spec.targets, spec.guard, (original, target) => this.wrap(original, target));
    } catch (e) {
      report('AGENTMETER_INSTRUMENTATION_FAILED', `${spec.label}.patch`, `${spec.moduleName}: patching failed: ${String(e)}`);
    }
  }

  protected unpatchExports(moduleExports: unknown): void {
    const spec = this.spec();
    const client = findClientClass(moduleExports, spec.exportName, spec.marker);
    if (client) unpatchClientPrototypes(client, spec.targets, spec.guard);
  }

  /** The call about to be made (`resource` is the patched method's `this`), or undefined to run it unrecorded. */
  protected call(resource: unknown, args: readonly unknown[], target: T): GenAiClientCall | undefined {
    const body = typeof args[0] === 'object' && args[0] !== null ? (args[0] as Record<string, unknown>) : undefined;
    const model = body?.model;
    return {
      attrs: { provider: this.getConfig().providerName || this.provider(resource), requestModel: typeof model === 'string' ? model : undefined, operation: target.operation },
      body,
      stream: body?.stream === true,
    };
  }

  /** Records how a call ended; the default records it as a GenAI client call, with the usage the adapter reads from a result. */
  protected record(_target: T, call: GenAiClientCall, outcome: GenAiCallOutcome): void {
    recordGenAiOutcome({ attrs: call.attrs, adapter: this.spec().adapter, recorder: this.llm() }, outcome);
  }

  /** The patched method: runs `original` marked as recorded, and records the call. */
  protected wrap(original: ClientMethod, target: T): ClientMethod {
    const inst = this;
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      if (!inst.isEnabled()) return original.apply(this, args);
      const start = nowSeconds();
      let call: GenAiClientCall | undefined;
      try {
        call = inst.call(this, args, target);
      } catch {
        call = undefined;
      }
      if (!call) return original.apply(this, args);
      const c = call;
      return observeGenAiCall(() => runRecordedGenAiCall(() => original.apply(this, args)), {
        attrs: c.attrs,
        start,
        stream: c.stream,
        adapter: inst.spec().adapter,
        recorder: inst.llm(),
        record: (outcome) => inst.record(target, c, outcome),
      });
    };
    Object.defineProperty(wrapped, 'name', { value: this.spec().wrapperName });
    return wrapped;
  }

  /** A patched method that only runs `original` marked as recorded (helpers that call a recorded method themselves). */
  protected wrapMarkOnly(original: ClientMethod): ClientMethod {
    const inst = this;
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      if (!inst.isEnabled()) return original.apply(this, args);
      return runRecordedGenAiCall(() => original.apply(this, args));
    };
    Object.defineProperty(wrapped, 'name', { value: `${this.spec().wrapperName}Helper` });
    return wrapped;
  }
}
