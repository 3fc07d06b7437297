// Issue 13: NestJS gets http.route through its platforms' frameworks (Express through
// @agentmeter/instrumentation-express, Fastify through -fastify) with only the preload,
// CommonJS and ESM, through a real Prometheus.
import { test } from 'node:test';
import { checkRoutes } from '@agentmeter/test-utils/routes';

test('NestJS 12 on platform-express and platform-fastify: exact counts per http_route, unmatched paths add no series, CJS and ESM', async (t) => {
  const variants = [];
  for (const platform of ['express', 'fastify'])
    for (const esm of [false, true]) variants.push({ job: `nest-${platform}-${esm ? 'esm' : 'cjs'}`, framework: `nest-${platform}`, esm, version: '12.5.1' });
  await checkRoutes(t, variants);
});
