// Idle: what a preload costs a server that serves no request (issue 18). The runtime metrics
// cost CPU per second, not per request: the event-loop delay sampler's timer wakes the process
// every interval (default 20 ms), whatever the traffic. In bench/http.mjs that fixed cost is
// divided by the requests of each slice, so its share of the per-request figure depends on
// the request rate; this script measures it on its own. A node:http server listening on
// 127.0.0.1 and getting no request, in child processes: plain, the agentmeter preload
// (default; sampler 50 ms; HTTP metrics only) and prom-client's collectDefaultMetrics() with
// a /metrics server (bench/lib/prom-preload.cjs). Every server runs at the same time (idle
// processes barely compete), pinned to CPU 1 when taskset exists; each measures its own
// process.cpuUsage() over a window; EPOCHS of fresh processes, median.
//   node bench/idle.mjs [--small]
// BENCH_IDLE_EPOCHS, BENCH_IDLE_SECONDS (window); the last column relates the cost to
// BENCH_IDLE_REQUESTS_PER_SECOND (default 1,000, about the rate of bench/http.mjs) requests of
// BENCH_IDLE_US_PER_REQUEST (default 40, about its uninstrumented CPU per request)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { canPin, fmt, header, median, nodeCommand, pick, result, sleep, table } from './lib/common.mjs';

if (process.argv[2] === 'child') {
  const http = await import('node:http');
  const server = http.createServer((req, res) => res.end('hello world'));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  let c0 = process.cpuUsage();
  process.on('message', (m) => {
    if (m === 'start') c0 = process.cpuUsage();
    else if (m === 'stop') {
      const d = process.cpuUsage(c0);
      process.send({ cpu: d.user + d.system });
    } else if (m === 'exit') process.exit(0);
  });
  process.send('ready');
} else {
  const PROM_PRELOAD = fileURLToPath(new URL('./lib/prom-preload.cjs', import.meta.url));
  const EPOCHS = Number(process.env.BENCH_IDLE_EPOCHS ?? pick(5, 1));
  const SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? pick(10, 0.5));
  const RATE = Number(process.env.BENCH_IDLE_REQUESTS_PER_SECOND ?? 1000);
  const am = { AGENTMETER_METRICS_PORT: '0', OTEL_SERVICE_NAME: 'bench-idle' };
  const preload = ['--require', '@agentmeter/sdk/register'];
  const MODES = {
    'plain node': { env: {}, execArgv: [] },
    'agentmeter preload (default: sampler 20 ms, GC observer)': { env: am, execArgv: preload },
    'agentmeter preload, sampler 50 ms': { env: { ...am, AGENTMETER_EVENT_LOOP_DELAY_RESOLUTION: '50' }, execArgv: preload },
    'agentmeter preload, HTTP metrics only (no runtime metrics)': { env: { ...am, AGENTMETER_INSTRUMENTATIONS: 'http' }, execArgv: preload },
    'prom-client collectDefaultMetrics() (sampler 10 ms)': { env: {}, execArgv: ['--require', PROM_PRELOAD] },
  };
  const pin = canPin(1);
  const self = fileURLToPath(import.meta.url);
  const US_PER_REQUEST = Number(process.env.BENCH_IDLE_US_PER_REQUEST ?? 40);
  header(
    'Idle server',
    `node:http servers getting no request, all at once${pin ? ', pinned to CPU 1' : ''}; each one's CPU time (user+system) over ${SECONDS} s after 1 s of settling; ${EPOCHS} epoch(s) of fresh processes, medians. The last column is that cost as a share of what ${fmt(RATE, 0)} requests/s of a hello-world server cost plain Node (the uninstrumented CPU per request of bench/http.mjs: ${fmt(US_PER_REQUEST, 0)} µs, BENCH_IDLE_US_PER_REQUEST).`,
  );
  const res = Object.fromEntries(Object.keys(MODES).map((m) => [m, []]));
  for (let e = 0; e < EPOCHS; e++) {
    const children = {};
    for (const [name, m] of Object.entries(MODES)) {
      const [cmd, args] = nodeCommand(pin, 1, [...m.execArgv, self, 'child']);
      children[name] = spawn(cmd, args, { env: { ...process.env, ...m.env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    }
    await Promise.all(Object.values(children).map((c) => once(c, 'message')));
    await sleep(1000); // the deferred metrics servers open, JIT and start-up timers settle
    for (const c of Object.values(children)) c.send('start');
    await sleep(SECONDS * 1000);
    for (const c of Object.values(children)) c.send('stop');
    const answers = await Promise.all(Object.values(children).map((c) => once(c, 'message').then(([m]) => m.cpu)));
    Object.keys(children).forEach((name, i) => res[name].push(answers[i] / SECONDS));
    for (const c of Object.values(children)) {
      c.send('exit');
      await once(c, 'exit');
    }
  }
  const base = median(res['plain node']);
  /** An extra CPU per second as a share of RATE requests/s of US_PER_REQUEST each. */
  const share = (extra) => `${fmt((100 * extra) / (RATE * US_PER_REQUEST), 1)} %`;
  const rows = Object.keys(MODES).map((m) => {
    const v = median(res[m]);
    const extra = v - base;
    return [m, fmt(v, 0), EPOCHS > 1 ? `${fmt(Math.min(...res[m]), 0)}–${fmt(Math.max(...res[m]), 0)}` : '-', m === 'plain node' ? '-' : fmt(extra, 0), m === 'plain node' ? '-' : share(extra)];
  });
  table('CPU per second of an idle server', ['server', 'CPU µs per second (median)', `range of ${EPOCHS} epochs`, 'over plain node, µs/s', `as a share of ${fmt(RATE, 0)} requests/s`], rows);
  const def = median(res['agentmeter preload (default: sampler 20 ms, GC observer)']) - base;
  const prom = median(res['prom-client collectDefaultMetrics() (sampler 10 ms)']) - base;
  result('idle', {
    values: Object.fromEntries(Object.keys(MODES).map((m) => [m, { cpuMicrosPerSecond: median(res[m]) }])),
    goals: [
      {
        goal: 'issue 18. fixed CPU cost of the preload in an idle server (reported)',
        measured: `+${fmt(def, 0)} µs/s (${share(def)} of ${fmt(RATE, 0)} requests/s) vs prom-client's default metrics +${fmt(prom, 0)} µs/s`,
        target: 'reported',
        met: true,
      },
    ],
  });
}
