// Preload for bench/startup.mjs: what an app does at start with prom-client or its successor
// @prometheus-io/client (BENCH_PROM_LIB): collectDefaultMetrics() and a /metrics server on
// 127.0.0.1, a free port, unref'd (as agentmeter's preload does), so `-e 0` exits at once.
'use strict';
const http = require('node:http');
const client = require(process.env.BENCH_PROM_LIB || 'prom-client');

client.collectDefaultMetrics();
const server = http.createServer(async (req, res) => {
  res.setHeader('content-type', client.register.contentType);
  res.end(await client.register.metrics());
});
server.listen(0, '127.0.0.1');
server.unref();
