/**
 * @agentmeter/health: provider health (`gen_ai.provider.health`) and circuit breaker
 * state (`gen_ai.provider.circuit_breaker.state`), a plain API, an opossum adapter, and
 * a health-check helper.
 */
export {
  ProviderHealth,
  defaultProviderHealth,
  setProviderHealth,
  setCircuitBreakerState,
  removeProvider,
  instrumentOpossumBreaker,
  runHealthChecks,
} from './health';
export type {
  CircuitBreakerState,
  OpossumLikeBreaker,
  OpossumBreakerOptions,
  HealthProbe,
  ProbeResult,
  HealthReport,
  HealthCheckOptions,
  ProviderHealthOptions,
} from './health';
