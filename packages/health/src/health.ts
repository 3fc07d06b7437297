import type { Meter, MeterProvider, ObservableResult } from '@opentelemetry/api';
import { CatalogueInstruments, createCatalogueObservable, report } from '@agentmeter/api';
import {
  ATTR_GEN_AI_PROVIDER_NAME,
  CATALOGUE,
  CIRCUIT_BREAKER_STATE_VALUES,
  METRIC_GEN_AI_PROVIDER_CIRCUIT_BREAKER_STATE,
  METRIC_GEN_AI_PROVIDER_HEALTH,
  PROVIDER_HEALTH_VALUES,
} from '@agentmeter/semconv';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

/** A circuit breaker's state, by name or by its gauge value (0 closed, 1 open, 2 half-open). */
export type CircuitBreakerState = 'closed' | 'open' | 'half_open' | 0 | 1 | 2;

const STATE_VALUE: Readonly<Record<string, number>> = {
  closed: CIRCUIT_BREAKER_STATE_VALUES.CLOSED,
  open: CIRCUIT_BREAKER_STATE_VALUES.OPEN,
  half_open: CIRCUIT_BREAKER_STATE_VALUES.HALF_OPEN,
  'half-open': CIRCUIT_BREAKER_STATE_VALUES.HALF_OPEN,
  halfOpen: CIRCUIT_BREAKER_STATE_VALUES.HALF_OPEN,
};

/** The subset of an opossum CircuitBreaker this package uses (opossum 6 – 9). */
export interface OpossumLikeBreaker {
  readonly opened: boolean;
  readonly halfOpen: boolean;
  readonly closed?: boolean;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** Options of instrumentOpossumBreaker. */
export interface OpossumBreakerOptions {
  /** gen_ai.provider.name the breaker protects, e.g. `openai`. */
  readonly provider: string;
  /** Also report provider health: unhealthy while open, healthy when closed (default false). */
  readonly reportHealth?: boolean;
}

/** A health probe: healthy when it returns or resolves to anything but `false` within the timeout. */
export type HealthProbe = () => unknown;

/** Outcome of one probe. */
export interface ProbeResult {
  readonly healthy: boolean;
  /** Milliseconds the probe took (or the timeout). */
  readonly latencyMs: number;
  /** Error message (or `timeout after N ms`) when unhealthy. */
  readonly error?: string;
}

/** Outcome of runHealthChecks: overall status and one result per probe. */
export interface HealthReport {
  /** True when every probe is healthy. */
  readonly healthy: boolean;
  readonly status: 'healthy' | 'unhealthy';
  readonly checks: Readonly<Record<string, ProbeResult>>;
}

/** Options of runHealthChecks. */
export interface HealthCheckOptions {
  /** Milliseconds a probe may take before it counts as unhealthy (default 5000). */
  readonly timeoutMs?: number;
  /** Report each probe as gen_ai.provider.health under its key (default true). */
  readonly reportProviderHealth?: boolean;
}

/** Options of a ProviderHealth instance. */
export interface ProviderHealthOptions {
  /** Record into this MeterProvider instead of the global one. */
  readonly meterProvider?: MeterProvider;
  /** Most distinct providers tracked (default 200). */
  readonly maxProviders?: number;
}

/** No synchronous instruments: the instance is used for its meter (the gauges are observable). */
const NONE = {};

/**
 * Provider health (`gen_ai.provider.health`, 1 healthy / 0 unhealthy) and circuit
 * breaker state (`gen_ai.provider.circuit_breaker.state`, 0 closed / 1 open / 2
 * half-open) by gen_ai.provider.name, reported as observable gauges of the last state
 * set. The module-level functions use a default instance on the global provider.
 */
export class ProviderHealth {
  private readonly inst: CatalogueInstruments<typeof NONE>;
  private readonly health = new Map<string, number>();
  private readonly breakers = new Map<string, number>();
  private readonly maxProviders: number;
  private boundMeter: Meter | undefined;

  constructor(options: ProviderHealthOptions = {}) {
    const mp = options.maxProviders;
    if (mp !== undefined && !(Number.isInteger(mp) && mp > 0)) throw new RangeError(`ProviderHealth option maxProviders: expected a positive integer, got ${String(mp)}`);
    this.maxProviders = mp ?? 200;
    this.inst = new CatalogueInstruments(PACKAGE_NAME, PACKAGE_VERSION, NONE, options.meterProvider);
    this.bind();
  }

  /** Register the observable gauges on the current meter (again if the provider changed). */
  bind(): void {
    try {
      const meter = this.inst.getMeter();
      if (meter === this.boundMeter) return;
      this.boundMeter = meter;
      createCatalogueObservable(meter, CATALOGUE[METRIC_GEN_AI_PROVIDER_HEALTH]).addCallback((r) => observeAll(r, this.health));
      createCatalogueObservable(meter, CATALOGUE[METRIC_GEN_AI_PROVIDER_CIRCUIT_BREAKER_STATE]).addCallback((r) => observeAll(r, this.breakers));
    } catch (e) {
      report('AGENTMETER_RECORD_FAILED', 'health-bind', `health: registering gauges failed: ${(e as Error)?.message}`);
    }
  }

  private put(map: Map<string, number>, provider: string, value: number): void {
    if (typeof provider !== 'string' || provider.length === 0) {
      report('AGENTMETER_INVALID_ATTRIBUTE', 'gen_ai.provider.name', `health: dropped a state with an invalid provider name (${typeof provider})`);
      return;
    }
    if (!map.has(provider) && map.size >= this.maxProviders) {
      report('AGENTMETER_CARDINALITY', 'health-providers', `health: more than ${this.maxProviders} providers; further ones are not reported`);
      return;
    }
    this.bind();
    map.set(provider, value);
  }

  /** Report a provider healthy (true) or unhealthy (false). Invalid input is dropped with one diagnostic. */
  setHealth(provider: string, healthy: boolean): void {
    if (typeof healthy !== 'boolean') {
      report('AGENTMETER_INVALID_VALUE', 'health-value', `health: dropped provider health ${String(healthy)} (expected true or false)`);
      return;
    }
    this.put(this.health, provider, healthy ? PROVIDER_HEALTH_VALUES.HEALTHY : PROVIDER_HEALTH_VALUES.UNHEALTHY);
  }

  /** Report a circuit breaker's state: 'closed' | 'open' | 'half_open' (or 0 / 1 / 2). Invalid input is dropped with one diagnostic. */
  setCircuitBreakerState(provider: string, state: CircuitBreakerState): void {
    const v = typeof state === 'number' ? ([0, 1, 2].includes(state) ? state : undefined) : STATE_VALUE[state as string];
    if (v === undefined) {
      report('AGENTMETER_INVALID_VALUE', 'breaker-state', `health: dropped circuit breaker state ${String(state)} (expected closed, open, half_open or 0, 1, 2)`);
      return;
    }
    this.put(this.breakers, provider, v);
  }

  /** The last health set for `provider`. */
  getHealth(provider: string): boolean | undefined {
    const v = this.health.get(provider);
    return v === undefined ? undefined : v === PROVIDER_HEALTH_VALUES.HEALTHY;
  }

  /** The last breaker state set for `provider`, as its gauge value (0 closed, 1 open, 2 half-open). */
  getCircuitBreakerState(provider: string): 0 | 1 | 2 | undefined {
    return this.breakers.get(provider) as 0 | 1 | 2 | undefined;
  }

  /** Stop reporting `provider` (both gauges). */
  remove(provider: string): void {
    this.health.delete(provider);
    this.breakers.delete(provider);
  }

  /**
   * Follow an opossum CircuitBreaker: its current state now, then its `open`, `halfOpen`
   * and `close` events, as gen_ai.provider.circuit_breaker.state for `provider` (and,
   * with `reportHealth`, provider health). Returns a function that stops following.
   * Throws a TypeError at once if `breaker` does not look like an opossum breaker or
   * `provider` is not a non-empty string.
   */
  instrumentOpossumBreaker(breaker: OpossumLikeBreaker, options: OpossumBreakerOptions): () => void {
    if (!breaker || typeof breaker.on !== 'function' || typeof breaker.removeListener !== 'function' || typeof breaker.opened !== 'boolean') {
      throw new TypeError('instrumentOpossumBreaker: expected an opossum CircuitBreaker');
    }
    if (!options || typeof options.provider !== 'string' || options.provider.length === 0) {
      throw new TypeError('instrumentOpossumBreaker: options.provider must be a non-empty string (gen_ai.provider.name)');
    }
    const provider = options.provider;
    const withHealth = options.reportHealth === true;
    const set = (state: 'closed' | 'open' | 'half_open') => {
      this.setCircuitBreakerState(provider, state);
      if (withHealth && state !== 'half_open') this.setHealth(provider, state === 'closed');
    };
    set(breaker.opened ? 'open' : breaker.halfOpen ? 'half_open' : 'closed');
    const onOpen = () => set('open');
    const onHalfOpen = () => set('half_open');
    const onClose = () => set('closed');
    breaker.on('open', onOpen);
    breaker.on('halfOpen', onHalfOpen);
    breaker.on('close', onClose);
    return () => {
      breaker.removeListener('open', onOpen);
      breaker.removeListener('halfOpen', onHalfOpen);
      breaker.removeListener('close', onClose);
    };
  }

  /**
   * Run health probes concurrently (the seeds' /api/health with dependency status): each
   * is healthy when it returns or resolves to anything but `false` within `timeoutMs`.
   * Each result is reported as gen_ai.provider.health under its key unless
   * `reportProviderHealth` is false. Never rejects.
   */
  async runHealthChecks(probes: Readonly<Record<string, HealthProbe>>, options: HealthCheckOptions = {}): Promise<HealthReport> {
    const timeoutMs = options.timeoutMs ?? 5000;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new RangeError(`runHealthChecks option timeoutMs: expected a positive number, got ${String(timeoutMs)}`);
    const entries = Object.entries(probes ?? {});
    const results = await Promise.all(entries.map(([, probe]) => runProbe(probe, timeoutMs)));
    const checks: Record<string, ProbeResult> = {};
    entries.forEach(([name], i) => {
      checks[name] = results[i] as ProbeResult;
      if (options.reportProviderHealth !== false) this.setHealth(name, (results[i] as ProbeResult).healthy);
    });
    const healthy = results.every((r) => r.healthy);
    return { healthy, status: healthy ? 'healthy' : 'unhealthy', checks };
  }
}

function observeAll(r: ObservableResult, map: Map<string, number>): void {
  for (const [provider, v] of map) r.observe(v, { [ATTR_GEN_AI_PROVIDER_NAME]: provider });
}

async function runProbe(probe: HealthProbe, timeoutMs: number): Promise<ProbeResult> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => resolve({ healthy: false, latencyMs: timeoutMs, error: `timeout after ${timeoutMs} ms` }), timeoutMs);
  });
  const run = (async (): Promise<ProbeResult> => {
    try {
      const v = await probe();
      const latencyMs = performance.now() - start;
      return v === false ? { healthy: false, latencyMs, error: 'probe returned false' } : { healthy: true, latencyMs };
    } catch (e) {
      return { healthy: false, latencyMs: performance.now() - start, error: String((e as Error)?.message ?? e) };
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

let defaultInstance: ProviderHealth | undefined;
/** The ProviderHealth instance the module-level functions use (global MeterProvider). */
export function defaultProviderHealth(): ProviderHealth {
  return (defaultInstance ??= new ProviderHealth());
}

/** Report a provider healthy or unhealthy (global MeterProvider). */
export function setProviderHealth(provider: string, healthy: boolean): void {
  defaultProviderHealth().setHealth(provider, healthy);
}

/** Report a provider's circuit breaker state (global MeterProvider). */
export function setCircuitBreakerState(provider: string, state: CircuitBreakerState): void {
  defaultProviderHealth().setCircuitBreakerState(provider, state);
}

/** Stop reporting a provider (global MeterProvider). */
export function removeProvider(provider: string): void {
  defaultProviderHealth().remove(provider);
}

/** Follow an opossum breaker (global MeterProvider). See ProviderHealth.instrumentOpossumBreaker. */
export function instrumentOpossumBreaker(breaker: OpossumLikeBreaker, options: OpossumBreakerOptions): () => void {
  return defaultProviderHealth().instrumentOpossumBreaker(breaker, options);
}

/** Run health probes and report them (global MeterProvider). See ProviderHealth.runHealthChecks. */
export function runHealthChecks(probes: Readonly<Record<string, HealthProbe>>, options?: HealthCheckOptions): Promise<HealthReport> {
  return defaultProviderHealth().runHealthChecks(probes, options);
}
