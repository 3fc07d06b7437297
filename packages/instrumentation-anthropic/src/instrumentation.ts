import type { MeterProvider } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { checkSupportedVersion, report } from '@agentmeter/api';
import {
  LlmRecorder,
  LlmStreamObserver,
  anthropicAdapter,
  getDefaultLlmRecorder,
  nowSeconds,
  findClientClass,
  observeClientPromise,
  patchClientPrototypes,
  unpatchClientPrototypes,
  type ClientMethod,
  runRecordedGenAiCall,
  wrapClientStream,
  type LlmCallAttributes,
} from '@agentmeter/llm';
import { GEN_AI_PROVIDER_NAME_VALUES } from '@agentmeter/semconv';
import type { AnthropicInstrumentationConfig } from './types';
import type { PatchTarget } from './internal-types';
import { MODULE_NAME, PATCH_TARGETS, SUPPORTED_VERSIONS } from './semconv';

import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
export { PACKAGE_NAME, PACKAGE_VERSION };

/** Own property of a patched prototype holding the original methods (the once-only guard). */
export const PATCHED = Symbol.for('agentmeter.instrumentation-anthropic.patched');

const resolveClientClass = (moduleExports: unknown) => findClientClass(moduleExports, 'Anthropic', 'Messages');

/**
 * Zero-code metrics for the `@anthropic-ai/sdk` client (CommonJS and ESM builds, each
 * patched once): messages.create (incl. `stream: true`), messages.stream() (recorded once,
 * through the create call it makes), beta.messages.create / stream, and the legacy
 * completions.create. Cache read / write tokens are normalised into input tokens. The
 * client's `APIPromise` / `Stream` / `MessageStream` objects are returned as they are.
 *
 * The Anthropic SDK's own OpenTelemetry spans of calls recorded here are marked so that
 * `GenAiSpanMetricsProcessor` does not count them again.
 */
export class AnthropicInstrumentation extends InstrumentationBase<AnthropicInstrumentationConfig> {
  declare private _llmRecorder: LlmRecorder | undefined;

  constructor(config: AnthropicInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    if (config.meterProvider) this.setMeterProvider(config.meterProvider);
  }

  /** Pins the meter provider the metrics are recorded into. */
  override setMeterProvider(meterProvider: MeterProvider): void {
    super.setMeterProvider(meterProvider);
    this._llmRecorder = new LlmRecorder({ meterProvider });
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        MODULE_NAME,
        ['*'], // every version is seen, so that one outside SUPPORTED_VERSIONS gets a warning
        (moduleExports: unknown, moduleVersion?: string) => {
          if (checkSupportedVersion(MODULE_NAME, moduleVersion, SUPPORTED_VERSIONS[0]!)) this.patchExports(moduleExports);
          return moduleExports;
        },
        (moduleExports: unknown) => {
          this.unpatchExports(moduleExports);
          return moduleExports;
        },
      ),
    ];
  }

  /** Patches an already-loaded `@anthropic-ai/sdk` module (for apps that load it first). */
  manuallyInstrument(moduleExports: unknown): void {
    this.patchExports(moduleExports);
  }

  private llm(): LlmRecorder {
    return this._llmRecorder ?? getDefaultLlmRecorder();
  }

  private patchExports(moduleExports: unknown): void {
    try {
      const client = resolveClientClass(moduleExports);
      if (!client) {
        report('AGENTMETER_INSTRUMENTATION_UNSUPPORTED', 'anthropic.exports', '@anthropic-ai/sdk: client class not found in module exports; not instrumented');
        return;
      }
      patchClientPrototypes(client, PATCH_TARGETS, PATCHED, (original, target) =>
        target.mode === 'record' ? this.wrapRecord(original, target) : this.wrapMark(original),
      );
    } catch (e) {
      report('AGENTMETER_INSTRUMENTATION_FAILED', 'anthropic.patch', `@anthropic-ai/sdk: patching failed: ${String(e)}`);
    }
  }

  private unpatchExports(moduleExports: unknown): void {
    const client = resolveClientClass(moduleExports);
    if (!client) return;
    unpatchClientPrototypes(client, PATCH_TARGETS, PATCHED);
  }

  private wrapMark(original: ClientMethod): ClientMethod {
    const instrumentation = this;
    return function agentmeterAnthropicHelper(this: unknown, ...args: unknown[]): unknown {
      if (!instrumentation.isEnabled()) return original.apply(this, args);
      return runRecordedGenAiCall(() => original.apply(this, args));
    };
  }

  private wrapRecord(original: ClientMethod, target: PatchTarget): ClientMethod {
    const instrumentation = this;
    return function agentmeterAnthropic(this: unknown, ...args: unknown[]): unknown {
      if (!instrumentation.isEnabled()) return original.apply(this, args);
      const start = nowSeconds();
      let attrs: LlmCallAttributes | undefined;
      let streaming = false;
      try {
        const body = typeof args[0] === 'object' && args[0] !== null ? (args[0] as Record<string, unknown>) : undefined;
        streaming = body?.stream === true;
        attrs = {
          provider: instrumentation.getConfig().providerName || GEN_AI_PROVIDER_NAME_VALUES.ANTHROPIC,
          requestModel: typeof body?.model === 'string' ? body.model : undefined,
          operation: target.operation,
        };
      } catch {
        attrs = undefined;
      }
      if (!attrs) return original.apply(this, args);
      const a = attrs;
      let result: unknown;
      try {
        result = runRecordedGenAiCall(() => original.apply(this, args));
      } catch (error) {
        instrumentation.llm().record({ ...a, durationSeconds: nowSeconds() - start, error });
        throw error;
      }
      const recorder = instrumentation.llm();
      observeClientPromise(result, {
        result: (value) => {
          if (streaming) {
            const observer = new LlmStreamObserver(a, anthropicAdapter, { recorder, startTime: start });
            if (wrapClientStream(value, (it) => observer.wrapIterator(it))) return;
          }
          recorder.record({ ...a, ...anthropicAdapter.usage?.(value), durationSeconds: nowSeconds() - start });
        },
        error: (error) => recorder.record({ ...a, durationSeconds: nowSeconds() - start, error }),
        responseOnly: () => recorder.record({ ...a, durationSeconds: nowSeconds() - start }),
      });
      return result;
    };
  }
}
