#!/usr/bin/env node
// Load and soak: an HTTP + WebSocket server preloaded with agentmeter (--require
// @agentmeter/sdk/register, WsInstrumentation on by default) under load from a second
// process on 127.0.0.1 (autocannon + WS clients) while a real Prometheus scrapes
// /metrics every second. Reports errors, heap after GC (after warm-up vs at the end),
// scrape durations and the request counts Prometheus saw.
//
//   node scripts/soak.mjs                      # SOAK_SECONDS=60, 200 ws clients
//   SOAK_SECONDS=600 SOAK_WS_CLIENTS=500 SOAK_CONNECTIONS=50 node scripts/soak.mjs
// The CI form is test/e2e/soak.test.mjs (SOAK_SECONDS=12 by default there).
import { fileURLToPath } from 'node:url';
import { startNode, runNode } from '@agentmeter/test-utils/proc';
import { freePort } from '@agentmeter/test-utils/net';
import { startPrometheus } from '@agentmeter/test-utils/prometheus';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));

async function heap(port) {
  const r = await fetch(`http://127.0.0.1:${port}/__heap`);
  return (await r.json()).heapUsed;
}

async function load(port, seconds, connections, wsClients) {
  const r = await runNode([here('./soak/load.mjs'), String(port), String(seconds), String(connections), String(wsClients)], { timeout: (seconds + 60) * 1000 });
  if (r.status !== 0) throw new Error(`load generator failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * Run the soak. Returns { warmup, main, heap: { warm, end, ratio }, server, scrape, prometheus }.
 */
export async function runSoak({ seconds = 60, warmupSeconds = 3, connections = 20, wsClients = 200, log = () => {} } = {}) {
  const metricsPort = await freePort();
  const server = startNode(['--expose-gc', '--require', '@agentmeter/sdk/register', here('./soak/server.cjs')], {
    env: { AGENTMETER_METRICS_PORT: String(metricsPort), OTEL_SERVICE_NAME: 'soak', AGENTMETER_INSTRUMENTATIONS: 'http,ws,runtime' },
  });
  let prom;
  try {
    const [, p] = await server.ready;
    const port = Number(p);
    prom = await startPrometheus([{ job: 'soak', port: metricsPort }]);
    const promStart = Date.now();
    log(`server on ${port}, metrics on ${metricsPort}, Prometheus at ${prom.url}`);

    const warmup = await load(port, warmupSeconds, connections, wsClients);
    await new Promise((r) => setTimeout(r, 1000));
    const warm = await heap(port);
    log(`warm-up: ${warmup.http.requests} http requests, ${warmup.ws.received} ws echoes; heap after GC ${(warm / 1048576).toFixed(2)} MB`);

    const main = await load(port, seconds, connections, wsClients);
    await new Promise((r) => setTimeout(r, 1000));
    const end = await heap(port);
    log(`main: ${main.http.requests} http requests (${main.http.rps.toFixed(0)}/s), ${main.ws.received} ws echoes; heap after GC ${(end / 1048576).toFixed(2)} MB`);

    const stats = await (await fetch(`http://127.0.0.1:${port}/__stats`)).json();
    // let Prometheus take a last scrape that includes everything
    await new Promise((r) => setTimeout(r, 2000));
    const range = `${Math.ceil((Date.now() - promStart) / 1000)}s`;
    const q = (e) => prom.value(e);
    const scrape = {
      samples: await q(`count_over_time(scrape_duration_seconds{job="soak"}[${range}])`),
      maxSeconds: await q(`max_over_time(scrape_duration_seconds{job="soak"}[${range}])`),
      avgSeconds: await q(`avg_over_time(scrape_duration_seconds{job="soak"}[${range}])`),
      minUp: await q(`min_over_time(up{job="soak"}[${range}])`),
      seriesScraped: await q(`max_over_time(scrape_samples_scraped{job="soak"}[${range}])`),
    };
    const prometheus = {
      httpRequests: await q(`sum(http_server_request_duration_seconds_count{job="soak",http_response_status_code="200"})`),
      http5xx: (await q(`sum(http_server_request_duration_seconds_count{job="soak",http_response_status_code=~"5.."})`)) ?? 0,
      wsReceived: await q(`sum(websocket_server_messages_total{job="soak",websocket_message_direction="received"})`),
      wsSent: await q(`sum(websocket_server_messages_total{job="soak",websocket_message_direction="sent"})`),
      wsActive: await q(`sum(websocket_server_active_connections{job="soak"})`),
    };
    return { warmup, main, heap: { warm, end, ratio: end / warm }, server: stats, scrape, prometheus, serverStderr: server.stderr };
  } finally {
    await prom?.stop();
    await server.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await runSoak({
    seconds: Number(process.env.SOAK_SECONDS ?? 60),
    warmupSeconds: Number(process.env.SOAK_WARMUP_SECONDS ?? 5),
    connections: Number(process.env.SOAK_CONNECTIONS ?? 20),
    wsClients: Number(process.env.SOAK_WS_CLIENTS ?? 200),
    log: (m) => console.error(m),
  });
  delete r.serverStderr;
  console.log(JSON.stringify(r, null, 2));
  const ok = r.server.errors === 0 && r.main.http.errors === 0 && r.main.http.non2xx === 0 && r.main.ws.errors === 0 && r.heap.ratio <= 1.1 && r.scrape.minUp === 1;
  console.error(ok ? 'soak: OK' : 'soak: FAILED');
  process.exit(ok ? 0 : 1);
}
