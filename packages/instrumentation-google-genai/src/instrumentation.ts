import { report } from '@agentmeter/api';
import { GenAiInstrumentation, observeAsyncIterable, type GenAiModule } from '@agentmeter/instrumentation-genai-client';
import { runRecordedGenAiCall, type LlmAdapter, type LlmCallAttributes, type LlmUsage } from '@agentmeter/llm';
import { LlmStreamObserver, nowSeconds } from '@agentmeter/llm/internal';
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

/** Stream chunks: usageMetadata is cumulative (the last chunk that carries it has the totals); output chunks time TTFT. */
const geminiStreamAdapter: LlmAdapter = {
  chunk(chunk, acc) {
    try {
      const u = geminiUsage(chunk);
      if (u && (u.inputTokens !== undefined || u.outputTokens !== undefined)) {
        Object.assign(acc, { inputTokens: undefined, outputTokens: undefined, cacheReadTokens: undefined, reasoningTokens: undefined, responseModel: undefined }, u);
      } else if (u?.responseModel) acc.responseModel = u.responseModel;
      return hasOutput(chunk);
    } catch {
      return false; // a malformed chunk never breaks the app's stream
    }
  },
};

const MODULE: GenAiModule = { moduleName: MODULE_NAME, supportedVersions: SUPPORTED_VERSIONS };

/**
 * Zero-code metrics for `@google/genai` (CommonJS and ESM builds, each patched once):
 * `models.generateContent`, `models.generateContentStream` (TTFT, time per output chunk),
 * `models.embedContent`, and `chats` (which call them). Provider `gcp.gemini`, or
 * `gcp.vertex_ai` for a client in Vertex AI mode. Results and streams pass through unchanged.
 */
export class GoogleGenAIInstrumentation extends GenAiInstrumentation<GoogleGenAIInstrumentationConfig> {
  constructor(config: GoogleGenAIInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected module(): GenAiModule {
    return MODULE;
  }

  protected patchExports(moduleExports: unknown): void {
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

  protected unpatchExports(moduleExports: unknown): void {
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
    return observeAsyncIterable(stream as AsyncIterable<unknown>, new LlmStreamObserver(attrs, geminiStreamAdapter, { recorder: this.llm(), startTime: start }));
  }
}
