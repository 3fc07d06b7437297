// Issue 13: http.route for Hono on @hono/node-server with only the preload (CommonJS and
// ESM; app.use middleware, app.route sub-apps, onError), newest and oldest supported
// versions, through a real Prometheus.
import { test } from 'node:test';
import { aliasAs, checkRoutes } from '@agentmeter/test-utils/routes';

test('Hono 4.13 and 4.0 on @hono/node-server: exact counts per http_route, unmatched paths add no series, CJS and ESM', async (t) => {
  const old = aliasAs('hono-4.0', 'hono');
  try {
    const variants = [];
    for (const esm of [false, true]) {
      const kind = esm ? 'esm' : 'cjs';
      variants.push({ job: `hono-4.13.19-${kind}`, framework: 'hono', esm, version: '4.13.19' });
      variants.push({ job: `hono-4.0.0-${kind}`, framework: 'hono', esm, version: '4.0.0', env: { HONO_MODULE: old.path }, preserveSymlinks: true });
    }
    await checkRoutes(t, variants);
  } finally {
    old.cleanup();
  }
});
