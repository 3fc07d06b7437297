// HTTP: server CPU time per request of a hello-world node:http server (child process),
// uninstrumented vs agentmeter's preload (default auto-instrumentation: HTTP metrics from
// diagnostics_channel incl. active requests, runtime metrics, metrics server on a free port)
// vs the same preload with the HTTP metrics only vs a prom-client histogram per request (alone
// and with prom-client's default metrics) vs OpenTelemetry instrumentation-http (metrics only).
// Load: autocannon in one process of its own on 127.0.0.1 (bench/lib/load.mjs) at a fixed
// rate per server; with taskset and 2+ CPUs every server runs on CPU 1 and the load on CPU 0
// (BENCH_PIN=0 turns that off). Server CPU time only: the load's CPU is not counted.
// Stability on a small, shared machine (issue 18): on a VM the host's preemptions are not
// reported as steal time; they are charged, in bursts, to whichever process was running, so
// one server's CPU per request moves up to 2x between seconds. So every server is under
// load at the same time, in many short slices (a round: every server, one slice, the order
// rotated each round), and a mode's figure is the median over the slices of its CPU per
// request divided by the baseline's in the same slice: a burst spoils a few slices' pairs,
// not the median. Every epoch starts fresh server processes, so that one process's luck
// (code layout, heap, JIT) is not a mode's figure; the spread is the min-max of the
// epochs' medians: how far the figure moves between independent parts of one run. The
// ratio of the summed CPU over the summed requests is reported next to it.
// BENCH_HTTP_SEQUENTIAL=1: the earlier method (runs A-K): the load moved between the
// servers, one at a time, in 1 s slices at 5,000 requests/s.
// --frameworks (or BENCH_HTTP_FRAMEWORKS=1): hello-world Express and Fastify apps instead
// (GET /hello/:name), each plain vs the agentmeter preload (http.route recorded) vs the
// same preload without the framework's route instrumentation (the route lookup's cost)
// vs OpenTelemetry's instrumentation-express + instrumentation-http (Express) or
// instrumentation-http (Fastify) vs a prom-client middleware (express-prom-bundle; a
// prom-client onResponse hook for Fastify).
//   node bench/http.mjs [--small] [--frameworks]
// BENCH_HTTP_EPOCHS, BENCH_HTTP_ROUNDS (per epoch), BENCH_HTTP_SLICE (seconds), BENCH_HTTP_RATE,
// BENCH_HTTP_MODES=a,b (or a|b), BENCH_HTTP_ATTRIBUTION=1, BENCH_HTTP_WARMUP_ROUNDS, BENCH_HTTP_CONTROL=0
// (no second uninstrumented server), BENCH_HTTP_NODE_FLAGS (node flags of every server),
// BENCH_HTTP_RAW=file (every counted slice as JSON)
import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { canPin, fmt, header, median, pick, result, table, sleep } from './lib/common.mjs';

const SERVER = fileURLToPath(new URL('./lib/http-server.cjs', import.meta.url));
const OTEL_PRELOAD = fileURLToPath(new URL('./lib/otel-http-preload.cjs', import.meta.url));
const FRAMEWORK_SERVER = fileURLToPath(new URL('./lib/http-framework-server.cjs', import.meta.url));
const OTEL_EXPRESS_PRELOAD = fileURLToPath(new URL('./lib/otel-express-preload.cjs', import.meta.url));
const FRAMEWORKS = process.argv.includes('--frameworks') || process.env.BENCH_HTTP_FRAMEWORKS === '1';
const CONNECTIONS = 8;
const SEQUENTIAL = process.env.BENCH_HTTP_SEQUENTIAL === '1';
const SLICE = Number(process.env.BENCH_HTTP_SLICE ?? (SEQUENTIAL ? pick(1, 0.25) : 0.3)); // seconds of load per server per round
const WARMUP = pick(2, 0.25);
// rounds run but not counted at the start of each epoch: the first seconds under load of a
// fresh process cost up to 2x (JIT tiers, the young generation growing), for every mode alike
const WARMUP_ROUNDS = Number(process.env.BENCH_HTTP_WARMUP_ROUNDS ?? pick(3, 0));
const EPOCHS = Number(process.env.BENCH_HTTP_EPOCHS ?? pick(SEQUENTIAL ? 5 : 4, 1)); // fresh server processes each
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? pick(SEQUENTIAL ? 10 : 60, 2)); // per epoch
const NODE_FLAGS = (process.env.BENCH_HTTP_NODE_FLAGS ?? '').split(' ').filter(Boolean);

const AGENTMETER = {
  env: { BENCH_MODE: 'agentmeter', AGENTMETER_METRICS_PORT: '0', OTEL_SERVICE_NAME: 'bench-http' },
  execArgv: ['--require', '@agentmeter/sdk/register'],
};
const MODES = {
  uninstrumented: { env: { BENCH_MODE: 'none' }, execArgv: [] },
  agentmeter: AGENTMETER,
  // the per-request part alone: the same preload with the runtime metrics off (their cost is
  // per second, not per request: bench/idle.mjs)
  'agentmeter, HTTP metrics only': { env: { ...AGENTMETER.env, AGENTMETER_INSTRUMENTATIONS: 'http' }, execArgv: AGENTMETER.execArgv },
  'prom-client histogram': { env: { BENCH_MODE: 'prom-client' }, execArgv: [] },
  // what the issue compares the preload with: prom-client's collectDefaultMetrics() (a 10 ms
  // event-loop sampler and a GC observer, as agentmeter's runtime metrics) next to the histogram
  'prom-client histogram + default metrics': { env: { BENCH_MODE: 'prom-client', BENCH_PROM_DEFAULTS: '1' }, execArgv: [] },
  '@prometheus-io/client histogram': { env: { BENCH_MODE: 'prom-client', BENCH_PROM_LIB: '@prometheus-io/client' }, execArgv: [] },
  'OTel instrumentation-http (metrics only)': { env: { BENCH_MODE: 'otel-http' }, execArgv: ['--require', OTEL_PRELOAD] },
};

// On Linux with taskset and 2+ CPUs: the server on CPU 1, the load generator on CPU 0.
const LOAD = fileURLToPath(new URL('./lib/load.mjs', import.meta.url));
const PIN = process.env.BENCH_PIN !== '0' && (await import('node:os')).availableParallelism() >= 2 && canPin(0);

/** The load generator: one autocannon process for the run (on CPU 0 when pinned). */
async function startLoad() {
  const child = PIN ? spawn('taskset', ['-c', '0', process.execPath, LOAD], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }) : fork(LOAD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [m] = await once(child, 'message');
  if (m !== 'ready') throw new Error('load generator did not start');
  return {
    run: async (opts) => {
      child.send(opts);
      const [r] = await once(child, 'message');
      return r;
    },
    stop: () => child.send('exit'),
  };
}

// control: a second uninstrumented server (an A/A test): its ratio and spread are the method's own noise floor
if (process.env.BENCH_HTTP_CONTROL !== '0') MODES['uninstrumented (control)'] = { ...MODES.uninstrumented };

// attribution: the same preload with only some instrumentations on
if (process.env.BENCH_HTTP_ATTRIBUTION === '1') {
  for (const only of ['http', 'runtime', 'none']) {
    MODES[`agentmeter, instrumentations=${only}`] = {
      env: { ...MODES.agentmeter.env, AGENTMETER_INSTRUMENTATIONS: only, ...(only === 'http' ? {} : { BENCH_NO_VERIFY: '1' }) },
      execArgv: MODES.agentmeter.execArgv,
    };
  }
  // the preload's modules loaded, agentmeter off: what a bigger process costs without any per-request work
  MODES['agentmeter, AGENTMETER_ENABLED=false'] = { env: { ...MODES.agentmeter.env, AGENTMETER_ENABLED: 'false', BENCH_NO_VERIFY: '1' }, execArgv: MODES.agentmeter.execArgv };
  // the event-loop delay sampler's interval (default 20 ms): its timer wakes an idle server
  for (const ms of ['10', '50']) {
    MODES[`agentmeter, event-loop sampler ${ms} ms`] = { env: { ...MODES.agentmeter.env, AGENTMETER_EVENT_LOOP_DELAY_RESOLUTION: ms }, execArgv: MODES.agentmeter.execArgv };
  }
  delete MODES['agentmeter, HTTP metrics only']; // the attribution has its own (instrumentations=http)
  delete MODES['prom-client histogram'];
  delete MODES['prom-client histogram + default metrics'];
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


/** Start one server of `mode`; `slice(seconds)` puts the load on it and returns its CPU and requests meanwhile. */
async function startServer(name, mode, load) {
  const opts = { env: { ...process.env, ...mode.env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] };
  const execArgv = [...NODE_FLAGS, ...mode.execArgv];
  const child = PIN
    ? spawn('taskset', ['-c', '1', process.execPath, ...execArgv, mode.server ?? SERVER], opts)
    : fork(mode.server ?? SERVER, [], { ...opts, execArgv });
  const exited = once(child, 'exit');
  const [{ port }] = await Promise.race([once(child, 'message'), exited.then(([c]) => Promise.reject(new Error(`${name} server exited ${c}`)))]);
  const url = `http://127.0.0.1:${port}${mode.path ?? '/'}`;
  await load.run({ url, connections: CONNECTIONS, duration: WARMUP, overallRate: RATE });
  return {
    /** The load's target for one slice. */
    target: (seconds) => ({ url, connections: CONNECTIONS, duration: seconds, overallRate: RATE }),
    begin: () => child.send('start'),
    /** After a slice: this server's CPU and requests since begin(), with the load's result `r`. */
    async end(r, seconds) {
      child.send('stop');
      const [stats] = await once(child, 'message');
      if (r.non2xx || r.errors) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      return { cpu: stats.cpuMicros, user: stats.userMicros, requests: stats.requests, p99: r.p99, seconds };
    },
    async slice(seconds) {
      this.begin();
      const t0 = performance.now();
      const r = await load.run(this.target(seconds));
      return this.end(r, (performance.now() - t0) / 1000);
    },
    /** Requests the instrumentation counted so far (null: none to ask). */
    async recorded() {
      child.send('recorded');
      const [{ recorded }] = await once(child, 'message');
      return recorded;
    },
    async stop() {
      child.send('exit');
      await Promise.race([exited, sleep(3000).then(() => child.kill())]);
    },
  };
}

// BENCH_HTTP_MODES=name,name: only these modes (keep each one's baseline among them)
if (process.env.BENCH_HTTP_MODES) {
  const v = process.env.BENCH_HTTP_MODES;
  const keep = v.split(v.includes('|') ? '|' : ','); // '|' for names with commas
  for (const k of Object.keys(MODES)) if (!keep.includes(k)) delete MODES[k];
}
const names = Object.keys(MODES);
// A fixed request rate per server, well below saturation on 2 cores (the load generator
// itself tops out near 7,500/s in all, pinned to one CPU here), the same for every server:
// CPU per request is compared at equal load (at saturation, syscall batching varies with
// throughput).
// (concurrent: at most 1,000/s per server, less when more than 6 servers share the load)
const RATE = Number(process.env.BENCH_HTTP_RATE ?? (SEQUENTIAL ? pick(5000, 2000) : Math.min(1000, Math.floor(6000 / names.length))));
header(
  'HTTP',
  SEQUENTIAL
    ? `hello-world node:http servers in child processes, all running throughout; autocannon in another process, ${CONNECTIONS} connections at a fixed ${RATE} requests/s, moved between the servers in ${SLICE} s slices, ${ROUNDS} rounds counted in each of ${EPOCHS} epochs (fresh server processes each, ${WARMUP} s warm-up each, then ${WARMUP_ROUNDS} rounds not counted); server CPU (process.cpuUsage, user+system) per request${PIN ? ' (servers pinned to CPU 1, load generator to CPU 0)' : ''}.`
    : `hello-world node:http servers in child processes, all under load at once: autocannon in another process, ${CONNECTIONS} connections and a fixed ${RATE} requests/s per server, in ${SLICE} s slices, ${ROUNDS} slices counted in each of ${EPOCHS} epochs (fresh server processes each, ${WARMUP} s warm-up each, then ${WARMUP_ROUNDS} slices not counted); server CPU (process.cpuUsage, user+system) per request${PIN ? ' (servers pinned to CPU 1, load generator to CPU 0)' : ''}; ratio: median over the slices of a server's CPU per request over the baseline's in the same slice; spread: min-max of the epochs' medians.`,
);
const load = await startLoad();
const res = Object.fromEntries(names.map((n) => [n, []]));
const recorded = {}; // per mode, at the end of the last epoch
try {
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    // fresh processes every epoch: a process's own luck (code layout, heap, JIT) is not one server's figure
    const servers = {};
    try {
      for (const n of names) servers[n] = await startServer(n, MODES[n], load);
      for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
        if (SEQUENTIAL) {
          for (const n of round % 2 ? [...names].reverse() : names) {
            const s = await servers[n].slice(SLICE);
            if (round >= WARMUP_ROUNDS) res[n].push({ ...s, epoch });
          }
          continue;
        }
        // every server under load in the same slice, in an order rotated each round (the
        // first to start or to be served is no one server's advantage)
        const order = names.map((_, i) => names[(i + round) % names.length]);
        for (const n of order) servers[n].begin();
        const t0 = performance.now();
        const rs = await load.run(order.map((n) => servers[n].target(SLICE)));
        const seconds = (performance.now() - t0) / 1000;
        const slices = await Promise.all(order.map((n, i) => servers[n].end(rs[i], seconds)));
        if (round >= WARMUP_ROUNDS) for (const [i, n] of order.entries()) res[n].push({ ...slices[i], epoch, round });
      }
      for (const n of names) recorded[n] = await servers[n].recorded();
    } finally {
      for (const s of Object.values(servers)) await s.stop();
    }
  }
} finally {
  load.stop();
}
if (process.env.BENCH_HTTP_RAW) (await import('node:fs')).writeFileSync(process.env.BENCH_HTTP_RAW, JSON.stringify(res));
for (const n of names) {
  if (recorded[n] !== null && !(recorded[n] > 0) && !MODES[n].env.BENCH_NO_VERIFY) throw new Error(`${n}: the instrumentation recorded no request`);
}

/** CPU µs per request over the given slices (all by default). */
const perReq = (rs, idx = rs.map((_, i) => i)) => idx.reduce((a, i) => a + rs[i].cpu, 0) / idx.reduce((a, i) => a + rs[i].requests, 0);
const epochIdx = (rs, e) => rs.map((x, i) => (x.epoch === e ? i : -1)).filter((i) => i >= 0);
/**
 * Mode `name` against mode `baseName`, slice by slice (the same index is the same round):
 * `median` of the per-slice ratios of CPU per request, over all slices and per epoch
 * (`min`, `max`, `spread` of the epochs' medians); `sums`, the ratio of summed CPU over
 * summed requests, with its epochs' range.
 */
function against(name, baseName = MODES[name].baseline ?? 'uninstrumented') {
  const a = res[name], b = res[baseName];
  const per = (i) => a[i].cpu / a[i].requests / (b[i].cpu / b[i].requests);
  const medOf = (idx) => median(idx.map(per));
  const sumsOf = (idx) => perReq(a, idx) / perReq(b, idx);
  const epochs = [...Array(EPOCHS).keys()];
  const meds = epochs.map((e) => medOf(epochIdx(a, e)));
  const sums = epochs.map((e) => sumsOf(epochIdx(a, e)));
  return {
    median: medOf(a.map((_, i) => i)),
    min: Math.min(...meds),
    max: Math.max(...meds),
    spread: Math.max(...meds) - Math.min(...meds),
    sums: sumsOf(undefined),
    sumsRange: `${Math.min(...sums).toFixed(3)}-${Math.max(...sums).toFixed(3)}x`,
  };
}
const med = {};
for (const [name, rs] of Object.entries(res)) {
  const r = against(name);
  med[name] = {
    usPerReq: perReq(rs),
    ratio: r.median,
    range: `${r.min.toFixed(3)}-${r.max.toFixed(3)}x`,
    spread: r.spread,
    sumsRatio: r.sums,
    sumsRange: r.sumsRange,
    rps: rs.reduce((a, x) => a + x.requests, 0) / rs.reduce((a, x) => a + x.seconds, 0),
    p99: median(rs.map((x) => x.p99)),
    recorded: recorded[name],
  };
}
const COLUMNS = ['CPU µs/request', 'ratio (median of slices)', `over ${EPOCHS} epochs`, 'spread (points)', 'ratio of sums', `over ${EPOCHS} epochs`, 'requests/s', 'p99 latency ms'];
const row = (k, v) => [k, fmt(v.usPerReq, 2), `${v.ratio.toFixed(3)}x`, v.range, fmt(v.spread * 100, 1), `${v.sumsRatio.toFixed(3)}x`, v.sumsRange, fmt(v.rps, 0), fmt(v.p99, 0)];
if (FRAMEWORKS) {
  table(
    'Server CPU per request, hello-world frameworks (ratios against the plain framework)',
    ['server', ...COLUMNS, 'recorded with a route (last epoch)'],
    Object.entries(med).map(([k, v]) => [...row(k, v), v.recorded === null ? '-' : fmt(v.recorded, 0)]),
  );
  const goals = ['express', 'fastify'].filter((fw) => med[`${fw} plain`]).map((fw) => {
    const withName = `${fw} + agentmeter (http.route)`, withoutName = `${fw} + agentmeter without ${fw} instrumentation`;
    const r = against(withName, withoutName);
    return {
      goal: `13.6 ${fw}: route lookup CPU per request (agentmeter with vs without the ${fw} instrumentation)`,
      measured: `${fmt(med[withName].usPerReq, 2)} µs vs ${fmt(med[withoutName].usPerReq, 2)} µs: ${r.median.toFixed(3)}x (median of slices; epochs ${r.min.toFixed(3)}-${r.max.toFixed(3)}x)`,
      target: 'no measurable difference',
      met: r.median <= 1.05,
    };
  });
  result('http-frameworks', { values: med, goals });
  process.exit(0);
}
table(
  'Server CPU per request (ratios against uninstrumented)',
  ['server', ...COLUMNS, 'recorded by instrumentation (last epoch)'],
  Object.entries(med).map(([k, v]) => [...row(k, v), v.recorded === null ? '-' : fmt(v.recorded, 0)]),
);
const a = med.agentmeter, base = med.uninstrumented;
const httpOnly = med['agentmeter, HTTP metrics only'];
const promDefaults = med['prom-client histogram + default metrics'];
result('http', {
  values: med,
  goals: [
    {
      goal: '2. HTTP server CPU per request vs uninstrumented (issue 18: measured stably)',
      measured: `${fmt(a.usPerReq, 2)} µs vs ${fmt(base.usPerReq, 2)} µs: ${a.ratio.toFixed(3)}x (median of ${ROUNDS * EPOCHS} paired slices; epochs ${a.range}, spread ${fmt(a.spread * 100, 1)} points; ratio of sums ${a.sumsRatio.toFixed(3)}x); the A/A control ${med['uninstrumented (control)'] ? `${med['uninstrumented (control)'].ratio.toFixed(3)}x, spread ${fmt(med['uninstrumented (control)'].spread * 100, 1)} points` : 'not run'}`,
      target: `<= 1.05x, min-max spread < 3 points`,
      met: a.ratio <= 1.05 && a.spread < 0.03,
    },
    ...(httpOnly
      ? [
          {
            goal: 'issue 18. the HTTP metrics per request (the preload with AGENTMETER_INSTRUMENTATIONS=http)',
            measured: `${httpOnly.ratio.toFixed(3)}x (epochs ${httpOnly.range}, spread ${fmt(httpOnly.spread * 100, 1)} points)`,
            target: '<= 1.05x',
            met: httpOnly.ratio <= 1.05,
          },
        ]
      : []),
    ...(promDefaults
      ? [
          {
            goal: "issue 18. the preload vs a prom-client histogram with prom-client's default metrics",
            measured: `${a.ratio.toFixed(3)}x vs ${promDefaults.ratio.toFixed(3)}x`,
            target: "<= prom-client's",
            met: a.ratio <= promDefaults.ratio,
          },
        ]
      : []),
  ],
});
