// Issue 13: http.route for Express 4 and 5 with only the preload (CommonJS and ESM),
// newest and oldest supported versions, through a real Prometheus.
import { test } from 'node:test';
import { aliasAs, checkRoutes } from '@agentmeter/test-utils/routes';

const versions = [
  { label: '5.3.0', version: '5.3.0' },
  { label: '5.0.0', version: '5.0.0', alias: 'express-5.0' },
  { label: '4.22.3', version: '4.22.3', alias: 'express-4' },
  { label: '4.17.0', version: '4.17.0', alias: 'express-4.17' },
];

test('Express 4 and 5 (newest and oldest supported): exact counts per http_route, unmatched paths add no series, CJS and ESM', async (t) => {
  const cleanups = [];
  try {
    const variants = [];
    for (const v of versions) {
      let env = {};
      if (v.alias) {
        const a = aliasAs(v.alias, 'express');
        cleanups.push(a.cleanup);
        env = { EXPRESS_MODULE: a.path };
      }
      for (const esm of [false, true]) variants.push({ job: `express-${v.label}-${esm ? 'esm' : 'cjs'}`, framework: 'express', esm, env, version: v.version, preserveSymlinks: !!v.alias });
    }
    await checkRoutes(t, variants);
  } finally {
    for (const c of cleanups) c();
  }
});
