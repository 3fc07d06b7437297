// Memory: retained heap per series (counter, histogram with 14 boundaries, 3 attributes) for
// agentmeter, prom-client, @prometheus-io/client and OpenTelemetry sdk-metrics. Each library/kind is measured in its
// own child process run with --expose-gc: heapUsed after GC, before and after N series exist.
// Steady state: record every series, scrape once, record every series again, then GC.
//   node bench/memory.mjs [--small]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PROM_LIBS, fmt, header, loadProm, median, pick, promRatios, ratio, result, table } from './lib/common.mjs';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const LIBS = ['agentmeter', ...PROM_LIBS, 'OTel sdk-metrics'];
const OTHERS = LIBS.slice(1); // what agentmeter is compared with: the better of these
const KINDS = ['counter', 'histogram'];

async function child(lib, kind, n) {
  const { gc } = await import('./lib/common.mjs');
  // attribute values exist before the baseline: only what the library retains is measured
  const routes = Array.from({ length: n }, (_, j) => '/api/v1/resource/' + j);
  const attrs = (j) => ({ method: j % 2 ? 'GET' : 'POST', status: 200, route: routes[j] });
  let record, scrape;
  if (lib === 'agentmeter') {
    const { Registry, serialize } = await import('@agentmeter/core');
    const reg = new Registry({ cardinalityLimit: n + 10 });
    const m = reg.getMeter('bench');
    const inst = kind === 'counter' ? m.createCounter('app.requests') : m.createHistogram('app.duration', { unit: 's', advice: { explicitBucketBoundaries: BUCKETS } });
    record = kind === 'counter' ? (j) => inst.add(1, attrs(j)) : (j) => inst.record((j % 100) / 10, attrs(j));
    scrape = async () => serialize(reg).length;
    globalThis.keep = reg;
  } else if (PROM_LIBS.includes(lib)) {
    const promClient = loadProm(lib);
    const reg = new promClient.Registry();
    const labelNames = ['method', 'status', 'route'];
    const inst =
      kind === 'counter'
        ? new promClient.Counter({ name: 'app_requests_total', help: 'h', labelNames, registers: [reg] })
        : new promClient.Histogram({ name: 'app_duration_seconds', help: 'h', labelNames, buckets: BUCKETS, registers: [reg] });
    record = kind === 'counter' ? (j) => inst.inc(attrs(j), 1) : (j) => inst.observe(attrs(j), (j % 100) / 10);
    scrape = async () => (await reg.metrics()).length;
    globalThis.keep = reg;
  } else {
    const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
    const { PrometheusExporter, PrometheusSerializer } = await import('@opentelemetry/exporter-prometheus');
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const mp = new MeterProvider({ readers: [exporter], views: [{ instrumentName: '*', aggregationCardinalityLimit: n + 10 }] });
    const m = mp.getMeter('bench');
    const inst = kind === 'counter' ? m.createCounter('app.requests') : m.createHistogram('app.duration', { unit: 's', advice: { explicitBucketBoundaries: BUCKETS } });
    record = kind === 'counter' ? (j) => inst.add(1, attrs(j)) : (j) => inst.record((j % 100) / 10, attrs(j));
    const ser = new PrometheusSerializer();
    scrape = async () => ser.serialize((await exporter.collect()).resourceMetrics).length;
    globalThis.keep = mp;
  }
  // warm the code paths with one series so lazily created per-instrument state is in the baseline
  record(0);
  await scrape();
  gc();
  // heapUsed + arrayBuffers: typed arrays larger than 64 bytes keep their backing store off the V8 heap
  const used = () => {
    const u = process.memoryUsage();
    return u.heapUsed + u.arrayBuffers;
  };
  const before = used();
  for (let j = 1; j <= n - 1; j++) record(j);
  const len = await scrape();
  for (let j = 1; j <= n - 1; j++) record(j);
  gc();
  const after = used();
  if (!(len > 0)) throw new Error('empty scrape');
  process.stdout.write(JSON.stringify({ perSeries: (after - before) / (n - 1) }) + '\n');
  // eslint-disable-next-line no-self-assign -- keeps `routes` reachable until after the measurement
  routes.length = routes.length;
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4], Number(process.argv[5]));
} else {
  const N = pick(50_000, 500);
  const REPEATS = pick(3, 1);
  header('Memory', `retained heap (heapUsed + arrayBuffers) per series after GC, ${N.toLocaleString('en-US')} series of 3 attributes in one instrument; each measurement in a fresh --expose-gc child; median of ${REPEATS}.`);
  const self = fileURLToPath(import.meta.url);
  const res = {};
  for (let r = 0; r < REPEATS; r++) {
    for (const kind of KINDS) {
      for (const lib of LIBS) {
        const p = spawnSync(process.execPath, ['--expose-gc', self, '--child', lib, kind, String(N)], { encoding: 'utf8', timeout: 120_000 });
        if (p.status !== 0) throw new Error(`${lib} ${kind} child failed: ${p.stderr}`);
        const { perSeries } = JSON.parse(p.stdout.trim().split('\n').pop());
        ((res[kind] ??= {})[lib] ??= []).push(perSeries);
      }
    }
  }
  const med = {};
  for (const kind of KINDS) med[kind] = Object.fromEntries(LIBS.map((l) => [l, median(res[kind][l])]));
  const rows = [];
  const bestOf = (kind) => {
    const lib = OTHERS.reduce((b, l) => (med[kind][l] < med[kind][b] ? l : b));
    return { lib, bytes: med[kind][lib] };
  };
  for (const kind of KINDS) {
    const best = bestOf(kind).bytes;
    for (const lib of LIBS) rows.push([kind, lib, fmt(med[kind][lib], 0), ...promRatios(med[kind][lib], med[kind]), ratio(med[kind][lib], best)]);
  }
  table('Heap per series', ['kind', 'library', 'bytes/series', ...PROM_LIBS.map((l) => `vs ${l}`), 'vs best of prom-client/@prometheus-io/client/OTel'], rows);
  const goals = KINDS.map((kind) => {
    const a = med[kind].agentmeter;
    const best = bestOf(kind);
    const others = OTHERS.map((l) => `${l} ${fmt(med[kind][l], 0)} B (${ratio(a, med[kind][l])})`).join(', ');
    return { goal: `4. memory per ${kind} series vs best of prom-client/@prometheus-io/client/OTel`, measured: `${fmt(a, 0)} B vs ${others}; best: ${best.lib}`, target: '<= 1.00x', met: a <= best.bytes };
  });
  result('memory', { values: med, goals });
}
