// Issue 13: http.route for Koa with @koa/router with only the preload (CommonJS and
// ESM), newest and oldest supported versions, through a real Prometheus.
import { test } from 'node:test';
import { aliasAs, checkRoutes } from '@agentmeter/test-utils/routes';

test('Koa 3 + @koa/router 15 and Koa 2.13 + @koa/router 12: exact counts per http_route, unmatched paths add no series, CJS and ESM', async (t) => {
  const koa = aliasAs('koa-2.13', 'koa');
  const router = aliasAs('koa-router-12', '@koa/router');
  try {
    const variants = [];
    for (const esm of [false, true]) {
      const kind = esm ? 'esm' : 'cjs';
      variants.push({ job: `koa-3.3.0-${kind}`, framework: 'koa', esm, version: '3.3.0+15.7.0' });
      variants.push({ job: `koa-2.13.0-${kind}`, framework: 'koa', esm, version: '2.13.0+12.0.0', env: { KOA_MODULE: koa.path, KOA_ROUTER_MODULE: router.path }, preserveSymlinks: true });
    }
    await checkRoutes(t, variants);
  } finally {
    koa.cleanup();
    router.cleanup();
  }
});
