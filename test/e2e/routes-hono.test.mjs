// Issue 13: http.route for Hono on @hono/node-server with only the preload (CommonJS and
// ESM; app.use middleware, app.route sub-apps, onError), through a real Prometheus.
import { test } from 'node:test';
import { checkRoutes } from '../helpers/routes.mjs';

test('Hono 4 on @hono/node-server: exact counts per http_route, unmatched paths add no series, CJS and ESM', async (t) => {
  await checkRoutes(t, [
    { job: 'hono-cjs', framework: 'hono', esm: false, version: '4.13.19' },
    { job: 'hono-esm', framework: 'hono', esm: true, version: '4.13.19' },
  ]);
});
