/**
 * A low-cardinality `error.type` for a thrown value: a few well-known classes
 * (timeout, network, cancelled), else the error's class name when it looks like an
 * identifier, else `_OTHER`. Never throws.
 */
export function errorTypeOf(err: unknown): string {
  try {
    if (err === null || typeof err !== 'object') return '_OTHER';
    const e = err as { name?: unknown; code?: unknown; constructor?: { name?: unknown } };
    const code = typeof e.code === 'string' ? e.code : '';
    const name = typeof e.name === 'string' ? e.name : '';
    if (name === 'AbortError' || code === 'ABORT_ERR') return 'cancelled';
    if (name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'timeout';
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EPIPE') return 'network';
    const cls = typeof e.constructor?.name === 'string' && e.constructor.name !== 'Object' ? e.constructor.name : name;
    return /^[A-Za-z_$][\w$]{0,63}$/.test(cls) ? cls : '_OTHER';
  } catch {
    return '_OTHER';
  }
}

/** True when `v` looks like a promise (has a callable `then`). Never throws. */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  try {
    return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}
