// Issue 13: http.route for Fastify 5 with only the preload (CommonJS and ESM), newest
// and oldest supported versions, through a real Prometheus.
import { test } from 'node:test';
import { aliasAs, checkRoutes } from '@agentmeter/test-utils/routes';

test('Fastify 5 (newest and 5.0.0): exact counts per http_route, unmatched paths add no series, CJS and ESM', async (t) => {
  const old = aliasAs('fastify-5.0', 'fastify');
  try {
    const variants = [];
    for (const esm of [false, true]) {
      variants.push({ job: `fastify-5.12.8-${esm ? 'esm' : 'cjs'}`, framework: 'fastify', esm, version: '5.12.8' });
      variants.push({ job: `fastify-5.0.0-${esm ? 'esm' : 'cjs'}`, framework: 'fastify', esm, version: '5.0.0', env: { FASTIFY_MODULE: old.path }, preserveSymlinks: true });
    }
    await checkRoutes(t, variants);
  } finally {
    old.cleanup();
  }
});
