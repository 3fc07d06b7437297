// Hello-world Express or Fastify server for bench/http.mjs --frameworks.
// BENCH_FRAMEWORK: express | fastify. BENCH_MODE: none | agentmeter (the --require
// preload) | otel (preloaded by otel-express-preload.cjs) | prom (express-prom-bundle for
// Express; a prom-client histogram in an onResponse hook, labelled by routeOptions.url,
// for Fastify). One parameterised route, GET /hello/:name; IPC protocol as http-server.cjs.
'use strict';

const framework = process.env.BENCH_FRAMEWORK || 'express';
const mode = process.env.BENCH_MODE || 'none';
let recorded = async () => null; // requests the instrumentation counted with a route (proves it was on)
let requests = 0;

if (mode === 'agentmeter') {
  recorded = async () => {
    const handle = globalThis[Symbol.for('agentmeter.sdk.handle')];
    const text = handle ? await handle.metrics() : '';
    let n = 0;
    for (const line of text.split('\n')) if (line.startsWith('http_server_request_duration_seconds_count') && line.includes('http_route="/hello/:name"')) n += Number(line.split(' ').pop());
    return n;
  };
} else if (mode === 'otel') {
  recorded = async () => {
    const { resourceMetrics } = await globalThis.__benchOtelExporter.collect();
    let n = 0;
    for (const sm of resourceMetrics.scopeMetrics)
      for (const m of sm.metrics) if (m.descriptor.name === 'http.server.request.duration') for (const dp of m.dataPoints) n += dp.value.count;
    return n;
  };
}
const promCount = (register, name) => async () =>
  (await register.getMetricsAsJSON())
    .filter((m) => m.name === name)
    .flatMap((m) => m.values)
    .filter((v) => v.metricName === `${name}_count` && (v.labels.path === '/hello/:name' || v.labels.route === '/hello/:name'))
    .reduce((a, v) => a + v.value, 0);

function ready(port) {
  process.send({ port });
}

if (framework === 'express') {
  const express = require('express');
  const app = express();
  if (mode === 'prom') {
    const promBundle = require('express-prom-bundle');
    app.use(promBundle({ includeMethod: true, includePath: true, normalizePath: (req) => req.route?.path ?? 'unmatched', autoregister: false }));
    recorded = promCount(require('prom-client').register, 'http_request_duration_seconds');
  }
  app.get('/hello/:name', (req, res) => {
    requests++;
    res.send('hello world');
  });
  const server = app.listen(0, '127.0.0.1', () => ready(server.address().port));
  module.exports = server;
} else {
  const fastify = require('fastify')();
  if (mode === 'prom') {
    const promClient = require('prom-client');
    const h = new promClient.Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    });
    const start = Symbol('start');
    fastify.addHook('onRequest', (req, reply, done) => {
      req[start] = process.hrtime.bigint();
      done();
    });
    fastify.addHook('onResponse', (req, reply, done) => {
      h.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status_code: reply.statusCode }, Number(process.hrtime.bigint() - req[start]) / 1e9);
      done();
    });
    recorded = promCount(promClient.register, 'http_request_duration_seconds');
  }
  fastify.get('/hello/:name', (req, reply) => {
    requests++;
    reply.send('hello world');
  });
  fastify.listen({ port: 0, host: '127.0.0.1' }).then(() => ready(fastify.server.address().port));
  module.exports = fastify.server;
}

let cpu0 = process.cpuUsage();
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
    process.exit(0);
  }
});
