import type { MeterProvider } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { checkSupportedVersion, report } from '@agentmeter/api';
import {
  LlmRecorder,
  LlmStreamObserver,
  getDefaultLlmRecorder,
  nowSeconds,
  findClientClass,
  observeClientPromise,
  patchClientPrototypes,
  unpatchClientPrototypes,
  type ClientMethod,
  openaiAdapter,
  runRecordedGenAiCall,
  wrapClientStream,
  type LlmCallAttributes,
} from '@agentmeter/llm';
import { SpeechRecorder, countCharacters, getDefaultSpeechRecorder, transcriptionUsage } from '@agentmeter/speech';
import { GEN_AI_PROVIDER_NAME_VALUES } from '@agentmeter/semconv';
import type { OpenAIInstrumentationConfig } from './types';
import type { PatchTarget, ResourceLike } from './internal-types';
import { MODULE_NAME, PATCH_TARGETS, PROVIDER_BY_HOST, SUPPORTED_VERSIONS } from './semconv';

import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
export { PACKAGE_NAME, PACKAGE_VERSION };

/** Own property of a patched prototype holding the original methods (the once-only guard). */
export const PATCHED = Symbol.for('agentmeter.instrumentation-openai.patched');

const resolveClientClass = (moduleExports: unknown) => findClientClass(moduleExports, 'OpenAI', 'Chat');

const providerCache = new WeakMap<object, string>();

/**
 * Zero-code metrics for the `openai` client (CommonJS and ESM builds, each patched once):
 * chat.completions.create (incl. stream and the `.parse`/`.stream`/`runTools` helpers built
 * on it), completions.create, responses.create (incl. stream), embeddings.create,
 * images.generate / edit, audio.speech.create, audio.transcriptions.create and
 * audio.translations.create. The client's returned `APIPromise` and `Stream` objects are
 * returned as they are (observed, not replaced).
 */
export class OpenAIInstrumentation extends InstrumentationBase<OpenAIInstrumentationConfig> {
  declare private _llmRecorder: LlmRecorder | undefined;
  declare private _speechRecorder: SpeechRecorder | undefined;

  constructor(config: OpenAIInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    if (config.meterProvider) this.setMeterProvider(config.meterProvider);
  }

  /** Pins the meter provider the metrics are recorded into. */
  override setMeterProvider(meterProvider: MeterProvider): void {
    super.setMeterProvider(meterProvider);
    this._llmRecorder = new LlmRecorder({ meterProvider });
    this._speechRecorder = new SpeechRecorder({ meterProvider, llmRecorder: this._llmRecorder });
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

  /**
   * Patches an already-loaded `openai` module (what `require('openai')` or
   * `import * as m from 'openai'` gives), for apps that load it before the instrumentation.
   */
  manuallyInstrument(moduleExports: unknown): void {
    this.patchExports(moduleExports);
  }

  private llm(): LlmRecorder {
    return this._llmRecorder ?? getDefaultLlmRecorder();
  }

  private speech(): SpeechRecorder {
    return this._speechRecorder ?? getDefaultSpeechRecorder();
  }

  private patchExports(moduleExports: unknown): void {
    try {
      const client = resolveClientClass(moduleExports);
      if (!client) {
        report('AGENTMETER_INSTRUMENTATION_UNSUPPORTED', 'openai.exports', 'openai: client class not found in module exports; not instrumented');
        return;
      }
      patchClientPrototypes(client, PATCH_TARGETS, PATCHED, (original, target) => this.wrap(original, target));
    } catch (e) {
      report('AGENTMETER_INSTRUMENTATION_FAILED', 'openai.patch', `openai: patching failed: ${String(e)}`);
    }
  }

  private unpatchExports(moduleExports: unknown): void {
    const client = resolveClientClass(moduleExports);
    if (!client) return;
    unpatchClientPrototypes(client, PATCH_TARGETS, PATCHED);
  }

  private providerOf(resource: ResourceLike): string {
    const configured = this.getConfig().providerName;
    if (configured) return configured;
    const client = resource?._client;
    if (!client || typeof client !== 'object') return GEN_AI_PROVIDER_NAME_VALUES.OPENAI;
    const cached = providerCache.get(client);
    if (cached) return cached;
    let provider: string = GEN_AI_PROVIDER_NAME_VALUES.OPENAI;
    if (client.constructor?.name === 'AzureOpenAI') provider = GEN_AI_PROVIDER_NAME_VALUES.AZURE_AI_OPENAI;
    else if (typeof client.baseURL === 'string') {
      let host = '';
      try {
        host = new URL(client.baseURL).hostname;
      } catch {
        host = '';
      }
      for (const [fragment, name] of PROVIDER_BY_HOST) if (host.includes(fragment)) provider = name;
    }
    providerCache.set(client, provider);
    return provider;
  }

  private wrap(original: ClientMethod, target: PatchTarget): ClientMethod {
    const instrumentation = this;
    return function agentmeterOpenAI(this: unknown, ...args: unknown[]): unknown {
      if (!instrumentation.isEnabled()) return original.apply(this, args);
      const start = nowSeconds();
      let attrs: LlmCallAttributes | undefined;
      let body: Record<string, unknown> | undefined;
      try {
        body = typeof args[0] === 'object' && args[0] !== null ? (args[0] as Record<string, unknown>) : undefined;
        const model = body?.model;
        attrs = {
          provider: instrumentation.providerOf(this as ResourceLike),
          requestModel: typeof model === 'string' ? model : undefined,
          operation: target.operation,
        };
      } catch {
        attrs = undefined;
      }
      if (!attrs) return original.apply(this, args);
      let result: unknown;
      try {
        result = runRecordedGenAiCall(() => original.apply(this, args));
      } catch (error) {
        instrumentation.recordFailure(target, attrs, start, error);
        throw error;
      }
      instrumentation.observe(result, target, attrs, body, start);
      return result;
    };
  }

  private recordFailure(target: PatchTarget, attrs: LlmCallAttributes, start: number, error: unknown): void {
    const durationSeconds = nowSeconds() - start;
    if (target.kind === 'llm') this.llm().record({ ...attrs, durationSeconds, error });
    else this.speech().record({ ...attrs, operation: target.kind, durationSeconds, error });
  }

  private observe(result: unknown, target: PatchTarget, attrs: LlmCallAttributes, body: Record<string, unknown> | undefined, start: number): void {
    const streaming = body?.stream === true;
    const streamed = (value: unknown): boolean =>
      streaming &&
      wrapClientStream(value, (() => {
        const observer = new LlmStreamObserver(attrs, openaiAdapter, { recorder: this.llm(), startTime: start });
        return <T>(it: AsyncIterator<T>) => observer.wrapIterator(it);
      })());
    observeClientPromise(result, {
      result: (value) => {
        if (streamed(value)) return;
        const durationSeconds = nowSeconds() - start;
        if (target.kind === 'llm') {
          const usage = openaiAdapter.usage?.(value);
          this.llm().record({ ...attrs, ...usage, durationSeconds });
        } else if (target.kind === 'text_to_speech') {
          const input = body?.input;
          this.speech().record({ ...attrs, operation: 'text_to_speech', durationSeconds, characters: typeof input === 'string' ? countCharacters(input) : undefined });
        } else {
          const usage = transcriptionUsage(value);
          this.speech().record({ ...attrs, operation: 'speech_to_text', durationSeconds, audioSeconds: usage?.audioSeconds, inputTokens: usage?.inputTokens, outputTokens: usage?.outputTokens });
        }
      },
      error: (error) => this.recordFailure(target, attrs, start, error),
      responseOnly: () => {
        const durationSeconds = nowSeconds() - start;
        if (target.kind === 'llm') this.llm().record({ ...attrs, durationSeconds });
        else {
          const input = body?.input;
          this.speech().record({
            ...attrs,
            operation: target.kind,
            durationSeconds,
            characters: target.kind === 'text_to_speech' && typeof input === 'string' ? countCharacters(input) : undefined,
          });
        }
      },
    });
  }
}
