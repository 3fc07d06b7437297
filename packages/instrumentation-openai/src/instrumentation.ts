import type { MeterProvider } from '@opentelemetry/api';
import { GenAiClientInstrumentation, type GenAiCallOutcome, type GenAiClientCall, type GenAiClientSpec } from '@agentmeter/instrumentation-genai-client';
import { openaiAdapter } from '@agentmeter/llm';
import { SpeechRecorder, countCharacters, getDefaultSpeechRecorder, transcriptionUsage } from '@agentmeter/speech';
import { GEN_AI_PROVIDER_NAME_VALUES } from '@agentmeter/semconv';
import type { OpenAIInstrumentationConfig } from './types';
import type { PatchTarget, ResourceLike } from './internal-types';
import { MODULE_NAME, PATCH_TARGETS, PROVIDER_BY_HOST, SUPPORTED_VERSIONS } from './semconv';

import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
export { PACKAGE_NAME, PACKAGE_VERSION };

/** Own property of a patched prototype holding the original methods (the once-only guard). */
export const PATCHED = Symbol.for('agentmeter.instrumentation-openai.patched');

const SPEC: GenAiClientSpec<PatchTarget> = {
  moduleName: MODULE_NAME,
  supportedVersions: SUPPORTED_VERSIONS[0]!,
  exportName: 'OpenAI',
  marker: 'Chat',
  targets: PATCH_TARGETS,
  guard: PATCHED,
  wrapperName: 'agentmeterOpenAI',
  label: 'openai',
  adapter: openaiAdapter,
};

const providerCache = new WeakMap<object, string>();

/**
 * Zero-code metrics for the `openai` client (CommonJS and ESM builds, each patched once):
 * chat.completions.create (incl. stream and the `.parse`/`.stream`/`runTools` helpers built
 * on it), completions.create, responses.create (incl. stream), embeddings.create,
 * images.generate / edit, audio.speech.create, audio.transcriptions.create and
 * audio.translations.create. The client's returned `APIPromise` and `Stream` objects are
 * returned as they are (observed, not replaced).
 */
export class OpenAIInstrumentation extends GenAiClientInstrumentation<PatchTarget, OpenAIInstrumentationConfig> {
  declare private _speechRecorder: SpeechRecorder | undefined;

  constructor(config: OpenAIInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected spec(): GenAiClientSpec<PatchTarget> {
    return SPEC;
  }

  /** Pins the meter provider the metrics are recorded into. */
  override setMeterProvider(meterProvider: MeterProvider): void {
    super.setMeterProvider(meterProvider);
    this._speechRecorder = new SpeechRecorder({ meterProvider, llmRecorder: this.llm() });
  }

  private speech(): SpeechRecorder {
    return this._speechRecorder ?? getDefaultSpeechRecorder();
  }

  /** `azure.ai.openai` for `AzureOpenAI` clients, a provider recognised from the client's `baseURL` host, else `openai`. */
  protected provider(resource: unknown): string {
    const client = (resource as ResourceLike | undefined)?._client;
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

  /** Audio calls are recorded as speech (characters of text to speech, audio seconds and tokens of transcriptions). */
  protected override record(target: PatchTarget, call: GenAiClientCall, outcome: GenAiCallOutcome): void {
    if (target.kind === 'llm') return super.record(target, call, outcome);
    const base = { ...call.attrs, operation: target.kind, durationSeconds: outcome.durationSeconds };
    const input = call.body?.input;
    if (outcome.kind === 'error') this.speech().record({ ...base, error: outcome.error });
    else if (target.kind === 'text_to_speech') this.speech().record({ ...base, characters: typeof input === 'string' ? countCharacters(input) : undefined });
    else if (outcome.kind === 'result') {
      const usage = transcriptionUsage(outcome.value);
      this.speech().record({ ...base, audioSeconds: usage?.audioSeconds, inputTokens: usage?.inputTokens, outputTokens: usage?.outputTokens });
    } else this.speech().record(base);
  }
}
