// Per-route HTTP metrics end to end (issue 13): real framework apps under the agentmeter
// preload (CommonJS --require and ES module --import), real requests, a real Prometheus.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode } from './proc.mjs';
import { startPrometheus } from './prometheus.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(root, 'test/fixtures/routes');

/** The requests every app gets, by the route template they must be recorded under. */
export const EXPECTED = {
  '/health': 3,
  '/users/:id': 5,
  '/api/orgs/:orgId/items/:itemId': 4,
  '/fail/:id': 2,
};

/**
 * Make `node_modules/<name>` resolve to an aliased copy of a package (`express-4.17`
 * installed as `npm:express@4.17.0`) under its real name, so instrumentations that
 * hook by module name see it: a symlink in a directory inside the repo (dependencies
 * still resolve from the root node_modules), used with --preserve-symlinks; ES module
 * apps import it through `load.mjs` next to it, by its bare name.
 * Returns the module path to load, and a cleanup function.
 */
export function aliasAs(alias, name) {
  const dir = join(fixtures, '.matrix', alias, 'node_modules');
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  const link = join(dir, name);
  rmSync(link, { force: true, recursive: true });
  symlinkSync(relative(dirname(link), join(root, 'node_modules', alias)), link);
  // an ES module that imports the copy by its bare name (so the --import hook sees 'hono', not a file URL)
  writeFileSync(join(fixtures, '.matrix', alias, 'load.mjs'), `export * from '${name}';\nimport * as ns from '${name}';\nexport default ns.default;\n`);
  return { path: link, cleanup: () => rmSync(join(fixtures, '.matrix', alias), { recursive: true, force: true }) };
}

/** Start one fixture app: `variant` = { job, framework, esm, env, preserveSymlinks }. */
export async function startApp({ framework, esm, env = {}, preserveSymlinks = false }) {
  const args = [...(preserveSymlinks ? ['--preserve-symlinks'] : []), esm ? '--import' : '--require', '@agentmeter/sdk/register', join(fixtures, esm ? 'app.mjs' : 'app.cjs'), framework];
  const app = startNode(args, {
    env: { NODE_NO_WARNINGS: '1', AGENTMETER_METRICS_PORT: '0', ...env },
    readyLine: /^ready (\d+) (\d+) (\S+)/m,
    cwd: root,
    timeout: 60_000,
  });
  const m = await app.ready;
  return { app, port: Number(m[1]), metricsPort: Number(m[2]), version: m[3] };
}

async function get(port, path) {
  const r = await fetch(`http://127.0.0.1:${port}${path}`);
  await r.arrayBuffer();
  return r.status;
}

/** The routed requests of EXPECTED, each with different values in the parameters. */
export async function sendRouted(port) {
  const statuses = {};
  const hit = async (template, path) => {
    const s = await get(port, path);
    (statuses[template] ??= []).push(s);
  };
  for (let i = 0; i < 3; i++) await hit('/health', '/health');
  for (let i = 0; i < 5; i++) await hit('/users/:id', `/users/${1000 + i}`);
  for (let i = 0; i < 4; i++) await hit('/api/orgs/:orgId/items/:itemId', `/api/orgs/org${i}/items/${7 * i + 1}`);
  for (let i = 0; i < 2; i++) await hit('/fail/:id', `/fail/${i}`);
  assert.deepEqual(statuses, { '/health': [200, 200, 200], '/users/:id': [200, 200, 200, 200, 200], '/api/orgs/:orgId/items/:itemId': [200, 200, 200, 200], '/fail/:id': [500, 500] });
}

/** `n` requests to random paths that match no route (404 scans). */
export async function sendUnmatched(port, n) {
  const paths = [];
  for (let i = 0; i < n; i++) paths.push(`/scan/${Math.random().toString(36).slice(2)}/${i}${i % 3 === 0 ? '.php' : ''}`);
  for (let i = 0; i < paths.length; i += 50) {
    const statuses = await Promise.all(paths.slice(i, i + 50).map((p) => get(port, p)));
    assert.ok(statuses.every((s) => s === 404), `unmatched paths answer 404: ${statuses}`);
  }
}

/**
 * The issue's test for a set of app variants (say CJS and ESM, several versions):
 * exact request counts per http_route through a real Prometheus, and 1,000 unmatched
 * requests that add no series.
 */
export async function checkRoutes(t, variants) {
  const apps = [];
  try {
    for (const v of variants) {
      const a = await startApp(v);
      if (v.version) assert.equal(a.version, v.version, `${v.job} runs ${v.version}`);
      apps.push({ ...v, ...a });
    }
    const prom = await startPrometheus(apps.map((a) => ({ job: a.job, port: a.metricsPort })));
    try {
      for (const a of apps) {
        await sendRouted(a.port);
        await sendUnmatched(a.port, 1); // the 404 series exists from here on
      }
      const series = {};
      for (const a of apps) {
        const sel = (m = '') => `http_server_request_duration_seconds_count{job="${a.job}"${m ? `,${m}` : ''}}`;
        await prom.waitForValue(`sum(${sel('http_response_status_code="404"')})`, (v) => v === 1);
        series[a.job] = await prom.waitForValue(`count(${sel()})`, (v) => v === 5);
        for (const [route, n] of Object.entries(EXPECTED)) {
          assert.equal(await prom.value(`sum(http_server_request_duration_seconds_count{job="${a.job}",http_route="${route}"})`), n, `${a.job}: ${route}`);
        }
        // unmatched requests carry no http_route
        assert.equal(await prom.value(`count(${sel('http_response_status_code="404",http_route!=""')})`), undefined, `${a.job}: 404s have no route`);
        assert.equal(await prom.value(`sum(${sel('http_route="/fail/:id",error_type="500"')})`), 2, `${a.job}: the failed route keeps its template`);
      }
      for (const a of apps) await sendUnmatched(a.port, 1000);
      for (const a of apps) {
        const sel = (m = '') => `http_server_request_duration_seconds_count{job="${a.job}"${m ? `,${m}` : ''}}`;
        await prom.waitForValue(`sum(${sel('http_response_status_code="404"')})`, (v) => v === 1001);
        assert.equal(await prom.value(`count(${sel()})`), series[a.job], `${a.job}: 1,000 unmatched requests add no series`);
        assert.equal(await prom.value(`count(count by (http_route) (${sel('http_route!=""')}))`), 4, `${a.job}: exactly the 4 templates`);
        const text = await (await fetch(`http://127.0.0.1:${a.metricsPort}/metrics`)).text();
        assert.equal(text.split('\n').filter((l) => l.startsWith('http_server_request_duration_seconds_count{')).length, 5, `${a.job}: 5 series in /metrics`);
        assert.doesNotMatch(text, /http_route="\/(users\/\d|scan)/, `${a.job}: no raw path in a label`);
      }
    } finally {
      await prom.stop();
    }
  } finally {
    await Promise.all(apps.map((a) => a.app.stop()));
  }
}
