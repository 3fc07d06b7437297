// Issue 13: http.route for Koa with @koa/router with only the preload (CommonJS and
// ESM), through a real Prometheus.
import { test } from 'node:test';
import { checkRoutes } from '../helpers/routes.mjs';

test('Koa 3 + @koa/router: exact counts per http_route, unmatched paths add no series, CJS and ESM', async (t) => {
  await checkRoutes(t, [
    { job: 'koa-cjs', framework: 'koa', esm: false, version: '3.3.0' },
    { job: 'koa-esm', framework: 'koa', esm: true, version: '3.3.0' },
  ]);
});
