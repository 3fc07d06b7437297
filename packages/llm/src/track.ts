import { report } from '@agentmeter/api';
import { defaultLlmAdapter, type LlmAdapter, type LlmUsageAccumulator } from './adapters';
import { getDefaultLlmRecorder, type LlmCallAttributes, type LlmRecorder, type LlmUsage } from './record';

/** Monotonic clock in seconds. */
export function nowSeconds(): number {
  return performance.now() / 1000;
}

/** Options shared by {@link trackLlmCall} and {@link wrapLlmStream}. */
export interface TrackOptions {
  /** Record with this recorder instead of the default one (global meter provider). */
  readonly recorder?: LlmRecorder;
  /** Start of the call as `performance.now() / 1000` (streams: when the request was sent), default now. */
  readonly startTime?: number;
}

/** Most chunk intervals kept per stream (the rest are dropped; duration and usage are still exact). */
export const MAX_CHUNK_INTERVALS = 10_000;

function readUsage<R>(adapter: LlmAdapter<R, unknown> | undefined, result: R): LlmUsage | undefined {
  const a = adapter ?? (defaultLlmAdapter as LlmAdapter<R, unknown>);
  if (typeof a.usage !== 'function') return undefined;
  try {
    return a.usage(result);
  } catch (e) {
    report('AGENTMETER_ADAPTER_FAILED', 'llm.adapter.usage', `usage adapter threw: ${String(e)}`);
    return undefined;
  }
}

/**
 * Runs `fn` (one async GenAI call) and records it: duration, the usage read from its result
 * through `adapter` (default: OpenAI / Anthropic / `{ inputTokens, outputTokens }` shapes),
 * and `error.type` when it throws (the error is rethrown unchanged). Resolves to `fn`'s
 * result, untouched.
 */
export async function trackLlmCall<T>(
  attrs: LlmCallAttributes,
  fn: () => T | PromiseLike<T>,
  adapter?: LlmAdapter<Awaited<T>, unknown>,
  options: TrackOptions = {},
): Promise<Awaited<T>> {
  const recorder = options.recorder ?? getDefaultLlmRecorder();
  const start = options.startTime ?? nowSeconds();
  let result: Awaited<T>;
  try {
    result = await fn();
  } catch (error) {
    recorder.record({ ...attrs, durationSeconds: nowSeconds() - start, error });
    throw error;
  }
  const usage = readUsage(adapter, result);
  recorder.record({ ...attrs, ...usage, responseModel: usage?.responseModel ?? attrs.responseModel, durationSeconds: nowSeconds() - start });
  return result;
}

/**
 * Watches one stream's chunks and records the call once, when `finish` is first called
 * (stream end, consumer abandon, or error). Used by {@link wrapLlmStream} and by the
 * instrumentations, which wrap a client's own stream object in place.
 */
export class LlmStreamObserver {
  private readonly start: number;
  private firstChunk: number | undefined;
  private lastOutput: number | undefined;
  private readonly intervals: number[] = [];
  private readonly acc: LlmUsageAccumulator = {};
  private done = false;

  constructor(
    private readonly attrs: LlmCallAttributes,
    private readonly adapter: LlmAdapter<unknown, unknown> = defaultLlmAdapter,
    private readonly options: TrackOptions = {},
  ) {
    this.start = options.startTime ?? nowSeconds();
  }

  /** Whether the call has been recorded already. */
  get finished(): boolean {
    return this.done;
  }

  /** Observes one chunk (never throws). */
  chunk(value: unknown): void {
    if (this.done) return;
    const t = nowSeconds();
    let output = true;
    if (typeof this.adapter.chunk === 'function') {
      try {
        output = this.adapter.chunk(value, this.acc) === true;
      } catch (e) {
        report('AGENTMETER_ADAPTER_FAILED', 'llm.adapter.chunk', `stream adapter threw: ${String(e)}`);
      }
    }
    if (!output) return;
    if (this.firstChunk === undefined) this.firstChunk = t;
    else if (this.lastOutput !== undefined && this.intervals.length < MAX_CHUNK_INTERVALS) this.intervals.push(t - this.lastOutput);
    this.lastOutput = t;
  }

  /** Records the call (first call only). `error` undefined means ended or abandoned normally. */
  finish(error?: unknown): void {
    if (this.done) return;
    this.done = true;
    const acc = this.acc;
    (this.options.recorder ?? getDefaultLlmRecorder()).record({
      ...this.attrs,
      inputTokens: acc.inputTokens,
      outputTokens: acc.outputTokens,
      cacheReadTokens: acc.cacheReadTokens,
      cacheWriteTokens: acc.cacheWriteTokens,
      reasoningTokens: acc.reasoningTokens,
      responseModel: acc.responseModel ?? this.attrs.responseModel,
      durationSeconds: nowSeconds() - this.start,
      timeToFirstChunkSeconds: this.firstChunk === undefined ? undefined : this.firstChunk - this.start,
      timePerOutputChunkSeconds: this.intervals.length > 0 ? this.intervals : undefined,
      error,
    });
  }

  /** Wraps an iterator so that every chunk passes through unchanged while being observed. */
  wrapIterator<T>(it: AsyncIterator<T>): AsyncIterator<T> {
    const wrapped: AsyncIterator<T> = {
      next: async (...args: [] | [unknown]) => {
        let r: IteratorResult<T>;
        try {
          r = await it.next(...(args as []));
        } catch (e) {
          this.finish(e ?? new Error('stream failed'));
          throw e;
        }
        if (r.done) this.finish();
        else this.chunk(r.value);
        return r;
      },
      return: async (value?: unknown) => {
        this.finish();
        if (typeof it.return === 'function') return it.return(value as T);
        return { done: true, value: value as T };
      },
      throw: async (e?: unknown) => {
        this.finish(e ?? new Error('stream failed'));
        if (typeof it.throw === 'function') return it.throw(e);
        throw e;
      },
    };
    return wrapped;
  }
}

/**
 * Returns an async iterable that yields `source`'s chunks unchanged and records the call
 * once: time to first chunk, time per output chunk, final usage (read by `adapter`), total
 * duration and `error.type`; when the stream ends, when the consumer abandons it (`break`,
 * `return()`), or when it errors.
 */
export function wrapLlmStream<T>(
  attrs: LlmCallAttributes,
  source: AsyncIterable<T>,
  adapter?: LlmAdapter<unknown, T>,
  options: TrackOptions = {},
): AsyncIterable<T> {
  const startTime = options.startTime ?? nowSeconds();
  return {
    [Symbol.asyncIterator]: () => {
      const observer = new LlmStreamObserver(attrs, (adapter ?? defaultLlmAdapter) as LlmAdapter<unknown, unknown>, { ...options, startTime });
      let it: AsyncIterator<T>;
      try {
        it = source[Symbol.asyncIterator]();
      } catch (e) {
        observer.finish(e);
        throw e;
      }
      return observer.wrapIterator(it);
    },
  };
}
