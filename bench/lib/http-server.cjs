// Hello-world node:http server for bench/http.mjs. Mode (BENCH_MODE): none | agentmeter
// (started by the --require preload) | prom-client (BENCH_PROM_LIB=@prometheus-io/client: the
// same with prom-client's successor; BENCH_PROM_DEFAULTS=1: with its default metrics) | otel-http (preloaded by otel-http-preload.cjs).
// Listens on 127.0.0.1:0 and talks to the parent over IPC:
//   -> {port}; <- 'start' (reset CPU/request counters); <- 'stop' -> {cpuMicros, userMicros, requests};
//   <- 'recorded' -> {recorded} (requests the instrumentation counted, or null)
'use strict';
const http = require('node:http');

const mode = process.env.BENCH_MODE || 'none';
let observe = null;
let recorded = async () => null; // requests the instrumentation counted (proves it was on)
if (mode === 'prom-client') {
  const promClient = require(process.env.BENCH_PROM_LIB || 'prom-client');
  // BENCH_PROM_DEFAULTS=1: also the library's default metrics (event-loop lag, GC, memory),
  // what a prom-client app usually runs next to its histogram
  if (process.env.BENCH_PROM_DEFAULTS === '1') promClient.collectDefaultMetrics();
  const h = new promClient.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
  });
  observe = (req, res) => {
    const end = h.startTimer();
    res.once('finish', () => end({ method: req.method, route: '/', status_code: res.statusCode }));
  };
  recorded = async () => (await h.get()).values.filter((v) => v.metricName === 'http_request_duration_seconds_count').reduce((a, v) => a + v.value, 0);
} else if (mode === 'agentmeter') {
  recorded = async () => {
    const handle = globalThis[Symbol.for('agentmeter.sdk.handle')];
    if (!handle) return 0;
    const text = await handle.metrics();
    let n = 0;
    for (const line of text.split('\n')) if (line.startsWith('http_server_request_duration_seconds_count')) n += Number(line.split(' ').pop());
    return n;
  };
} else if (mode === 'otel-http') {
  recorded = async () => {
    const { resourceMetrics } = await globalThis.__benchOtelExporter.collect();
    let n = 0;
    for (const sm of resourceMetrics.scopeMetrics)
      for (const m of sm.metrics) if (m.descriptor.name === 'http.server.request.duration') for (const dp of m.dataPoints) n += dp.value.count;
    return n;
  };
}

let requests = 0;
const server = http.createServer((req, res) => {
  requests++;
  if (observe !== null) observe(req, res);
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('hello world');
});

let cpu0 = process.cpuUsage();
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'start') {
    requests = 0;
    cpu0 = process.cpuUsage();
  } else if (m === 'stop') {
    const d = process.cpuUsage(cpu0);
    const n = requests;
    process.send({ cpuMicros: d.user + d.system, userMicros: d.user, requests: n });
  } else if (m === 'recorded') {
    // asked once per epoch, not after every slice: a scrape's garbage would fall in the next slice
    recorded().then((r) => process.send({ recorded: r }));
  } else if (m === 'exit') {
    server.close();
    process.exit(0);
  }
});
