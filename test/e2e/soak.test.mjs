// Issue 5.6, CI form (~25 s in all): an HTTP + WebSocket server preloaded with agentmeter
// under load from a second process (autocannon + 200 ws clients) while a real Prometheus
// scrapes every second. Zero errors, every ws message echoed and counted, Prometheus
// counts match the load, heap after GC at the end within 10% of after warm-up, scrape
// durations recorded. Long form: SOAK_SECONDS=60 node scripts/soak.mjs (docs/reliability.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSoak } from '../../scripts/soak.mjs';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 12);
const CONNECTIONS = 20;
const WS_CLIENTS = 200;

test(`soak: ${SECONDS} s of HTTP + ${WS_CLIENTS} WebSocket clients under Prometheus scrapes`, { timeout: (SECONDS + 90) * 1000 }, async () => {
  const r = await runSoak({ seconds: SECONDS, warmupSeconds: 3, connections: CONNECTIONS, wsClients: WS_CLIENTS });
  const mb = (b) => (b / 1048576).toFixed(2);
  console.log(
    `soak: ${r.main.http.requests} http requests (${r.main.http.rps.toFixed(0)}/s, p99 ${r.main.http.p99ms} ms), ${r.main.ws.received} ws echoes; ` +
      `heap after GC ${mb(r.heap.warm)} -> ${mb(r.heap.end)} MB (x${r.heap.ratio.toFixed(3)}); ` +
      `scrape avg ${(r.scrape.avgSeconds * 1000).toFixed(1)} ms, max ${(r.scrape.maxSeconds * 1000).toFixed(1)} ms over ${r.scrape.samples} scrapes`,
  );
  // zero errors caused by instrumentation: server side and client side
  assert.equal(r.server.errors, 0, r.server.errorSamples.join('\n'));
  for (const phase of [r.warmup, r.main]) {
    assert.equal(phase.http.errors, 0);
    assert.equal(phase.http.timeouts, 0);
    assert.equal(phase.http.non2xx, 0);
    assert.ok(phase.http.requests > 0);
    assert.equal(phase.ws.opened, WS_CLIENTS);
    assert.equal(phase.ws.errors, 0, phase.ws.errorSamples.join('\n'));
    assert.equal(phase.ws.mismatched, 0);
    assert.equal(phase.ws.closedEarly, 0);
    assert.equal(phase.ws.received, phase.ws.sent);
  }
  assert.doesNotMatch(r.serverStderr, /AGENTMETER_(RECORD_FAILED|HTTP_FAILED|SCRAPE_FAILED|CALLBACK)/, r.serverStderr);
  // Prometheus saw the load: every ws message, and every HTTP request (autocannon does not
  // count the requests in flight when its timer ends: up to one per connection per phase;
  // plus 3 admin requests)
  const sent = r.warmup.http.requests + r.main.http.requests + 3;
  assert.ok(r.prometheus.httpRequests >= sent && r.prometheus.httpRequests <= sent + 2 * CONNECTIONS, `${r.prometheus.httpRequests} vs ${sent}`);
  assert.equal(r.prometheus.http5xx, 0);
  const wsTotal = r.warmup.ws.sent + r.main.ws.sent;
  assert.equal(r.prometheus.wsReceived, wsTotal);
  assert.equal(r.prometheus.wsSent, wsTotal);
  assert.equal(r.prometheus.wsActive, 0);
  // every scrape succeeded, and scrape time is recorded
  assert.equal(r.scrape.minUp, 1);
  assert.ok(r.scrape.samples >= SECONDS, `${r.scrape.samples} scrapes`);
  assert.ok(r.scrape.maxSeconds < 1, `slowest scrape ${r.scrape.maxSeconds} s`);
  // no leak: heap after GC at the end within 10% of after warm-up
  assert.ok(r.heap.ratio <= 1.1, `heap after GC grew from ${mb(r.heap.warm)} to ${mb(r.heap.end)} MB`);
});
