import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import * as dc from 'node:diagnostics_channel';
import { metrics } from '@opentelemetry/api';
import CircuitBreaker from 'opossum';
import { Registry, serializeAsync } from '@agentmeter/core';
import { setDiagnosticWarnings, DIAGNOSTIC_CHANNEL } from '@agentmeter/api';
import { value } from '@agentmeter/test-utils/exposition';
import {
  setProviderHealth,
  setCircuitBreakerState,
  removeProvider,
  instrumentOpossumBreaker,
  runHealthChecks,
  ProviderHealth,
} from '@agentmeter/health';

setDiagnosticWarnings(false);
const registry = new Registry();
metrics.setGlobalMeterProvider(registry);
const diagnostics = [];
dc.subscribe(DIAGNOSTIC_CHANNEL, (d) => diagnostics.push(d));
const gauge = (text, metric, provider) => value(text, metric, { gen_ai_provider_name: provider }, { exact: true });

test('plain API: provider health 1/0 and breaker state 0/1/2 by provider', async () => {
  setProviderHealth('openai', true);
  setProviderHealth('anthropic', false);
  setCircuitBreakerState('openai', 'closed');
  setCircuitBreakerState('anthropic', 'open');
  setCircuitBreakerState('gcp.gemini', 'half_open');
  setCircuitBreakerState('mistral_ai', 2);
  let text = await serializeAsync(registry);
  assert.equal(gauge(text, 'gen_ai_provider_health', 'openai'), 1);
  assert.equal(gauge(text, 'gen_ai_provider_health', 'anthropic'), 0);
  assert.equal(gauge(text, 'gen_ai_provider_circuit_breaker_state', 'openai'), 0);
  assert.equal(gauge(text, 'gen_ai_provider_circuit_breaker_state', 'anthropic'), 1);
  assert.equal(gauge(text, 'gen_ai_provider_circuit_breaker_state', 'gcp.gemini'), 2);
  assert.equal(gauge(text, 'gen_ai_provider_circuit_breaker_state', 'mistral_ai'), 2);
  setProviderHealth('anthropic', true);
  removeProvider('mistral_ai');
  text = await serializeAsync(registry);
  assert.equal(gauge(text, 'gen_ai_provider_health', 'anthropic'), 1);
  assert.equal(gauge(text, 'gen_ai_provider_circuit_breaker_state', 'mistral_ai'), undefined);
});

test('bad input is dropped with a diagnostic and never throws', async () => {
  const before = diagnostics.length;
  setProviderHealth('bad1', 'yes');
  setProviderHealth('', true);
  setProviderHealth(undefined, true);
  setCircuitBreakerState('bad2', 'ajar');
  setCircuitBreakerState('bad3', 7);
  setCircuitBreakerState('bad4', NaN);
  const text = await serializeAsync(registry);
  assert.doesNotMatch(text, /bad[1-4]/);
  assert.ok(diagnostics.length - before >= 3); // one per distinct problem (rate-limited)
});

test('opossum: a real breaker opens after failures, half-opens after its reset timeout, closes on success', async () => {
  let failing = true;
  const breaker = new CircuitBreaker(async () => {
    if (failing) throw new Error('provider down');
    return 'ok';
  }, { resetTimeout: 150, errorThresholdPercentage: 50, volumeThreshold: 2, timeout: false });
  breaker.on('failure', () => {}); // keep opossum quiet
  const stop = instrumentOpossumBreaker(breaker, { provider: 'openai-breaker', reportHealth: true });
  let text = await serializeAsync(registry);
  assert.equal(gauge(text, 'gen_ai_provider_circuit_breaker_state', 'openai-breaker'), 0, 'closed at start');
  assert.equal(gauge(text, 'gen_ai_provider_health', 'openai-breaker'), 1);

  const opened = once(breaker, 'open');
  for (let i = 0; i < 3; i++) await breaker.fire().catch(() => {});
  await opened;
  assert.equal(breaker.opened, true);
  text = await serializeAsync(registry);
  assert.equal(gauge(text, 'gen_ai_provider_circuit_breaker_state', 'openai-breaker'), 1, 'open');
  assert.equal(gauge(text, 'gen_ai_provider_health', 'openai-breaker'), 0, 'unhealthy while open');

  // opossum unrefs its reset timer: keep the loop busy while waiting for it
  const halfOpened = once(breaker, 'halfOpen');
  const keepAlive = setInterval(() => {}, 20);
  await halfOpened;
  clearInterval(keepAlive);
  assert.equal(breaker.halfOpen, true);
  text = await serializeAsync(registry);
  assert.equal(gauge(text, 'gen_ai_provider_circuit_breaker_state', 'openai-breaker'), 2, 'half-open after resetTimeout');

  failing = false;
  assert.equal(await breaker.fire(), 'ok');
  assert.equal(breaker.closed, true);
  text = await serializeAsync(registry);
  assert.equal(gauge(text, 'gen_ai_provider_circuit_breaker_state', 'openai-breaker'), 0, 'closed again');
  assert.equal(gauge(text, 'gen_ai_provider_health', 'openai-breaker'), 1);

  stop();
  breaker.open();
  text = await serializeAsync(registry);
  assert.equal(gauge(text, 'gen_ai_provider_circuit_breaker_state', 'openai-breaker'), 0, 'no longer followed');
  breaker.shutdown();
  assert.throws(() => instrumentOpossumBreaker({}, { provider: 'x' }), /expected an opossum CircuitBreaker/);
  assert.throws(() => instrumentOpossumBreaker(new CircuitBreaker(async () => 1), {}), /options\.provider/);
});

test('runHealthChecks: probes report health, timeouts and errors count as unhealthy', async () => {
  const report = await runHealthChecks(
    {
      db: async () => { await sleep(5); return true; },
      anthropic: async () => { throw new Error('401'); },
      slow: () => new Promise(() => {}), // never settles
      flag: () => false,
    },
    { timeoutMs: 100 },
  );
  assert.equal(report.healthy, false);
  assert.equal(report.status, 'unhealthy');
  assert.equal(report.checks.db.healthy, true);
  assert.equal(report.checks.anthropic.error, '401');
  assert.match(report.checks.slow.error, /timeout after 100 ms/);
  assert.equal(report.checks.flag.healthy, false);
  const text = await serializeAsync(registry);
  assert.equal(gauge(text, 'gen_ai_provider_health', 'db'), 1);
  assert.equal(gauge(text, 'gen_ai_provider_health', 'anthropic'), 0);
  assert.equal(gauge(text, 'gen_ai_provider_health', 'slow'), 0);
  const ok = await runHealthChecks({ a: () => 1 }, { reportProviderHealth: false });
  assert.equal(ok.healthy, true);
  assert.equal(gauge(await serializeAsync(registry), 'gen_ai_provider_health', 'a'), undefined);
});

test('a pinned MeterProvider and getters', async () => {
  const pinned = new Registry();
  const ph = new ProviderHealth({ meterProvider: pinned });
  ph.setHealth('pinned', false);
  ph.setCircuitBreakerState('pinned', 'open');
  assert.equal(ph.getHealth('pinned'), false);
  assert.equal(ph.getCircuitBreakerState('pinned'), 1);
  const text = await serializeAsync(pinned);
  assert.equal(gauge(text, 'gen_ai_provider_health', 'pinned'), 0);
  assert.doesNotMatch(await serializeAsync(registry), /pinned/);
});
