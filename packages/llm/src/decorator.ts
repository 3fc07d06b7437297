import { report } from '@agentmeter/api';
import type { LlmAdapter } from './adapters';
import type { LlmCallAttributes, LlmRecorder } from './record';
import { trackLlmCall } from './track';

/** Attributes of a tracked function, plus how to read its result's usage. */
export interface TrackLlmOptions extends LlmCallAttributes {
  /** Reads usage from the function's result (default: OpenAI / Anthropic / `{ inputTokens, outputTokens }`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- public type: an inline adapter reads its result untyped; unknown would break such callers
  readonly adapter?: LlmAdapter<any, unknown>;
  /** Record with this recorder instead of the default one. */
  readonly recorder?: LlmRecorder;
}

/**
 * Wraps an async function so every call is tracked with {@link trackLlmCall} (duration,
 * usage from the result, `error.type`); `this` and arguments are passed through.
 *
 * ```ts
 * const ask = withLlmMetrics({ provider: 'openai', model: 'gpt-4o' }, (q: string) => client.chat.completions.create(...));
 * ```
 */
export function withLlmMetrics<This, A extends unknown[], R>(
  options: TrackLlmOptions,
  fn: (this: This, ...args: A) => Promise<R>,
): (this: This, ...args: A) => Promise<R> {
  const { adapter, recorder, ...attrs } = options;
  return function (this: This, ...args: A): Promise<R> {
    return trackLlmCall<R>(attrs, () => fn.apply(this, args), adapter, { recorder }) as Promise<R>;
  };
}

/**
 * TypeScript 5 standard method decorator (the seeds' `@track_api_metrics`): each call of
 * the async method is tracked as one GenAI call.
 *
 * ```ts
 * class Assistant {
 *   @trackLlm({ provider: 'anthropic', model: 'claude-sonnet-4-5', operation: 'chat' })
 *   async reply(q: string) { return client.messages.create(...); }
 * }
 * ```
 */
export function trackLlm(options: TrackLlmOptions) {
  return function <This, A extends unknown[], R>(
    target: (this: This, ...args: A) => Promise<R>,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: A) => Promise<R>>,
  ): (this: This, ...args: A) => Promise<R> {
    if (context?.kind !== 'method' || typeof target !== 'function') {
      report('AGENTMETER_DECORATOR_MISUSE', 'trackLlm', '@trackLlm decorates methods only; left undecorated');
      return target;
    }
    return withLlmMetrics(options, target);
  };
}
