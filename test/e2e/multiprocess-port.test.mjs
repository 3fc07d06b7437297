// Issue 12 items 1 and 6: no agentmeter condition takes an app down. A metrics port held
// by an unrelated program gives one warning and the app (single process or cluster) keeps
// serving; npm under `agentmeter run` never takes the port from the app; `agentmeter run`
// forwards SIGTERM/SIGINT, exits with the app's status, and leaves no orphan behind when
// its own parent (npx) goes away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';
import { freePort, waitFor } from '@agentmeter/test-utils/net';
import { runNode, startNode } from '@agentmeter/test-utils/proc';
import { chat, fixture, ROOT, scrape } from '@agentmeter/test-utils/multiprocess';
import { sum } from '@agentmeter/test-utils/exposition';

const appFixture = fileURLToPath(new URL('../fixtures/app.cjs', import.meta.url));
const bin = join(ROOT, 'packages/sdk/bin/agentmeter.js');
const PORT_WARNING = /cannot serve metrics on 127\.0\.0\.1:(\d+): port already in use/g;

async function holdPort() {
  const blocker = createServer();
  await new Promise((r) => blocker.listen(0, '127.0.0.1', r));
  return { port: blocker.address().port, close: () => new Promise((r) => blocker.close(r)) };
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

test('a metrics port held by an unrelated program: one clear warning, the app keeps serving its own requests', async () => {
  const blocker = await holdPort();
  const app = startNode(['--require', '@agentmeter/sdk/register', appFixture], { cwd: ROOT, timeout: 60_000, env: { AGENTMETER_METRICS_PORT: String(blocker.port) } });
  try {
    const [, port] = await app.ready;
    for (let i = 0; i < 3; i++) assert.equal(await fetch(`http://127.0.0.1:${port}/ok`).then((r) => r.text()), 'ok');
    await waitFor(() => PORT_WARNING.test(app.stderr), { what: 'the port warning' });
    const warnings = app.stderr.match(PORT_WARNING);
    assert.equal(warnings.length, 1, app.stderr);
    assert.match(app.stderr, new RegExp(`127\\.0\\.0\\.1:${blocker.port}: port already in use.*The app runs on.*AGENTMETER_METRICS_PORT`));
    assert.equal(app.child.exitCode, null, 'still running');
  } finally {
    await app.stop();
    await blocker.close();
  }
  assert.equal(app.child.exitCode, 0);
});

test('node:cluster with the metrics port held by an unrelated program: every worker runs on and serves', async () => {
  const blocker = await holdPort();
  const llm = await startFakeLlm();
  const appPort = await freePort();
  const app = startNode(['--require', '@agentmeter/sdk/register', fixture('cluster-app.cjs')], {
    cwd: ROOT,
    timeout: 60_000, // three or more Node processes starting on a shared 2-core machine
    env: { LLM_URL: llm.url, APP_PORT: String(appPort), AGENTMETER_METRICS_PORT: String(blocker.port), WORKERS: '2' },
  });
  try {
    await app.ready;
    const pids = new Set();
    for (let i = 0; i < 6; i++) pids.add((await chat(appPort, 1)).pid);
    assert.equal(pids.size, 2, 'both workers answered');
    await waitFor(() => (app.stderr.match(PORT_WARNING) ?? []).length >= 3, { what: 'one warning per process' });
    assert.equal(app.child.exitCode, null);
  } finally {
    await app.stop();
    await llm.close();
    await blocker.close();
  }
});

test('agentmeter run -- npm start: npm does not take the port, the app serves /metrics', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentmeter-npm-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'npm-app', private: true, scripts: { start: `node ${JSON.stringify(appFixture)}` } }));
  const metricsPort = await freePort();
  const cli = startNode([bin, 'run', '--port', String(metricsPort), '--', 'npm', 'start'], { cwd: dir, timeout: 60_000, env: { NODE_PATH: join(ROOT, 'node_modules') } });
  try {
    const [, appPort] = await cli.ready;
    await fetch(`http://127.0.0.1:${appPort}/ok`).then((r) => r.text());
    await waitFor(async () => sum(await scrape(metricsPort), 'http_server_request_duration_seconds_count') === 1, { what: 'the app request on /metrics' });
    const text = await scrape(metricsPort);
    // npm neither took the port nor joined the app's aggregate: the exposition is the lone app's
    assert.doesNotMatch(text, /agentmeter_aggregation_members|agentmeter_worker=/, 'only the app: npm is not a member');
    assert.doesNotMatch(cli.stderr, /cannot serve metrics/);
  } finally {
    await cli.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  await waitFor(() => portIsFree(metricsPort), { what: 'metrics port released' });
});

test('agentmeter run forwards SIGTERM and SIGINT to the app and exits with its status', async () => {
  for (const sig of ['SIGTERM', 'SIGINT']) {
    const metricsPort = await freePort();
    const script = `process.on('${sig}', () => { console.log('got ${sig}'); process.exit(7); }); setInterval(() => {}, 1000); console.log('ready 0');`;
    const cli = startNode([bin, 'run', '--port', String(metricsPort), '--', 'node', '-e', script], { cwd: ROOT, timeout: 60_000 });
    await cli.ready;
    cli.child.kill(sig);
    const code = await new Promise((r) => cli.child.once('exit', (c) => r(c)));
    assert.match(cli.stdout, new RegExp(`got ${sig}`));
    assert.equal(code, 7, `${sig}: the app's status`);
  }
  const r = await runNode([bin, 'run', '--port', String(await freePort()), '--', 'node', '-e', 'process.exitCode = 3']);
  assert.equal(r.status, 3);
});

test('agentmeter run under npx: SIGTERM to npx leaves no CLI or app running, the ports are released', async () => {
  const metricsPort = await freePort();
  const appPort = await freePort();
  const npx = spawn('npx', ['--no-install', 'agentmeter', 'run', '--port', String(metricsPort), '--', 'node', appFixture], {
    cwd: ROOT,
    timeout: 60_000, // three or more Node processes starting on a shared 2-core machine
    env: { ...process.env, APP_PORT: String(appPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  npx.stdout.on('data', (d) => (out += d));
  npx.stderr.on('data', (d) => (out += d));
  try {
    await waitFor(() => /ready \d+/.test(out), { what: `app ready: ${out}` });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status === 200, { what: 'metrics served' });
    npx.kill('SIGTERM');
    await waitFor(async () => (await portIsFree(metricsPort)) && (await portIsFree(appPort)), { timeout: 15_000, what: 'both ports released (no orphan)' });
  } finally {
    if (npx.exitCode === null) npx.kill('SIGKILL');
  }
});

test('agentmeter run killed with SIGKILL: the app notices and stops (no orphan holding the port)', async () => {
  const metricsPort = await freePort();
  const appPort = await freePort();
  const cli = startNode([bin, 'run', '--port', String(metricsPort), '--', 'node', appFixture], { cwd: ROOT, timeout: 60_000, env: { APP_PORT: String(appPort) } });
  await cli.ready;
  await waitFor(async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status === 200, { what: 'metrics served' });
  cli.child.kill('SIGKILL');
  await waitFor(async () => (await portIsFree(metricsPort)) && (await portIsFree(appPort)), { timeout: 15_000, what: 'the orphaned app stopped' });
});
