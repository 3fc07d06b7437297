// Experiment preload for bench/http.mjs (runs L3, L5 of docs/performance.md): switch the
// runtime metrics' two per-second costs in every server it is preloaded into, before the
// agentmeter preload creates them:
//   BENCH_ELD_RES=ms  monitorEventLoopDelay's resolution, whatever the caller asks
//   BENCH_NO_ELD=1    no event-loop delay sampler (an inert histogram)
//   BENCH_NO_GC=1     'gc' PerformanceObservers observe nothing
// e.g. BENCH_NO_GC=1 BENCH_ELD_RES=50 BENCH_HTTP_NODE_FLAGS="--require $PWD/bench/lib/runtime-switches.cjs" node bench/http.mjs
'use strict';
const ph = require('node:perf_hooks');

const monitor = ph.monitorEventLoopDelay;
if (process.env.BENCH_ELD_RES) ph.monitorEventLoopDelay = (o) => monitor({ ...o, resolution: Number(process.env.BENCH_ELD_RES) });
if (process.env.BENCH_NO_ELD === '1') ph.monitorEventLoopDelay = () => ({ enable() {}, disable() {}, reset() {}, percentile: () => 0, min: 0, max: 0, mean: 0, count: 0 });
if (process.env.BENCH_NO_GC === '1') {
  ph.PerformanceObserver = class extends ph.PerformanceObserver {
    observe(o) {
      if (o?.entryTypes?.includes('gc') || o?.type === 'gc') return;
      super.observe(o);
    }
  };
}
