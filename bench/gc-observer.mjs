// What one GC costs a process that observes GCs (issue 18, run L4): the runtime metrics'
// v8js.gc.duration comes from a PerformanceObserver on 'gc' entries. A child process makes
// garbage in 3,000 event-loop turns (2,000 small objects each); CPU time of the child with
// no observer, with a 'gc' PerformanceObserver (what agentmeter, prom-client and
// OpenTelemetry's runtime-node use) and with v8.GCProfiler; fresh processes, pinned to
// CPU 1 when taskset exists, interleaved, median of ROUNDS. The observer's CPU over that of
// the same observer disconnected at once (the modules and set-up, paid once), divided by
// the entries it saw, is the cost of one entry. Not part of run-all.mjs (an
// investigation, not a goal).
//   node bench/gc-observer.mjs [--small]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { canPin, fmt, header, median, nodeCommand, pick, table } from './lib/common.mjs';

if (process.argv[2] === 'child') {
  const mode = process.argv[3];
  let entries = 0;
  let stopProfiler;
  if (mode === 'observer' || mode === 'observer set up only') {
    const { PerformanceObserver } = await import('node:perf_hooks');
    const o = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) entries += e.detail?.kind === undefined ? 0 : 1;
    });
    o.observe({ entryTypes: ['gc'] });
    // the modules loaded and the observer made, then disconnected: the one-time part
    if (mode === 'observer set up only') o.disconnect();
  } else if (mode === 'GCProfiler') {
    const v8 = await import('node:v8');
    const p = new v8.GCProfiler();
    p.start();
    stopProfiler = () => p.stop().statistics.length;
  }
  const turns = Number(process.argv[4]);
  const c0 = process.cpuUsage();
  let keep = [];
  await new Promise((done) => {
    let i = 0;
    const turn = () => {
      for (let j = 0; j < 2000; j++) keep.push({ a: j, b: 'x' + j, c: [j, j] });
      keep = [];
      if (++i < turns) setImmediate(turn);
      else setImmediate(done); // one more turn: the last entries are delivered
    };
    turn();
  });
  if (stopProfiler) entries = stopProfiler();
  const d = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ cpu: d.user + d.system, entries }) + '\n');
  process.exit(0);
}

const ROUNDS = pick(9, 1);
const TURNS = pick(3000, 200);
const MODES = ['none', 'observer set up only', 'observer', 'GCProfiler'];
const pin = canPin(1);
const self = fileURLToPath(import.meta.url);
header('GC observer', `a child process making garbage in ${TURNS} event-loop turns: its CPU time with no GC observer, a 'gc' PerformanceObserver, v8.GCProfiler; ${ROUNDS} interleaved rounds of fresh processes${pin ? ' pinned to CPU 1' : ''}, medians.`);
const res = Object.fromEntries(MODES.map((m) => [m, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const m of r % 2 ? [...MODES].reverse() : MODES) {
    const [cmd, args] = nodeCommand(pin, 1, [self, 'child', m, String(TURNS)]);
    const out = spawnSync(cmd, args, { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`${m}: exit ${out.status}: ${out.stderr}`);
    res[m].push(JSON.parse(out.stdout.trim().split('\n').pop()));
  }
}
const cpu = (m) => median(res[m].map((x) => x.cpu)) / 1000;
const entries = (m) => median(res[m].map((x) => x.entries));
const perGc = (m) => ((cpu(m) - cpu(m === 'observer' ? 'observer set up only' : 'none')) * 1000) / entries(m);
table(
  'CPU per GC seen',
  ['mode', 'CPU ms (median)', 'GCs seen (median)', 'extra CPU per GC seen, µs (observer: over the set-up only)'],
  MODES.map((m) => [m, fmt(cpu(m), 1), entries(m) ? fmt(entries(m), 0) : '-', entries(m) ? fmt(perGc(m), 1) : '-']),
);
