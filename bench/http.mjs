// HTTP: server CPU time per request of a hello-world node:http server (child process),
// uninstrumented vs agentmeter's preload (default auto-instrumentation: HTTP metrics from
// diagnostics_channel incl. active requests, runtime metrics, metrics server on a free port)
// vs a prom-client histogram per request vs OpenTelemetry instrumentation-http (metrics only).
// Load: autocannon in a process of its own on 127.0.0.1 (bench/lib/load.mjs), bounded in
// time; with taskset and 2+ CPUs the server runs on CPU 1 and the load on CPU 0 (BENCH_PIN=0
// turns that off). Server CPU time only: the load's CPU is not counted.
// --frameworks (or BENCH_HTTP_FRAMEWORKS=1): hello-world Express and Fastify apps instead
// (GET /hello/:name), each plain vs the agentmeter preload (http.route recorded) vs the
// same preload without the framework's route instrumentation (the route lookup's cost)
// vs OpenTelemetry's instrumentation-express + instrumentation-http (Express) or
// instrumentation-http (Fastify) vs a prom-client middleware (express-prom-bundle; a
// prom-client onResponse hook for Fastify).
//   node bench/http.mjs [--small] [--frameworks]
import { fork, spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fmt, header, median, pick, ratio, result, table, sleep } from './lib/common.mjs';

const SERVER = fileURLToPath(new URL('./lib/http-server.cjs', import.meta.url));
const OTEL_PRELOAD = fileURLToPath(new URL('./lib/otel-http-preload.cjs', import.meta.url));
const FRAMEWORK_SERVER = fileURLToPath(new URL('./lib/http-framework-server.cjs', import.meta.url));
const OTEL_EXPRESS_PRELOAD = fileURLToPath(new URL('./lib/otel-express-preload.cjs', import.meta.url));
const FRAMEWORKS = process.argv.includes('--frameworks') || process.env.BENCH_HTTP_FRAMEWORKS === '1';
const DURATION = pick(4, 0.5); // seconds measured per run
const WARMUP = pick(1.5, 0.25);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? pick(9, 1));
const CONNECTIONS = 8;
// A fixed request rate, well below saturation on 2 cores, the same for every server: CPU per
// request is compared at equal load (at saturation, syscall batching varies with throughput).
const RATE = Number(process.env.BENCH_HTTP_RATE ?? pick(8000, 4000));

const MODES = {
  uninstrumented: { env: { BENCH_MODE: 'none' }, execArgv: [] },
  agentmeter: {
    env: { BENCH_MODE: 'agentmeter', AGENTMETER_METRICS_PORT: '0', OTEL_SERVICE_NAME: 'bench-http' },
    execArgv: ['--require', '@agentmeter/sdk/register'],
  },
  'prom-client histogram': { env: { BENCH_MODE: 'prom-client' }, execArgv: [] },
  '@prometheus-io/client histogram': { env: { BENCH_MODE: 'prom-client', BENCH_PROM_LIB: '@prometheus-io/client' }, execArgv: [] },
  'OTel instrumentation-http (metrics only)': { env: { BENCH_MODE: 'otel-http' }, execArgv: ['--require', OTEL_PRELOAD] },
};

// On Linux with taskset and 2+ CPUs: the server on CPU 1, the load generator on CPU 0.
const LOAD = fileURLToPath(new URL('./lib/load.mjs', import.meta.url));
const PIN = process.env.BENCH_PIN !== '0' && (await import('node:os')).availableParallelism() >= 2 && (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** autocannon in its own process (on CPU 0 when pinned). */
async function load(opts) {
  const args = [LOAD, JSON.stringify(opts)];
  const child = PIN ? spawn('taskset', ['-c', '0', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] }) : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`load generator exited ${code}`);
  return JSON.parse(out);
}

// attribution: the same preload with only some instrumentations on
if (process.env.BENCH_HTTP_ATTRIBUTION === '1') {
  for (const only of ['http', 'runtime', 'none']) {
    MODES[`agentmeter, instrumentations=${only}`] = {
      env: { ...MODES.agentmeter.env, AGENTMETER_INSTRUMENTATIONS: only, ...(only === 'http' ? {} : { BENCH_NO_VERIFY: '1' }) },
      execArgv: MODES.agentmeter.execArgv,
    };
  }
  delete MODES['prom-client histogram'];
  delete MODES['@prometheus-io/client histogram'];
  delete MODES['OTel instrumentation-http (metrics only)'];
}

// frameworks: every mode names its server, URL path and baseline (the plain framework)
if (FRAMEWORKS) {
  for (const k of Object.keys(MODES)) delete MODES[k];
  const am = { AGENTMETER_METRICS_PORT: '0', OTEL_SERVICE_NAME: 'bench-http' };
  // BENCH_HTTP_FRAMEWORK=express|fastify: only that one
  for (const fw of ['express', 'fastify'].filter((f) => !process.env.BENCH_HTTP_FRAMEWORK || f === process.env.BENCH_HTTP_FRAMEWORK)) {
    const m = (env, execArgv = []) => ({ env: { BENCH_FRAMEWORK: fw, ...env }, execArgv, server: FRAMEWORK_SERVER, path: '/hello/world', baseline: `${fw} plain` });
    MODES[`${fw} plain`] = m({ BENCH_MODE: 'none' });
    MODES[`${fw} + agentmeter (http.route)`] = m({ BENCH_MODE: 'agentmeter', ...am }, ['--require', '@agentmeter/sdk/register']);
    // every default instrumentation but the framework's: no route lookup, the rest identical
    MODES[`${fw} + agentmeter without ${fw} instrumentation`] = m(
      { BENCH_MODE: 'agentmeter', BENCH_NO_VERIFY: '1', ...am, AGENTMETER_INSTRUMENTATIONS: ['http', 'undici', 'pg', 'runtime', 'ws', 'openai', 'anthropic', 'express', 'fastify', 'koa', 'hono'].filter((n) => n !== fw).join(',') },
      ['--require', '@agentmeter/sdk/register'],
    );
    MODES[fw === 'express' ? 'express + OTel instrumentation-express + instrumentation-http' : 'fastify + OTel instrumentation-http'] = m({ BENCH_MODE: 'otel' }, ['--require', fw === 'express' ? OTEL_EXPRESS_PRELOAD : OTEL_PRELOAD]);
    MODES[fw === 'express' ? 'express + express-prom-bundle' : 'fastify + prom-client onResponse hook'] = m({ BENCH_MODE: 'prom' });
  }
}

header('HTTP', `hello-world node:http server in a child process; autocannon in another process, ${CONNECTIONS} connections at a fixed ${RATE} requests/s, ${DURATION} s measured after ${WARMUP} s warm-up; server CPU (user+system, process.cpuUsage) per request${PIN ? ' (server pinned to CPU 1, load generator to CPU 0)' : ''}; median of ${ROUNDS} interleaved rounds.`);

async function runOnce(name, mode) {
  const opts = { env: { ...process.env, ...mode.env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] };
  const child = PIN
    ? spawn('taskset', ['-c', '1', process.execPath, ...mode.execArgv, mode.server ?? SERVER], opts)
    : fork(mode.server ?? SERVER, [], { ...opts, execArgv: mode.execArgv });
  const exited = once(child, 'exit');
  try {
    const [{ port }] = await Promise.race([once(child, 'message'), exited.then(([c]) => Promise.reject(new Error(`${name} server exited ${c}`)))]);
    const url = `http://127.0.0.1:${port}${mode.path ?? '/'}`;
    await load({ url, connections: CONNECTIONS, duration: WARMUP });
    child.send('start');
    await sleep(20);
    const t0 = performance.now();
    const r = await load({ url, connections: CONNECTIONS, duration: DURATION, overallRate: RATE });
    const elapsed = (performance.now() - t0) / 1000;
    child.send('stop');
    const [stats] = await once(child, 'message');
    if (r.non2xx || r.errors) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    return { usPerReq: stats.cpuMicros / stats.requests, userPerReq: stats.userMicros / stats.requests, rps: stats.requests / elapsed, p99: r.p99, recorded: stats.recorded, requests: stats.requests };
  } finally {
    child.send('exit');
    await Promise.race([exited, sleep(3000).then(() => child.kill())]);
  }
}

// BENCH_HTTP_MODES=name,name: only these modes (the first is the baseline)
if (process.env.BENCH_HTTP_MODES) {
  const keep = process.env.BENCH_HTTP_MODES.split(',');
  for (const k of Object.keys(MODES)) if (!keep.includes(k)) delete MODES[k];
}

const res = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, mode] of Object.entries(MODES)) {
    const r = await runOnce(name, mode);
    if (r.recorded !== null && !(r.recorded > 0) && !mode.env.BENCH_NO_VERIFY) throw new Error(`${name}: the instrumentation recorded no request`);
    (res[name] ??= []).push(r);
  }
}

/** Min-max over rounds of this mode's CPU/unit divided by the same round's baseline (uninstrumented, or the plain framework). */
function roundRange(rs, baseline = 'uninstrumented') {
  const r = rs.map((x, i) => x.usPerReq / res[baseline][i].usPerReq);
  return Math.min(...r).toFixed(2) + '-' + Math.max(...r).toFixed(2) + 'x';
}
const med = {};
for (const [name, rs] of Object.entries(res)) {
  med[name] = {
    usPerReq: median(rs.map((x) => x.usPerReq)),
    rps: median(rs.map((x) => x.rps)),
    p99: median(rs.map((x) => x.p99)),
    recorded: rs.at(-1).recorded,
    range: roundRange(rs, MODES[name].baseline),
  };
}
if (FRAMEWORKS) {
  table(
    'Server CPU per request, hello-world frameworks (ratios against the plain framework)',
    ['server', 'CPU µs/request (median)', 'vs plain framework', 'per-round ratio range', 'requests/s', 'p99 latency ms', 'recorded with a route (last run)'],
    Object.entries(med).map(([k, v]) => [k, fmt(v.usPerReq, 2), ratio(v.usPerReq, med[MODES[k].baseline].usPerReq), v.range, fmt(v.rps, 0), fmt(v.p99, 0), v.recorded === null ? '-' : fmt(v.recorded, 0)]),
  );
  const goals = ['express', 'fastify'].filter((fw) => med[`${fw} plain`]).map((fw) => {
    const withRoute = med[`${fw} + agentmeter (http.route)`].usPerReq;
    const without = med[`${fw} + agentmeter without ${fw} instrumentation`].usPerReq;
    return { goal: `13.6 ${fw}: route lookup CPU per request (agentmeter with vs without the ${fw} instrumentation)`, measured: `${fmt(withRoute, 2)} µs vs ${fmt(without, 2)} µs (${ratio(withRoute, without)})`, target: 'no measurable difference', met: withRoute <= 1.05 * without };
  });
  result('http-frameworks', { values: med, goals });
  process.exit(0);
}
const base = med.uninstrumented.usPerReq;
table(
  'Server CPU per request',
  ['server', 'CPU µs/request (median)', 'vs uninstrumented', 'per-round ratio range', 'requests/s', 'p99 latency ms', 'recorded by instrumentation (last run)'],
  Object.entries(med).map(([k, v]) => [k, fmt(v.usPerReq, 2), ratio(v.usPerReq, base), v.range, fmt(v.rps, 0), fmt(v.p99, 0), v.recorded === null ? '-' : fmt(v.recorded, 0)]),
);
const a = med.agentmeter.usPerReq;
const perRound = res.agentmeter.map((x, i) => x.usPerReq / res.uninstrumented[i].usPerReq);
const perRoundUser = res.agentmeter.map((x, i) => x.userPerReq / res.uninstrumented[i].userPerReq);
console.log('per-round total', perRound.map((r) => r.toFixed(3)).join(' '));
console.log('per-round user ', perRoundUser.map((r) => r.toFixed(3)).join(' '));
console.log('abs total none ', res.uninstrumented.map((r) => r.usPerReq.toFixed(1)).join(' '));
console.log('abs total am   ', res.agentmeter.map((r) => r.usPerReq.toFixed(1)).join(' '));
console.log('abs user none  ', res.uninstrumented.map((r) => r.userPerReq.toFixed(1)).join(' '));
console.log('abs user am    ', res.agentmeter.map((r) => r.userPerReq.toFixed(1)).join(' '));
const spread = Math.max(...perRound) - Math.min(...perRound);
result('http', {
  values: { ...med, perRoundRatios: perRound },
  goals: [
    {
      goal: '2. HTTP server CPU per request vs uninstrumented (issue 18: measured stably)',
      measured: `${fmt(a, 2)} µs vs ${fmt(base, 2)} µs (${ratio(a, base)}; median of per-round ratios ${fmt(median(perRound), 3)}x), per-round ${med.agentmeter.range} over ${ROUNDS} rounds (spread ${fmt(spread * 100, 1)} points)`,
      target: '<= 1.05x, min-max spread < 3 points',
      met: median(perRound) <= 1.05 && spread < 0.03,
    },
  ],
});
