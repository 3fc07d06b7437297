/**
 * agentmeter's MeterProvider as OpenTelemetry's global one, without loading
 * `@opentelemetry/api` at start (issue 18: the API is ~50 files, ~20 ms).
 *
 * Every copy of the API (CommonJS or ESM, installed or bundled) keeps its globals on one
 * object, `globalThis[Symbol.for('opentelemetry.js.api.1')]`, and reads it before any
 * global is got or set. Until then agentmeter keeps an accessor in that slot: the first
 * read or write removes it, loads the API, and registers the provider through the API's
 * own `metrics.setGlobalMeterProvider`, so whoever touched the slot first (the app's
 * `metrics.getMeter()`, an OpenTelemetry SDK setting a tracer provider, an
 * instrumentation) already sees agentmeter's provider. A process that never uses the API
 * never loads it. When the slot is already in use, the provider is registered at once.
 */
import type { MeterProvider } from '@opentelemetry/api';
import { otelApi, report } from '@agentmeter/api';

/** The key of the API's globals (major version 1: agentmeter's peer range is ^1.9). */
export const OTEL_API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

type Slot = Record<symbol, unknown>;
let pending: (() => void) | undefined;

function register(provider: MeterProvider): void {
  try {
    if (!otelApi().metrics.setGlobalMeterProvider(provider))
      report('AGENTMETER_GLOBAL_PROVIDER', 'global', 'another global MeterProvider was already registered: agentmeter instruments its own signals only');
  } catch (err) {
    report('AGENTMETER_GLOBAL_PROVIDER', 'global', `agentmeter's MeterProvider could not be registered as the global one: ${(err as Error).message}`);
  }
}

/**
 * Register `provider` as the global MeterProvider: now if the API's globals exist,
 * otherwise when something first reads or writes them.
 */
export function setGlobalMeterProviderLazily(provider: MeterProvider): void {
  cancelPendingGlobal();
  const g = globalThis as Slot;
  if (Object.prototype.hasOwnProperty.call(g, OTEL_API_GLOBAL)) {
    register(provider);
    return;
  }
  const settle = (value?: { v: unknown }) => {
    if (pending !== cancel) return;
    pending = undefined;
    delete g[OTEL_API_GLOBAL];
    if (value) g[OTEL_API_GLOBAL] = value.v;
    register(provider);
  };
  const cancel = () => {
    if (pending !== cancel) return;
    pending = undefined;
    delete g[OTEL_API_GLOBAL];
  };
  pending = cancel;
  Object.defineProperty(g, OTEL_API_GLOBAL, {
    configurable: true,
    enumerable: false,
    get() {
      settle();
      return g[OTEL_API_GLOBAL];
    },
    set(v: unknown) {
      settle({ v });
    },
  });
}

/** Stop waiting (shutdown before anything used the API): the slot is left as it was. */
export function cancelPendingGlobal(): void {
  pending?.();
}

/** Whether the registration still waits for the API's first use (tests). */
export function globalProviderPending(): boolean {
  return pending !== undefined;
}
