import type { LlmUsage } from './record';

/** Mutable usage accumulated over a stream's chunks; adapters may keep extra private fields on it. */
export interface LlmUsageAccumulator {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  responseModel?: string;
  [extra: string]: unknown;
}

/**
 * Reads usage from a provider's result shapes. Both members are optional: `usage` for a
 * complete result (trackLlmCall), `chunk` for stream chunks (wrapLlmStream).
 */
export interface LlmAdapter<R = unknown, C = unknown> {
  /** Usage of a complete result, or undefined when it carries none. */
  usage?(result: R): LlmUsage | undefined;
  /** Folds one stream chunk into `acc`; returns true when the chunk carries output (text, tool call, audio). */
  chunk?(chunk: C, acc: LlmUsageAccumulator): boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

function add(...vs: (number | undefined)[]): number | undefined {
  let total: number | undefined;
  for (const v of vs) if (v !== undefined) total = (total ?? 0) + v;
  return total;
}

// ------------------------------------------------------------------ OpenAI

/** OpenAI `usage` (chat/completions, responses, embeddings, images, transcriptions) → normalised usage. */
function openaiUsage(usage: unknown, model: unknown): LlmUsage | undefined {
  const responseModel = str(model);
  if (!isObj(usage)) return responseModel ? { responseModel } : undefined;
  const details = (isObj(usage.prompt_tokens_details) ? usage.prompt_tokens_details : undefined) ?? (isObj(usage.input_tokens_details) ? usage.input_tokens_details : undefined);
  const out: { -readonly [K in keyof LlmUsage]: LlmUsage[K] } = {};
  // OpenAI counts cached tokens inside prompt/input tokens already (inclusive accounting)
  const input = num(usage.prompt_tokens) ?? num(usage.input_tokens);
  const output = num(usage.completion_tokens) ?? num(usage.output_tokens);
  if (input !== undefined) out.inputTokens = input;
  if (output !== undefined) out.outputTokens = output;
  const cached = details ? num(details.cached_tokens) : undefined;
  if (cached !== undefined) out.cacheReadTokens = cached;
  // reasoning tokens are counted inside completion/output tokens already
  const outDetails = (isObj(usage.completion_tokens_details) ? usage.completion_tokens_details : undefined) ?? (isObj(usage.output_tokens_details) ? usage.output_tokens_details : undefined);
  const reasoning = outDetails ? num(outDetails.reasoning_tokens) : undefined;
  if (reasoning !== undefined) out.reasoningTokens = reasoning;
  if (responseModel) out.responseModel = responseModel;
  return out;
}

function openaiChunk(chunk: unknown, acc: LlmUsageAccumulator): boolean {
  if (!isObj(chunk)) return false;
  const type = chunk.type;
  if (typeof type === 'string') {
    // Responses API stream events
    if (type === 'response.created' || type === 'response.in_progress' || type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') {
      const r = chunk.response;
      if (isObj(r)) {
        const u = openaiUsage(r.usage, r.model);
        if (u) Object.assign(acc, u);
      }
      return false;
    }
    // other typed events (transcript.text.delta / transcript.text.done carry usage at the end)
    if (isObj(chunk.usage)) {
      const u = openaiUsage(chunk.usage, undefined);
      if (u) Object.assign(acc, u);
    }
    return type.endsWith('.delta');
  }
  // chat.completion.chunk / text_completion
  const model = str(chunk.model);
  if (model) acc.responseModel = model;
  if (isObj(chunk.usage)) {
    const u = openaiUsage(chunk.usage, chunk.model);
    if (u) Object.assign(acc, u);
  }
  const choices = chunk.choices;
  if (Array.isArray(choices)) {
    for (const c of choices) {
      if (!isObj(c)) continue;
      if (typeof c.text === 'string' && c.text.length > 0) return true;
      const d = c.delta;
      if (isObj(d) && ((typeof d.content === 'string' && d.content.length > 0) || Array.isArray(d.tool_calls) || (typeof d.refusal === 'string' && d.refusal.length > 0) || isObj(d.audio))) return true;
    }
  }
  return false;
}

/** Adapter for the `openai` client's result and stream-chunk shapes (chat, responses, embeddings, images, audio). */
export const openaiAdapter: LlmAdapter = {
  usage(result) {
    if (!isObj(result)) return undefined;
    return openaiUsage(result.usage, result.model);
  },
  chunk: openaiChunk,
};

// ------------------------------------------------------------------ Anthropic

/** Anthropic `usage` → normalised usage: input = input_tokens + cache_read + cache_creation (exclusive accounting). */
function anthropicUsage(usage: unknown, model: unknown): LlmUsage | undefined {
  const responseModel = str(model);
  if (!isObj(usage)) return responseModel ? { responseModel } : undefined;
  const out: { -readonly [K in keyof LlmUsage]: LlmUsage[K] } = {};
  const base = num(usage.input_tokens);
  const read = num(usage.cache_read_input_tokens);
  const write = num(usage.cache_creation_input_tokens);
  const input = add(base, read, write);
  if (input !== undefined) out.inputTokens = input;
  const output = num(usage.output_tokens);
  if (output !== undefined) out.outputTokens = output;
  if (read !== undefined) out.cacheReadTokens = read;
  if (write !== undefined) out.cacheWriteTokens = write;
  if (responseModel) out.responseModel = responseModel;
  return out;
}

function anthropicChunk(chunk: unknown, acc: LlmUsageAccumulator): boolean {
  if (!isObj(chunk)) return false;
  switch (chunk.type) {
    case 'message_start': {
      const m = chunk.message;
      if (isObj(m)) {
        const u = anthropicUsage(m.usage, m.model);
        if (u) Object.assign(acc, u);
      }
      return false;
    }
    case 'message_delta': {
      const u = chunk.usage;
      if (isObj(u)) {
        // cumulative counts; input fields appear only in newer API versions
        const out = num(u.output_tokens);
        if (out !== undefined) acc.outputTokens = out;
        if (num(u.input_tokens) !== undefined) {
          const read = num(u.cache_read_input_tokens) ?? acc.cacheReadTokens;
          const write = num(u.cache_creation_input_tokens) ?? acc.cacheWriteTokens;
          acc.inputTokens = add(num(u.input_tokens), read, write);
          if (read !== undefined) acc.cacheReadTokens = read;
          if (write !== undefined) acc.cacheWriteTokens = write;
        }
      }
      return false;
    }
    case 'content_block_delta':
      return true;
    case 'content_block_start': {
      const b = chunk.content_block;
      return isObj(b) && b.type === 'tool_use';
    }
    default:
      return false;
  }
}

/** Adapter for `@anthropic-ai/sdk` Message results and MessageStreamEvent chunks (cache tokens normalised into input). */
export const anthropicAdapter: LlmAdapter = {
  usage(result) {
    if (!isObj(result)) return undefined;
    return anthropicUsage(result.usage, result.model);
  },
  chunk: anthropicChunk,
};

// ------------------------------------------------------------------ auto

function looksAnthropic(result: Obj): boolean {
  if (result.type === 'message') return true;
  const u = result.usage;
  return isObj(u) && ('cache_creation_input_tokens' in u || 'cache_read_input_tokens' in u);
}

/** A result that already carries normalised usage: `{ usage: { inputTokens, outputTokens, ... } }` or those fields at top level. */
function camelUsage(result: Obj): LlmUsage | undefined {
  const u = isObj(result.usage) ? result.usage : result;
  const input = num(u.inputTokens);
  const output = num(u.outputTokens);
  if (input === undefined && output === undefined) return undefined;
  const out: { -readonly [K in keyof LlmUsage]: LlmUsage[K] } = {};
  if (input !== undefined) out.inputTokens = input;
  if (output !== undefined) out.outputTokens = output;
  const read = num(u.cacheReadTokens);
  const write = num(u.cacheWriteTokens);
  const reasoning = num(u.reasoningTokens);
  if (read !== undefined) out.cacheReadTokens = read;
  if (write !== undefined) out.cacheWriteTokens = write;
  if (reasoning !== undefined) out.reasoningTokens = reasoning;
  const model = str(u.responseModel) ?? str(result.model);
  if (model) out.responseModel = model;
  return out;
}

/**
 * The default adapter: recognises OpenAI and Anthropic shapes (results and chunks) and
 * results that carry agentmeter-style `{ inputTokens, outputTokens }` usage.
 */
export const defaultLlmAdapter: LlmAdapter = {
  usage(result) {
    if (!isObj(result)) return undefined;
    const camel = camelUsage(result);
    if (camel) return camel;
    return looksAnthropic(result) ? anthropicAdapter.usage!(result) : openaiAdapter.usage!(result);
  },
  chunk(chunk, acc) {
    if (!isObj(chunk)) return false;
    const t = chunk.type;
    if (typeof t === 'string' && (t.startsWith('message_') || t.startsWith('content_block_') || t === 'ping')) return anthropicChunk(chunk, acc);
    return openaiChunk(chunk, acc);
  },
};
