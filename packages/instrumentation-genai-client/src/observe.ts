import { type LlmAdapter, type LlmCallAttributes, type LlmRecorder } from '@agentmeter/llm';
import { LlmStreamObserver, nowSeconds } from '@agentmeter/llm/internal';
import { observeClientPromise, wrapClientStream } from './client-promise';

/** How one client call ended. */
export type GenAiCallOutcome =
  /** A complete result (not a stream that is observed chunk by chunk). */
  | { readonly kind: 'result'; readonly value: unknown; readonly durationSeconds: number }
  /** The call failed: thrown, rejected, or its response failed. */
  | { readonly kind: 'error'; readonly error: unknown; readonly durationSeconds: number }
  /** The response arrived but nobody parsed its body (the app used `.asResponse()`). */
  | { readonly kind: 'response'; readonly durationSeconds: number };

/** What {@link observeGenAiCall} needs to know about one call. */
export interface GenAiCallOptions {
  /** gen_ai attributes: provider, request model, operation. */
  readonly attrs: LlmCallAttributes;
  /** When the call started (`nowSeconds()`). */
  readonly start: number;
  /** The request asked for a stream: a stream result is observed chunk by chunk (TTFT, time per chunk, final usage). */
  readonly stream: boolean;
  /** Reads usage from a complete result (`usage`) and from stream chunks (`chunk`). */
  readonly adapter: LlmAdapter;
  readonly recorder: LlmRecorder;
  /** Records an outcome other than an observed stream; default: `recorder.record` with the usage `adapter` reads from a result. */
  readonly record?: (outcome: GenAiCallOutcome) => void;
}

/** The default recording of an outcome: a GenAI client call with the usage `adapter.usage` reads from a result. */
export function recordGenAiOutcome(options: Pick<GenAiCallOptions, 'attrs' | 'adapter' | 'recorder'>, outcome: GenAiCallOutcome): void {
  const usage = outcome.kind === 'result' ? options.adapter.usage?.(outcome.value) : undefined;
  options.recorder.record({ ...options.attrs, ...usage, durationSeconds: outcome.durationSeconds, error: outcome.kind === 'error' ? outcome.error : undefined });
}

/**
 * Runs one GenAI client SDK call (`run`) and records it once: a synchronous throw, and the
 * returned promise (a Stainless `APIPromise`, observed without being replaced, so
 * `.withResponse()` / `.asResponse()` keep working; or any thenable; or a plain value).
 * When `stream` is set and the result is a client `Stream`, its iteration is observed in
 * place and the call is recorded when the stream ends, is abandoned or fails. Returns what
 * `run` returned; rethrows what it threw.
 */
export function observeGenAiCall(run: () => unknown, options: GenAiCallOptions): unknown {
  const { start } = options;
  const record = options.record ?? ((outcome: GenAiCallOutcome) => recordGenAiOutcome(options, outcome));
  const elapsed = (): number => nowSeconds() - start;
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    record({ kind: 'error', error, durationSeconds: elapsed() });
    throw error;
  }
  return observeClientPromise(result, {
    result: (value) => {
      if (options.stream && observeStream(value, options)) return;
      record({ kind: 'result', value, durationSeconds: elapsed() });
    },
    error: (error) => record({ kind: 'error', error, durationSeconds: elapsed() }),
    responseOnly: () => record({ kind: 'response', durationSeconds: elapsed() }),
  });
}

/** If `value` is a client `Stream`, observes its chunks in place (through `adapter.chunk`) and returns true. */
function observeStream(value: unknown, options: GenAiCallOptions): boolean {
  const observer = new LlmStreamObserver(options.attrs, options.adapter, { recorder: options.recorder, startTime: options.start });
  return wrapClientStream(value, (it) => observer.wrapIterator(it));
}

/**
 * An async generator yielding `source`'s chunks unchanged, each seen by `observer` (TTFT,
 * time per output chunk, usage through its adapter); the call is recorded once, when the
 * stream ends, is abandoned or fails (`mapError` gives what is recorded of a failure). For
 * clients whose stream object is replaced rather than observed in place.
 */
export function observeAsyncIterable<T>(source: AsyncIterable<T>, observer: LlmStreamObserver, mapError: (error: unknown) => unknown = (e) => e): AsyncGenerator<T> {
  return (async function* agentmeterStream() {
    try {
      for await (const chunk of source) {
        observer.chunk(chunk);
        yield chunk;
      }
    } catch (e) {
      observer.finish(mapError(e ?? new Error('stream failed')));
      throw e;
    } finally {
      observer.finish();
    }
  })();
}
