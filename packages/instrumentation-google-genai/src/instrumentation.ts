import type { MeterProvider } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { checkSupportedVersion, report } from '@agentmeter/api';
import { LlmRecorder, getDefaultLlmRecorder, nowSeconds, runRecordedGenAiCall, type LlmCallAttributes, type LlmUsage } from '@agentmeter/llm';
import { GEN_AI_OPERATION_NAME_VALUES as OP, GEN_AI_PROVIDER_NAME_VALUES as PROVIDER } from '@agentmeter/semconv';
import type { GoogleGenAIInstrumentationConfig } from './types';
import type { ModelsLike, ModelsMethod, PatchTarget, UsageMetadata } from './internal-types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import { MODULE_NAME, SUPPORTED_VERSIONS } from './module';

/** Own property of the patched `Models.prototype` holding the original methods (the once-only guard). */
const PATCHED = Symbol.for('agentmeter.instrumentation-google-genai.patched');

/**
 * `Models.prototype` methods that make one HTTP call each. The public `generateContent`,
 * `generateContentStream` and `embedContent` are per-instance arrow functions that call
 * these (once, or once per automatic-function-calling turn); `chats` calls them too.
 */
const TARGETS: readonly PatchTarget[] = [
  { method: 'generateContentInternal', operation: OP.GENERATE_CONTENT, stream: false },
  { method: 'generateContentStreamInternal', operation: OP.GENERATE_CONTENT, stream: true },
  { method: 'embedContentInternal', operation: OP.EMBEDDINGS, stream: false },
];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

/** `models/gemini-2.5-flash`, `projects/p/locations/l/publishers/google/models/gemini-2.5-flash` → `gemini-2.5-flash`. */
function modelName(m: unknown): string | undefined {
  if (typeof m !== 'string' || m === '') return undefined;
  const i = m.lastIndexOf('models/');
  return i >= 0 ? m.slice(i + 'models/'.length) : m;
}

/**
 * Gemini usage → normalised usage: promptTokenCount already includes cached content (input
 * = prompt + tool-use prompt tokens); output = candidates + thoughts (reasoning).
 */
export function geminiUsage(response: unknown): LlmUsage | undefined {
  if (!isObj(response)) return undefined;
  const out: { -readonly [K in keyof LlmUsage]: LlmUsage[K] } = {};
  const u = response.usageMetadata as UsageMetadata | undefined;
  if (isObj(u)) {
    const prompt = num(u.promptTokenCount);
    const toolPrompt = num(u.toolUsePromptTokenCount);
    if (prompt !== undefined || toolPrompt !== undefined) out.inputTokens = (prompt ?? 0) + (toolPrompt ?? 0);
    const candidates = num(u.candidatesTokenCount);
    const thoughts = num(u.thoughtsTokenCount);
    if (candidates !== undefined || thoughts !== undefined) out.outputTokens = (candidates ?? 0) + (thoughts ?? 0);
    const cached = num(u.cachedContentTokenCount);
    if (cached !== undefined) out.cacheReadTokens = cached;
    if (thoughts !== undefined) out.reasoningTokens = thoughts;
  }
  if (typeof response.modelVersion === 'string' && response.modelVersion) out.responseModel = response.modelVersion;
  return out;
}

/** Embeddings: `usageMetadata.promptTokenCount` when present, else the sum of Vertex AI's per-embedding `statistics.tokenCount`; the Gemini API may return none. */
function embeddingUsage(response: unknown): LlmUsage | undefined {
  if (!isObj(response)) return undefined;
  const prompt = isObj(response.usageMetadata) ? num(response.usageMetadata.promptTokenCount) : undefined;
  if (prompt !== undefined) return { inputTokens: prompt };
  if (!Array.isArray(response.embeddings)) return undefined;
  let total: number | undefined;
  for (const e of response.embeddings) {
    const n = isObj(e) && isObj(e.statistics) ? num(e.statistics.tokenCount) : undefined;
    if (n !== undefined) total = (total ?? 0) + n;
  }
  return total === undefined ? undefined : { inputTokens: total };
}

/** True when a stream chunk carries output (text, a function call, inline data). */
function hasOutput(chunk: unknown): boolean {
  if (!isObj(chunk) || !Array.isArray(chunk.candidates)) return false;
  for (const c of chunk.candidates) {
    const parts = isObj(c) && isObj(c.content) ? c.content.parts : undefined;
    if (!Array.isArray(parts)) continue;
    for (const p of parts) if (isObj(p) && ((typeof p.text === 'string' && p.text.length > 0) || isObj(p.functionCall) || isObj(p.inlineData))) return true;
  }
  return false;
}

/**
 * Zero-code metrics for `@google/genai` (CommonJS and ESM builds, each patched once):
 * `models.generateContent`, `models.generateContentStream` (TTFT, time per output chunk),
 * `models.embedContent`, and `chats` (which call them). Provider `gcp.gemini`, or
 * `gcp.vertex_ai` for a client in Vertex AI mode. Results and streams pass through unchanged.
 */
export class GoogleGenAIInstrumentation extends InstrumentationBase<GoogleGenAIInstrumentationConfig> {
  declare private _llmRecorder: LlmRecorder | undefined;

  constructor(config: GoogleGenAIInstrumentationConfig = {}) {
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
        ['*'],
        (moduleExports: unknown, moduleVersion?: string) => {
          if (checkSupportedVersion(MODULE_NAME, moduleVersion, SUPPORTED_VERSIONS)) this.patchExports(moduleExports);
          return moduleExports;
        },
        (moduleExports: unknown) => {
          this.unpatchExports(moduleExports);
          return moduleExports;
        },
      ),
    ];
  }

  /** Patches an already-loaded `@google/genai` module (what `require` or `import *` gives). */
  manuallyInstrument(moduleExports: unknown): void {
    this.patchExports(moduleExports);
  }

  private llm(): LlmRecorder {
    return this._llmRecorder ?? getDefaultLlmRecorder();
  }

  private patchExports(moduleExports: unknown): void {
    try {
      const proto = (moduleExports as { Models?: { prototype?: unknown } } | undefined)?.Models?.prototype as Record<string | symbol, unknown> | undefined;
      if (!proto || typeof proto.generateContentInternal !== 'function') {
        report('AGENTMETER_INSTRUMENTATION_UNSUPPORTED', 'google-genai.exports', '@google/genai: Models.prototype.generateContentInternal not found; not instrumented');
        return;
      }
      if (Object.prototype.hasOwnProperty.call(proto, PATCHED)) return;
      const originals: Record<string, ModelsMethod> = {};
      for (const t of TARGETS) if (typeof proto[t.method] === 'function') originals[t.method] = proto[t.method] as ModelsMethod;
      Object.defineProperty(proto, PATCHED, { value: originals, configurable: true });
      for (const t of TARGETS) {
        const original = originals[t.method];
        if (original) proto[t.method] = this.wrap(original, t);
      }
    } catch (e) {
      report('AGENTMETER_INSTRUMENTATION_FAILED', 'google-genai.patch', `@google/genai: patching failed: ${String(e)}`);
    }
  }

  private unpatchExports(moduleExports: unknown): void {
    const proto = (moduleExports as { Models?: { prototype?: Record<string | symbol, unknown> } } | undefined)?.Models?.prototype;
    if (!proto || !Object.prototype.hasOwnProperty.call(proto, PATCHED)) return;
    const originals = proto[PATCHED] as Record<string, ModelsMethod>;
    for (const [m, f] of Object.entries(originals)) proto[m] = f;
    delete proto[PATCHED];
  }

  private providerOf(models: ModelsLike): string {
    const configured = this.getConfig().providerName;
    if (configured) return configured;
    try {
      return models?.apiClient?.isVertexAI?.() === true ? PROVIDER.GCP_VERTEX_AI : PROVIDER.GCP_GEMINI;
    } catch {
      return PROVIDER.GCP_GEMINI;
    }
  }

  private wrap(original: ModelsMethod, target: PatchTarget): ModelsMethod {
    const inst = this;
    return function agentmeterGoogleGenAI(this: ModelsLike, ...args: unknown[]): unknown {
      if (!inst.isEnabled()) return original.apply(this, args);
      const start = nowSeconds();
      let attrs: LlmCallAttributes | undefined;
      try {
        const params = args[0];
        attrs = { provider: inst.providerOf(this), requestModel: modelName(isObj(params) ? params.model : undefined), operation: target.operation };
      } catch {
        attrs = undefined;
      }
      if (!attrs) return original.apply(this, args);
      const a = attrs;
      let result: unknown;
      try {
        result = runRecordedGenAiCall(() => original.apply(this, args));
      } catch (error) {
        inst.llm().record({ ...a, durationSeconds: nowSeconds() - start, error });
        throw error;
      }
      if (!result || typeof (result as Promise<unknown>).then !== 'function') return result;
      return (result as Promise<unknown>).then(
        (value) => {
          if (target.stream) return inst.observeStream(value, a, start);
          try {
            const usage = target.operation === OP.EMBEDDINGS ? embeddingUsage(value) : geminiUsage(value);
            inst.llm().record({ ...a, ...usage, durationSeconds: nowSeconds() - start });
          } catch (e) {
            report('AGENTMETER_RECORD_FAILED', 'google-genai.record', `@google/genai: recording failed: ${String(e)}`);
          }
          return value;
        },
        (error: unknown) => {
          inst.llm().record({ ...a, durationSeconds: nowSeconds() - start, error });
          throw error;
        },
      );
    };
  }

  /** Returns an async generator yielding the SDK stream's chunks unchanged; the call is recorded once when it ends, is abandoned or fails. */
  private observeStream(stream: unknown, attrs: LlmCallAttributes, start: number): unknown {
    if (!stream || typeof (stream as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') {
      this.llm().record({ ...attrs, durationSeconds: nowSeconds() - start });
      return stream;
    }
    const recorder = this.llm();
    let first: number | undefined;
    let last: number | undefined;
    const intervals: number[] = [];
    let usage: LlmUsage | undefined;
    let done = false;
    const finish = (error?: unknown): void => {
      if (done) return;
      done = true;
      recorder.record({
        ...attrs,
        ...usage,
        durationSeconds: nowSeconds() - start,
        timeToFirstChunkSeconds: first === undefined ? undefined : first - start,
        timePerOutputChunkSeconds: intervals.length > 0 ? intervals : undefined,
        error,
      });
    };
    const observe = (chunk: unknown): void => {
      try {
        const t = nowSeconds();
        const u = geminiUsage(chunk);
        // usageMetadata is cumulative: the last chunk that carries it has the totals
        if (u && (u.inputTokens !== undefined || u.outputTokens !== undefined)) usage = u;
        else if (u?.responseModel) usage = { ...usage, responseModel: u.responseModel };
        if (!hasOutput(chunk)) return;
        if (first === undefined) first = t;
        else if (last !== undefined && intervals.length < 10_000) intervals.push(t - last);
        last = t;
      } catch {
        // a malformed chunk never breaks the app's stream
      }
    };
    return (async function* agentmeterGeminiStream() {
      try {
        for await (const chunk of stream as AsyncIterable<unknown>) {
          observe(chunk);
          yield chunk;
        }
      } catch (e) {
        finish(e ?? new Error('stream failed'));
        throw e;
      } finally {
        finish();
      }
    })();
  }
}
