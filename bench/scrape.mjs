// Scrape: serialise 10k series (counters + histograms) in the Prometheus text format,
// agentmeter vs prom-client vs @prometheus-io/client vs OpenTelemetry (sdk-metrics +
// exporter-prometheus), with the
// output size; then 100k series with agentmeter serializeAsync and the longest event-loop block.
//   node bench/scrape.mjs [--small]
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { Registry, serialize, serializeAsync, serializeChunks, RegistryMetricProducer } from '@agentmeter/core';
import { PROM_LIBS, bytes, fmt, header, loadProm, median, medianRatio, pick, promRatios, ratio, result, table, sleep, vsProm } from './lib/common.mjs';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
const STATUS = [200, 500];

const SERIES = pick(10_000, 400);
const METRICS = 10; // half counters, half histograms
const PER_METRIC = SERIES / METRICS;
const RUNS = pick(15, 2);
const BIG = pick(100_000, 4_000);
const BIG_RUNS = pick(3, 1);

header('Scrape', `${SERIES.toLocaleString('en-US')} series: ${METRICS / 2} counters and ${METRICS / 2} histograms (14 boundaries) x ${PER_METRIC} attribute sets of 3 attributes; time to the exposition's UTF-8 bytes, median of ${RUNS} scrapes.`);

function attrSet(j) {
  return {
    method: METHODS[j % 5],
    status: STATUS[Math.floor(j / 5) % 2],
    route: '/api/v1/resource' + Math.floor(j / 10),
  };
}
// The same attribute keys (so the same label names) for every library: equal data, comparable bytes.
const otelAttrs = (a) => a;

function populate(perMetric, metricsCount, make) {
  for (let m = 0; m < metricsCount; m++) {
    const isHist = m % 2 === 1;
    const inst = make(m, isHist);
    for (let j = 0; j < perMetric; j++) {
      const a = attrSet(j);
      // two recordings per series so values are not all equal
      inst(a, ((j * 7919) % 1000) / 100);
      inst(a, ((j * 104729) % 1000) / 1000);
    }
  }
}

// --- agentmeter
const registry = new Registry({ cardinalityLimit: PER_METRIC + 10 });
const meter = registry.getMeter('bench');
populate(PER_METRIC, METRICS, (m, isHist) => {
  if (isHist) {
    const h = meter.createHistogram(`app.op${m}.duration`, { unit: 's', advice: { explicitBucketBoundaries: BUCKETS } });
    return (a, v) => h.record(v, otelAttrs(a));
  }
  const c = meter.createCounter(`app.op${m}.requests`, { unit: '{request}' });
  return (a, v) => c.add(v, otelAttrs(a));
});
const RESOURCE = { 'service.name': 'bench', 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.name': 'agentmeter' };

// --- prom-client and @prometheus-io/client (same API)
function promRegistry(lib, prefix, perMetric, metricsCount) {
  const pc = loadProm(lib);
  const reg = new pc.Registry();
  populate(perMetric, metricsCount, (m, isHist) => {
    if (isHist) {
      const h = new pc.Histogram({ name: `${prefix}_op${m}_duration_seconds`, help: `${prefix}.op${m}.duration`, labelNames: ['method', 'status', 'route'], buckets: BUCKETS, registers: [reg] });
      return (a, v) => h.observe(a, v);
    }
    const c = new pc.Counter({ name: `${prefix}_op${m}_requests_total`, help: `${prefix}.op${m}.requests`, labelNames: ['method', 'status', 'route'], registers: [reg] });
    return (a, v) => c.inc(a, v);
  });
  return reg;
}
const promRegs = Object.fromEntries(PROM_LIBS.map((l) => [l, promRegistry(l, 'app', PER_METRIC, METRICS)]));

// --- OpenTelemetry sdk-metrics + exporter-prometheus (its collect + serialise path)
const otelExporter = new PrometheusExporter({ preventServerStart: true });
const otelProvider = new MeterProvider({ readers: [otelExporter] });
const otelMeter = otelProvider.getMeter('bench');
populate(PER_METRIC, METRICS, (m, isHist) => {
  if (isHist) {
    const h = otelMeter.createHistogram(`app.op${m}.duration`, { unit: 's', advice: { explicitBucketBoundaries: BUCKETS } });
    return (a, v) => h.record(v, otelAttrs(a));
  }
  const c = otelMeter.createCounter(`app.op${m}.requests`, { unit: '{request}' });
  return (a, v) => c.add(v, otelAttrs(a));
});
const otelSerializer = new PrometheusSerializer();

// --- agentmeter's registry read by the stock OTel Prometheus exporter (MetricProducer path)
const bridgeExporter = new PrometheusExporter({ preventServerStart: true, metricProducers: [new RegistryMetricProducer(registry)] });
new MeterProvider({ readers: [bridgeExporter] });

const impls = {
  'agentmeter serialize': async () => serialize(registry, { resource: RESOURCE }),
  'agentmeter serializeAsync': async () => serializeAsync(registry, { resource: RESOURCE }),
  ...Object.fromEntries(PROM_LIBS.map((l) => [`${l} register.metrics()`, async () => promRegs[l].metrics()])),
  'OTel exporter-prometheus (collect + serialize)': async () => {
    const { resourceMetrics } = await otelExporter.collect();
    return otelSerializer.serialize(resourceMetrics);
  },
  'agentmeter via RegistryMetricProducer + OTel exporter': async () => {
    const { resourceMetrics } = await bridgeExporter.collect();
    return otelSerializer.serialize(resourceMetrics);
  },
};

const times = {}, sizes = {}, lines = {};
// Timed: the text and its UTF-8 bytes, what a /metrics response writes. A string built with
// += is a rope whose flattening would otherwise be left out of one library's time only.
for (let r = 0; r < RUNS + 1; r++) {
  for (const [name, fn] of Object.entries(impls)) {
    const t0 = performance.now();
    const text = await fn();
    const body = Buffer.from(text, 'utf8');
    const dt = performance.now() - t0;
    if (body.length === 0) throw new Error(`${name}: empty exposition`);
    if (r === 0) {
      // warm-up run, not counted
      sizes[name] = Buffer.byteLength(text);
      lines[name] = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
      continue;
    }
    (times[name] ??= []).push(dt);
    await sleep(5);
  }
}
const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
const P = 'prom-client register.metrics()';
// per-run times (the runs are interleaved): ratios are the median of the per-run ratios
const promRuns = Object.fromEntries(PROM_LIBS.map((l) => [l, times[`${l} register.metrics()`]]));
const promBytes = Object.fromEntries(PROM_LIBS.map((l) => [l, sizes[`${l} register.metrics()`]]));
table(
  `Serialise ${SERIES.toLocaleString('en-US')} series`,
  ['implementation', 'ms (median)', ...PROM_LIBS.map((l) => `vs ${l}`), 'output', 'vs prom-client', 'sample lines'],
  Object.keys(impls).map((k) => [k, fmt(med[k], 2), ...promRatios(times[k], promRuns), bytes(sizes[k]), ratio(sizes[k], sizes[P]), lines[k]]),
);

// --- 100k series: serializeAsync and the longest event-loop block ------------------------------
const BIG_PER = BIG / 20;
const big = new Registry({ cardinalityLimit: BIG_PER + 10 });
const bigMeter = big.getMeter('bench');
populate(BIG_PER, 20, (m, isHist) => {
  if (isHist) {
    const h = bigMeter.createHistogram(`big.op${m}.duration`, { unit: 's', advice: { explicitBucketBoundaries: BUCKETS } });
    return (a, v) => h.record(v, otelAttrs(a));
  }
  const c = bigMeter.createCounter(`big.op${m}.requests`, { unit: '{request}' });
  return (a, v) => c.add(v, otelAttrs(a));
});
let bigSeries = 0;
for (const rec of big.instruments()) bigSeries += rec.store.size;

const promBig = Object.fromEntries(PROM_LIBS.map((l) => [l, promRegistry(l, 'big', BIG_PER, 20)]));

/** Run fn while tracking the longest gap between 1 ms timer ticks and the loop-delay histogram max. */
// Also in main-thread CPU time (process.threadCpuUsage): the CPU the loop spent between two
// ticks, which a loaded machine's scheduler does not inflate (wall gaps include preemption).
const threadCpuMs = typeof process.threadCpuUsage === 'function' ? () => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
} : undefined;
async function blocking(fn) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let lastCpu = threadCpuMs?.();
  let maxGap = 0, maxCpuGap = 0;
  const iv = setInterval(() => {
    const now = performance.now();
    if (now - last > maxGap) maxGap = now - last;
    last = now;
    if (threadCpuMs) {
      const cpu = threadCpuMs();
      if (cpu - lastCpu > maxCpuGap) maxCpuGap = cpu - lastCpu;
      lastCpu = cpu;
    }
  }, 1);
  await sleep(20);
  maxGap = 0;
  maxCpuGap = 0;
  last = performance.now();
  lastCpu = threadCpuMs?.();
  h.enable();
  const t0 = performance.now();
  const out = await fn();
  // the bytes, inside the window: flattening a rope string is part of serving it
  const size = typeof out === 'number' ? out : Buffer.byteLength(out);
  const total = performance.now() - t0;
  await sleep(5);
  h.disable();
  clearInterval(iv);
  return { total, maxGap, maxCpuGap: threadCpuMs ? maxCpuGap : NaN, loopMax: h.max / 1e6, size };
}

const bigImpls = {
  // what agentmeter's /metrics does: stream flat chunks to the socket (here: count their bytes)
  'agentmeter serializeChunks (/metrics streams these)': async () => {
    let n = 0;
    for await (const chunk of serializeChunks(big, { resource: RESOURCE })) n += Buffer.byteLength(chunk);
    return n;
  },
  'agentmeter serializeAsync (one string)': () => serializeAsync(big, { resource: RESOURCE }),
  'agentmeter serialize (sync)': async () => serialize(big, { resource: RESOURCE }),
  ...Object.fromEntries(PROM_LIBS.map((l) => [`${l} register.metrics()`, () => promBig[l].metrics()])),
};
const bigRes = {};
for (let r = 0; r < BIG_RUNS; r++) {
  for (const [name, fn] of Object.entries(bigImpls)) {
    (bigRes[name] ??= []).push(await blocking(fn));
    await sleep(50);
  }
}
const bigRows = Object.entries(bigRes).map(([name, rs]) => {
  const worst = Math.max(...rs.map((x) => Math.max(x.maxGap, x.loopMax)));
  const worstCpu = Math.max(...rs.map((x) => x.maxCpuGap));
  return { name, total: median(rs.map((x) => x.total)), worst, medianBlock: median(rs.map((x) => Math.max(x.maxGap, x.loopMax))), worstCpu, size: rs[0].size };
});
table(
  `${bigSeries.toLocaleString('en-US')} series: longest event-loop block (worst of ${BIG_RUNS} runs; max of a 1 ms interval's gaps and monitorEventLoopDelay max)`,
  ['implementation', 'total ms (median)', 'longest block, ms', 'longest block, median of runs', 'longest block in main-thread CPU ms (worst)', 'output'],
  bigRows.map((x) => [x.name, fmt(x.total, 0), fmt(x.worst, 1), fmt(x.medianBlock, 1), fmt(x.worstCpu, 1), bytes(x.size)]),
);

// same data: agentmeter's output without the target_info series (prom-client has no resource)
const sameData = Buffer.byteLength(serialize(registry));
const asyncBlock = bigRows[0].worst;
result('scrape', {
  values: { ms: med, bytes: sizes, big: bigRows, bigSeries },
  goals: [
    { goal: `3. serialise ${SERIES / 1000}k series vs prom-client / @prometheus-io/client`, measured: vsProm(times['agentmeter serialize'], promRuns, ' ms'), target: '<= 0.50x', met: PROM_LIBS.every((l) => medianRatio(times['agentmeter serialize'], promRuns[l]) <= 0.5) },
    { goal: `3. output size vs prom-client / @prometheus-io/client`, measured: `${vsProm(sameData, promBytes, ' B', 0)} without target_info; ${sizes['agentmeter serialize'] - sameData} B of target_info on top`, target: '<= 1.00x', met: sameData <= Math.min(...Object.values(promBytes)) },
    { goal: `3. ${Math.round(bigSeries / 1000)}k series served by /metrics (serializeChunks), longest event-loop block`, measured: `${fmt(asyncBlock, 1)} ms (worst of ${BIG_RUNS}; median ${fmt(bigRows[0].medianBlock, 1)} ms; in main-thread CPU time ${fmt(bigRows[0].worstCpu, 1)} ms)`, target: '<= 100 ms', met: asyncBlock <= 100 },
  ],
});
