// Churn: 100 scrapes, each after 2,500 attribute sets never seen before (a user id label, the
// classic cardinality leak). Series exported and heap after GC, per library, each in its own
// --expose-gc child: agentmeter (hard cap, default 2000 series per metric) vs OpenTelemetry
// sdk-metrics + exporter-prometheus (cumulative; default limit 2000) vs prom-client and
// @prometheus-io/client (no limit).
//   node bench/churn.mjs [--small]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { PROM_LIBS, SMALL, fmt, header, loadProm, pick, result, table } from './lib/common.mjs';

const LIBS = ['agentmeter', 'OTel sdk-metrics', ...PROM_LIBS];
const SCRAPES = pick(100, 10);
const PER_SCRAPE = pick(2500, 300);
const CHECKPOINTS = new Set([1, 2, 5, 10, 25, 50, 75, 100].filter((x) => x <= SCRAPES));

async function child(lib) {
  const { gc } = await import('./lib/common.mjs');
  let record, scrape;
  if (lib === 'agentmeter') {
    const { Registry, serialize } = await import('@agentmeter/core');
    const reg = new Registry(); // default cardinalityLimit 2000
    const c = reg.getMeter('bench').createCounter('app.requests');
    const rec = reg.get('app.requests');
    record = (user) => c.add(1, { route: '/chat', 'user.id': user });
    scrape = async () => {
      const text = serialize(reg);
      return { series: rec.store.size, bytes: text.length };
    };
  } else if (PROM_LIBS.includes(lib)) {
    const promClient = loadProm(lib);
    const reg = new promClient.Registry();
    const c = new promClient.Counter({ name: 'app_requests_total', help: 'h', labelNames: ['route', 'user_id'], registers: [reg] });
    record = (user) => c.inc({ route: '/chat', user_id: user }, 1);
    scrape = async () => {
      const text = await reg.metrics();
      return { series: (await c.get()).values.length, bytes: text.length };
    };
  } else {
    const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
    const { PrometheusExporter, PrometheusSerializer } = await import('@opentelemetry/exporter-prometheus');
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const mp = new MeterProvider({ readers: [exporter] });
    const c = mp.getMeter('bench').createCounter('app.requests');
    const ser = new PrometheusSerializer();
    record = (user) => c.add(1, { route: '/chat', 'user.id': user });
    scrape = async () => {
      const { resourceMetrics } = await exporter.collect();
      let series = 0;
      for (const sm of resourceMetrics.scopeMetrics) for (const m of sm.metrics) series += m.dataPoints.length;
      const text = ser.serialize(resourceMetrics);
      return { series, bytes: text.length };
    };
  }
  const points = [];
  const t0 = performance.now();
  let user = 0;
  let scrapeMs = 0;
  for (let s = 1; s <= SCRAPES; s++) {
    for (let i = 0; i < PER_SCRAPE; i++) record('u' + user++);
    const ts = performance.now();
    const r = await scrape();
    scrapeMs = performance.now() - ts;
    if (CHECKPOINTS.has(s)) {
      gc();
      const u = process.memoryUsage();
      points.push({ scrape: s, series: r.series, bytes: r.bytes, heapMB: (u.heapUsed + u.arrayBuffers) / 1048576, scrapeMs });
    }
  }
  process.stdout.write(JSON.stringify({ points, totalMs: performance.now() - t0 }) + '\n');
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]);
} else {
  header('Churn', `${SCRAPES} scrapes, ${PER_SCRAPE.toLocaleString('en-US')} new attribute sets before each (${(SCRAPES * PER_SCRAPE).toLocaleString('en-US')} in all), one counter; each library in its own --expose-gc child.`);
  const self = fileURLToPath(import.meta.url);
  const res = {};
  for (const lib of LIBS) {
    const p = spawnSync(process.execPath, ['--expose-gc', self, '--child', lib, ...(SMALL ? ['--small'] : [])], { encoding: 'utf8', timeout: 240_000, maxBuffer: 1 << 24 });
    if (p.status !== 0) throw new Error(`${lib} child failed (${p.status} ${p.signal}): ${p.stderr}`);
    res[lib] = JSON.parse(p.stdout.trim().split('\n').pop());
  }
  const cps = [...CHECKPOINTS];
  const rows = [];
  for (const lib of LIBS) {
    const byScrape = Object.fromEntries(res[lib].points.map((p) => [p.scrape, p]));
    rows.push([lib + ': series', ...cps.map((c) => fmt(byScrape[c].series, 0))]);
    rows.push([lib + ': heap MB after GC', ...cps.map((c) => fmt(byScrape[c].heapMB, 1))]);
    rows.push([lib + ': scrape ms', ...cps.map((c) => fmt(byScrape[c].scrapeMs, 1))]);
  }
  table('Series exported and heap after GC, by scrape number', ['library / measure', ...cps.map((c) => `#${c}`)], rows);

  const a = res.agentmeter.points;
  const first = a.find((p) => p.scrape === Math.min(10, SCRAPES)) ?? a[0];
  const last = a[a.length - 1];
  const seriesFlat = a.every((p) => p.series <= 2000) && last.series === first.series;
  // heap "flat": the last checkpoint within 1 MB (or 10%) of the one at scrape 10
  const heapGrowth = last.heapMB - first.heapMB;
  const heapFlat = heapGrowth <= Math.max(1, first.heapMB * 0.1);
  const o = res['OTel sdk-metrics'].points.at(-1);
  const proms = PROM_LIBS.map((l) => `${l} ${res[l].points.at(-1).series} series / ${fmt(res[l].points.at(-1).heapMB, 1)} MB`).join('; ');
  result('churn', {
    values: res,
    goals: [
      {
        goal: `4. hard cap under churn (${SCRAPES} x ${PER_SCRAPE} new sets)`,
        measured: `agentmeter ${first.series} -> ${last.series} series, heap ${fmt(first.heapMB, 1)} -> ${fmt(last.heapMB, 1)} MB (scrape ${first.scrape} -> ${last.scrape}); OTel ${o.series} series / ${fmt(o.heapMB, 1)} MB; ${proms}`,
        target: 'series count and heap flat',
        met: seriesFlat && heapFlat,
      },
    ],
  });
}
