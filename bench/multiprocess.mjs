// Multi-process /metrics (issue 12 item 7): scrape latency and the serving process's
// longest event-loop block for 8 processes x 10,000 series each (one serves the port and
// aggregates, seven join it), against one process holding the same 80,000 series; and
// the hot path (counter add) in a joined process against a process on its own.
//   node bench/multiprocess.mjs [--small]
import { fork } from 'node:child_process';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { bytes, fmt, header, median, pick, ratio, result, sleep, table } from './lib/common.mjs';

const PROCS = 8;
const PER_PROC = Number(process.env.BENCH_MP_SERIES) || pick(10_000, 200);
const RUNS = pick(5, 1);
const child = fileURLToPath(new URL('./lib/mp-child.cjs', import.meta.url));

header('Multi-process /metrics', `${PROCS} processes x ${PER_PROC.toLocaleString('en-US')} series (half counters, half histograms with 14 boundaries; distinct label sets per process) vs one process with ${(PROCS * PER_PROC).toLocaleString('en-US')} series; median of ${RUNS} scrapes over HTTP.`);

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function spawnChild(port, series, tag, execArgv = []) {
  const c = fork(child, {
    execArgv, env: { ...process.env, MP_PORT: String(port), MP_SERIES: String(series), MP_TAG: tag, NODE_NO_WARNINGS: '1' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (cmd) =>
    new Promise((resolve) => {
      const on = (m) => {
        if (m.ready) return;
        c.off('message', on);
        resolve(m);
      };
      c.on('message', on);
      c.send({ cmd });
    });
  const ready = new Promise((resolve) => c.once('message', (m) => resolve(m)));
  return { c, ask, ready };
}

async function scrapeRuns(port, procs) {
  const lat = [];
  const blocks = [];
  let size = 0;
  for (let r = 0; r < RUNS + 1; r++) {
    await procs[0].ask('block-start');
    const t0 = performance.now();
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((x) => x.text());
    const ms = performance.now() - t0;
    const { block } = await procs[0].ask('block-stop');
    size = Buffer.byteLength(text);
    if (r === 0) continue; // warm-up
    lat.push(ms);
    blocks.push(block);
    await sleep(100);
  }
  return { latency: median(lat), block: Math.max(...blocks), size };
}

// --- one process, 80k series
const p1 = await freePort();
const single = spawnChild(p1, PROCS * PER_PROC, 'p0');
await single.ready;
const singleRes = await scrapeRuns(p1, [single]);
single.c.kill();

// --- hot path reference: one process on its own with the per-process series count
const alone = spawnChild(await freePort(), PER_PROC, 'p0');
await alone.ready;


// --- 8 processes x 10k series: the first serves and aggregates
const p8 = await freePort();
// BENCH_MP_PROF=dir: CPU profile of the serving process (node --cpu-prof)
const procs = [spawnChild(p8, PER_PROC, 'p0', process.env.BENCH_MP_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_MP_PROF}`] : [])];
await procs[0].ready;
for (let i = 1; i < PROCS; i++) procs.push(spawnChild(p8, PER_PROC, `p${i}`));
await Promise.all(procs.map((p) => p.ready));
for (;;) {
  const t = await fetch(`http://127.0.0.1:${p8}/metrics`).then((x) => x.text());
  if (new RegExp(`^agentmeter_aggregation_members ${PROCS}$`, 'm').test(t)) break;
  await sleep(100);
}
const treeRes = await scrapeRuns(p8, procs);
await sleep(200);
// one at a time, no scrape running, interleaved rounds (alone, a worker, the aggregator):
// the fastest of each, the figure least disturbed by other load on the machine
const hots = { alone: [], member: [], agg: [] };
for (let r = 0; r < pick(6, 2); r++) {
  hots.alone.push((await alone.ask('hot')).hot);
  hots.member.push((await procs[1 + (r % 3)].ask('hot')).hot);
  hots.agg.push((await procs[0].ask('hot')).hot);
}
const singleHot = Math.min(...hots.alone);
const memberHot = Math.min(...hots.member);
const aggHot = Math.min(...hots.agg);
alone.c.kill();
for (const p of procs) p.c.send({ cmd: 'exit' });

table('Scrape of the serving process', ['setup', 'scrape latency, ms (median)', 'longest event-loop block of the serving process, ms (worst)', 'output'], [
  [`1 process, ${(PROCS * PER_PROC).toLocaleString('en-US')} series`, fmt(singleRes.latency, 0), fmt(singleRes.block, 1), bytes(singleRes.size)],
  [`${PROCS} processes x ${PER_PROC.toLocaleString('en-US')} series (aggregated)`, fmt(treeRes.latency, 0), fmt(treeRes.block, 1), bytes(treeRes.size)],
]);
table(`Hot path: counter add, 3 attributes, fresh attribute object per call (ns, fastest of interleaved rounds of 15 x 200k; each process holds ${PER_PROC.toLocaleString('en-US')} series)`, ['process', 'ns per add', 'vs single process'], [
  ['single process on its own', fmt(singleHot, 1), '1.00x'],
  ['aggregating process (serves the tree)', fmt(aggHot, 1), ratio(aggHot, singleHot)],
  ['joined process (a worker)', fmt(memberHot, 1), ratio(memberHot, singleHot)],
]);

result('multiprocess', {
  values: { single: singleRes, tree: treeRes, hot: { single: singleHot, aggregator: aggHot, member: memberHot } },
  goals: [
    { goal: `12.7 scrape of ${PROCS} x ${PER_PROC / 1000}k series vs 1 x ${(PROCS * PER_PROC) / 1000}k`, measured: `${fmt(treeRes.latency, 0)} ms vs ${fmt(singleRes.latency, 0)} ms (${ratio(treeRes.latency, singleRes.latency)}); longest block ${fmt(treeRes.block, 1)} vs ${fmt(singleRes.block, 1)} ms`, target: 'reported', met: true },
    { goal: '12.7 hot path of a joined worker vs a single process', measured: `${fmt(memberHot, 1)} ns vs ${fmt(singleHot, 1)} ns (${ratio(memberHot, singleHot)})`, target: '<= 1.10x', met: memberHot <= 1.1 * singleHot },
  ],
});
