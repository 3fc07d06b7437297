// One process of bench/multiprocess.mjs: start() on MP_PORT (the first one serves the
// port and aggregates, the others join it), MP_SERIES series (half counters, half
// histograms with 14 boundaries) whose label values carry MP_TAG so every process's
// series are distinct; answers IPC commands: hot (ns per counter add), block-start,
// block-stop (longest event-loop block in between).
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
const { start } = require('@agentmeter/sdk');

const SERIES = Number(process.env.MP_SERIES);
const TAG = process.env.MP_TAG;
const METRICS = 10;
const PER = SERIES / METRICS;
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

const h = start({ port: Number(process.env.MP_PORT), instrumentations: [], cost: false, cardinalityLimit: Math.max(2000, PER + 10), aggregateTimeoutMillis: 60_000, serviceName: 'bench-mp' });
const meter = h.meter;
const insts = [];
for (let m = 0; m < METRICS; m++) {
  insts.push(m % 2 ? meter.createHistogram(`app.op${m}.duration`, { unit: 's', advice: { explicitBucketBoundaries: BUCKETS } }) : meter.createCounter(`app.op${m}.requests`, { unit: '{request}' }));
}
for (let m = 0; m < METRICS; m++) {
  for (let j = 0; j < PER; j++) {
    const a = { method: METHODS[j % 5], status: j % 2 ? 500 : 200, route: `/api/${TAG}/r${Math.floor(j / 10)}` };
    const v = ((j * 7919) % 1000) / 100;
    if (m % 2) insts[m].record(v, a);
    else insts[m].add(v, a);
  }
}

// hot path: counter add with 3 attributes from 24 sets, a fresh object per call
const hotCounter = meter.createCounter('hot.requests');
function hot() {
  const R = ['/a', '/b', '/c/:id', '/d'];
  const runs = [];
  for (let r = 0; r < 15; r++) {
    const N = 200_000;
    const t0 = performance.now();
    for (let i = 0; i < N; i++) hotCounter.add(1, { method: METHODS[i % 3], route: R[(i >> 2) % 4], status: (i >> 4) % 2 ? 404 : 200 });
    runs.push(((performance.now() - t0) * 1e6) / N);
  }
  runs.sort((a, b) => a - b);
  return runs[0]; // the fastest run: least disturbed by other load on the machine
}

let eld, iv, last, maxGap;
process.on('message', (m) => {
  if (m.cmd === 'hot') process.send({ hot: hot() });
  else if (m.cmd === 'block-start') {
    eld = monitorEventLoopDelay({ resolution: 1 });
    eld.enable();
    maxGap = 0;
    last = performance.now();
    iv = setInterval(() => {
      const now = performance.now();
      if (now - last > maxGap) maxGap = now - last;
      last = now;
    }, 1);
    process.send({ started: true });
  } else if (m.cmd === 'block-stop') {
    clearInterval(iv);
    eld.disable();
    process.send({ block: Math.max(maxGap, eld.max / 1e6) });
  } else if (m.cmd === 'exit') process.exit(0);
});
h.ready.then((addr) => process.send({ ready: true, addr }));
