import { classifyError } from '@agentmeter/api';

/**
 * The `error.type` of a thrown value: agentmeter's one classifier (`classifyError`, shared
 * with the LLM and speech recorders), so a tool failing with a `RateLimitError` or an
 * `UND_ERR_HEADERS_TIMEOUT` gets the same `rate_limit` / `timeout` as a model call would.
 * Never throws.
 */
export function errorTypeOf(err: unknown): string {
  return classifyError(err);
}

/** True when `v` looks like a promise (has a callable `then`). Never throws. */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  try {
    return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}
