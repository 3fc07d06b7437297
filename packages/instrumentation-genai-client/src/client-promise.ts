import { report } from '@agentmeter/api';

/** Callbacks of {@link observeClientPromise}; exactly one of them is called, at most once. */
export interface ClientPromiseObserver {
  /** The parsed result (a complete response, or the client's Stream object for `stream: true`). */
  result(value: unknown): void;
  /** The call failed (HTTP error after retries, network error, abort, parse error). */
  error(err: unknown): void;
  /** The response arrived but nobody asked for its parsed body (the app used `.asResponse()`). */
  responseOnly(): void;
}

type StainlessPromise = PromiseLike<unknown> & {
  responsePromise: PromiseLike<unknown>;
  parseResponse: (this: unknown, ...args: unknown[]) => unknown;
};

function isStainless(p: unknown): p is StainlessPromise {
  try {
    return (
      typeof p === 'object' &&
      p !== null &&
      typeof (p as StainlessPromise).parseResponse === 'function' &&
      typeof (p as StainlessPromise).responsePromise?.then === 'function'
    );
  } catch {
    return false;
  }
}

/**
 * Observes the promise a Stainless-generated client (`openai`, `@anthropic-ai/sdk`) returns,
 * WITHOUT replacing it or starting to parse it: the app still gets the same `APIPromise`
 * (with `.withResponse()`, `.asResponse()`, `_thenUnwrap`). The instance's `parseResponse`
 * is wrapped so the parsed result is seen whoever asks for it (`await`, `.withResponse()`,
 * a derived helper promise), and `responsePromise` is watched for failures. Any other
 * thenable is observed with `.then`. Returns `promise` itself. Never throws.
 */
export function observeClientPromise<P>(promise: P, observer: ClientPromiseObserver): P {
  let done = false;
  const once = (fn: () => void): void => {
    if (done) return;
    done = true;
    try {
      fn();
    } catch (e) {
      report('AGENTMETER_RECORD_FAILED', 'client.promise', `observing a client call failed: ${String(e)}`);
    }
  };
  try {
    if (isStainless(promise)) {
      const p = promise as StainlessPromise;
      const original = p.parseResponse;
      let parseStarted = false;
      p.parseResponse = function (this: unknown, ...args: unknown[]) {
        parseStarted = true;
        let r: unknown;
        try {
          r = original.apply(this, args);
        } catch (e) {
          once(() => observer.error(e));
          throw e;
        }
        Promise.resolve(r).then(
          (v) => once(() => observer.result(v)),
          (e) => once(() => observer.error(e)),
        );
        return r;
      };
      p.responsePromise.then(
        () => {
          // parse() subscribes to responsePromise too; give it this turn before concluding nobody parses
          setImmediate(() => {
            if (!parseStarted) once(() => observer.responseOnly());
          });
        },
        (e) => once(() => observer.error(e)),
      );
    } else if (promise !== null && typeof (promise as PromiseLike<unknown>)?.then === 'function') {
      (promise as PromiseLike<unknown>).then(
        (v) => once(() => observer.result(v)),
        (e) => once(() => observer.error(e)),
      );
    } else {
      once(() => observer.result(promise));
    }
  } catch (e) {
    report('AGENTMETER_RECORD_FAILED', 'client.promise.observe', `could not observe a client call: ${String(e)}`);
  }
  return promise;
}

/**
 * If `value` is a Stainless `Stream` (has an `iterator` function property), replaces that
 * property on the instance so iteration goes through `wrap`, and returns true. Chunks pass
 * through unchanged; `tee()`, `toReadableStream()` and `for await` all use `iterator()`.
 */
export function wrapClientStream(value: unknown, wrap: <T>(it: AsyncIterator<T>) => AsyncIterator<T>): boolean {
  try {
    if (typeof value !== 'object' || value === null) return false;
    const s = value as { iterator?: unknown; [Symbol.asyncIterator]?: unknown };
    if (typeof s.iterator !== 'function' || typeof s[Symbol.asyncIterator] !== 'function') return false;
    const original = s.iterator as (this: unknown) => AsyncIterator<unknown>;
    s.iterator = function (this: unknown) {
      return wrap(original.call(this));
    };
    return true;
  } catch {
    return false;
  }
}
