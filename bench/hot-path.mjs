// Hot path: counter add and histogram record with 3 attributes (14 bucket boundaries),
// agentmeter vs prom-client vs @prometheus-io/client vs OpenTelemetry sdk-metrics, in one
// process, with mitata.
//   node bench/hot-path.mjs [--small]
import { metrics } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { Registry } from '@agentmeter/core';
import { PROM_LIBS, ROUNDS, fmt, header, loadProm, measureCases, median, medianRatio, promRatios, range, result, table, vsProm } from './lib/common.mjs';

header('Hot path', 'ns per operation (median of mitata samples), 3 attributes per call from 24 distinct sets, a fresh attribute object per call.');

// 14 bucket boundaries (15 buckets incl. +Inf), seconds
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const METHODS = ['GET', 'POST', 'PUT'];
const ROUTES = ['/a', '/b', '/c/:id', '/d'];
const STATUS = [200, 404];
const N_SETS = METHODS.length * ROUTES.length * STATUS.length; // 24
// per-call values precomputed so every library pays the same for picking them
const PICK_M = [], PICK_R = [], PICK_S = [], VALUES = [];
for (let i = 0; i < 256; i++) {
  PICK_M.push(METHODS[i % 3]);
  PICK_R.push(ROUTES[(i >> 2) % 4]);
  PICK_S.push(STATUS[(i >> 4) % 2]);
  VALUES.push(((i * 7919) % 1000) / 100); // 0 .. 9.99 s, spread over the buckets
}
const OPS = 256; // operations per measured call

// --- raw JS floor: nested Maps by value ---------------------------------------------
function rawFloor() {
  const root = new Map();
  const get = (a) => {
    let m1 = root.get(a.m);
    if (!m1) root.set(a.m, (m1 = new Map()));
    let m2 = m1.get(a.r);
    if (!m2) m1.set(a.r, (m2 = new Map()));
    let s = m2.get(a.s);
    if (!s) m2.set(a.s, (s = { v: 0, counts: new Float64Array(BUCKETS.length + 1), sum: 0, count: 0 }));
    return s;
  };
  return {
    add: (v, a) => {
      get(a).v += v;
    },
    record: (v, a) => {
      const s = get(a);
      let i = 0;
      while (i < BUCKETS.length && v > BUCKETS[i]) i++;
      s.counts[i]++;
      s.sum += v;
      s.count++;
    },
  };
}
const raw = rawFloor();

// --- prom-client and @prometheus-io/client (same API) -------------------------------------
const prom = {};
for (const lib of PROM_LIBS) {
  const pc = loadProm(lib);
  const reg = new pc.Registry();
  prom[lib] = {
    counter: new pc.Counter({ name: 'req_total', help: 'h', labelNames: ['method', 'route', 'status'], registers: [reg] }),
    hist: new pc.Histogram({ name: 'req_seconds', help: 'h', labelNames: ['method', 'route', 'status'], buckets: BUCKETS, registers: [reg] }),
  };
}
const promCounterCase = (c) => () => {
  for (let i = 0; i < OPS; i++) c.inc({ method: PICK_M[i], route: PICK_R[i], status: PICK_S[i] }, 1);
};
const promHistCase = (h) => () => {
  for (let i = 0; i < OPS; i++) h.observe({ method: PICK_M[i], route: PICK_R[i], status: PICK_S[i] }, VALUES[i]);
};

// --- OpenTelemetry sdk-metrics with the Prometheus exporter (cumulative) ----------------
const otelProvider = new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })] });
const otelMeter = otelProvider.getMeter('bench');
const oCounter = otelMeter.createCounter('req', { unit: '{request}' });
const oHist = otelMeter.createHistogram('req.duration', { unit: 's', advice: { explicitBucketBoundaries: BUCKETS } });

// --- agentmeter Registry, direct and through the global OpenTelemetry API ---------------------
const registry = new Registry();
const aMeter = registry.getMeter('bench');
const aCounter = aMeter.createCounter('req', { unit: '{request}' });
const aHist = aMeter.createHistogram('req.duration', { unit: 's', advice: { explicitBucketBoundaries: BUCKETS } });
metrics.setGlobalMeterProvider(registry);
const gMeter = metrics.getMeter('third-party-instrumentation', '1.0.0');
const gCounter = gMeter.createCounter('global.req', { unit: '{request}' });
const gHist = gMeter.createHistogram('global.req.duration', { unit: 's', advice: { explicitBucketBoundaries: BUCKETS } });

const K_M = 'http.request.method', K_R = 'http.route', K_S = 'http.response.status_code';

// Each case: a function doing OPS operations with a fresh attribute object per call.
const cases = {
  counter: {
    'raw JS floor (nested Map)': () => {
      for (let i = 0; i < OPS; i++) raw.add(1, { m: PICK_M[i], r: PICK_R[i], s: PICK_S[i] });
    },
    ...Object.fromEntries(PROM_LIBS.map((l) => [`${l} inc(labels)`, promCounterCase(prom[l].counter)])),
    'OTel sdk-metrics add': () => {
      for (let i = 0; i < OPS; i++) oCounter.add(1, { [K_M]: PICK_M[i], [K_R]: PICK_R[i], [K_S]: PICK_S[i] });
    },
    'agentmeter add': () => {
      for (let i = 0; i < OPS; i++) aCounter.add(1, { [K_M]: PICK_M[i], [K_R]: PICK_R[i], [K_S]: PICK_S[i] });
    },
    'agentmeter add, via global OTel API': () => {
      for (let i = 0; i < OPS; i++) gCounter.add(1, { [K_M]: PICK_M[i], [K_R]: PICK_R[i], [K_S]: PICK_S[i] });
    },
  },
  histogram: {
    'raw JS floor (nested Map)': () => {
      for (let i = 0; i < OPS; i++) raw.record(VALUES[i], { m: PICK_M[i], r: PICK_R[i], s: PICK_S[i] });
    },
    ...Object.fromEntries(PROM_LIBS.map((l) => [`${l} observe(labels)`, promHistCase(prom[l].hist)])),
    'OTel sdk-metrics record': () => {
      for (let i = 0; i < OPS; i++) oHist.record(VALUES[i], { [K_M]: PICK_M[i], [K_R]: PICK_R[i], [K_S]: PICK_S[i] });
    },
    'agentmeter record': () => {
      for (let i = 0; i < OPS; i++) aHist.record(VALUES[i], { [K_M]: PICK_M[i], [K_R]: PICK_R[i], [K_S]: PICK_S[i] });
    },
    'agentmeter record, via global OTel API': () => {
      for (let i = 0; i < OPS; i++) gHist.record(VALUES[i], { [K_M]: PICK_M[i], [K_R]: PICK_R[i], [K_S]: PICK_S[i] });
    },
  },
};

// interleaved rounds; the reported value is the median of the rounds' medians, ratios the
// median of the per-round ratios
const ns = await measureCases(cases, { ops: OPS, minCpuNs: 1000e6 });

// sanity: the series exist (the work was not optimised away) and the global path reached agentmeter
const aSeries = registry.get('req').store.size;
const gSeries = registry.get('global.req').store.size;
if (aSeries !== N_SETS || gSeries !== N_SETS) throw new Error(`expected ${N_SETS} series, got ${aSeries} / ${gSeries}`);

// the same for the Prometheus clients: every call was counted
for (const l of PROM_LIBS) {
  const v = (await prom[l].counter.get()).values;
  if (v.length !== N_SETS) throw new Error(`${l}: expected ${N_SETS} series, got ${v.length}`);
}

const out = {};
const promOf = {};
for (const [kind, byName] of Object.entries(ns)) {
  const med = Object.fromEntries(Object.entries(byName).map(([k, v]) => [k, median(v)]));
  out[kind] = med;
  // per-round values: ratios are the median of the per-round ratios (both measured minutes apart at most)
  const p = (promOf[kind] = Object.fromEntries(PROM_LIBS.map((l) => [l, byName[`${l} ${kind === 'counter' ? 'inc' : 'observe'}(labels)`]])));
  table(
    `${kind === 'counter' ? 'Counter add' : 'Histogram record (14 boundaries)'}, 3 attributes`,
    ['implementation', 'ns/op (median)', `range of ${ROUNDS} rounds`, ...PROM_LIBS.map((l) => `vs ${l}`)],
    Object.entries(med).map(([k, v]) => [k, fmt(v), range(byName[k]), ...promRatios(byName[k], p)]),
  );
}

// the slower of the two agentmeter paths (direct, through the global API), by median
const worst = (kind, a, b) => (out[kind][a] >= out[kind][b] ? ns[kind][a] : ns[kind][b]);
const wc = worst('counter', 'agentmeter add', 'agentmeter add, via global OTel API');
const wh = worst('histogram', 'agentmeter record', 'agentmeter record, via global OTel API');
const metVsAll = (a, p) => PROM_LIBS.every((l) => medianRatio(a, p[l]) <= 1);
result('hot-path', {
  values: out,
  rounds: ns,
  goals: [
    { goal: '1. counter add (3 attrs) vs prom-client / @prometheus-io/client', measured: vsProm(wc, promOf.counter, ' ns'), target: '<= 1.00x, aim 100 ns', met: metVsAll(wc, promOf.counter), aim: median(wc) <= 100 },
    { goal: '1. histogram record (3 attrs, 14 buckets) vs prom-client / @prometheus-io/client', measured: vsProm(wh, promOf.histogram, ' ns'), target: '<= 1.00x, aim 150 ns', met: metVsAll(wh, promOf.histogram), aim: median(wh) <= 150 },
  ],
});
