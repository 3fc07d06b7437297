// Issue 5.4: SIGTERM flushes OTLP before exit. An app preloaded with agentmeter, with
// AGENTMETER_OTLP_ENDPOINT set and an export interval far longer than the test, serves
// requests; on SIGTERM the receiver gets the final export (with those requests) before
// the process exits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startNode } from '@agentmeter/test-utils/proc';
import { otlpMetrics, startOtlpReceiver } from './lib.mjs';

const fixture = (f) => fileURLToPath(new URL(`./fixtures/${f}`, import.meta.url));

test('SIGTERM sends the final OTLP export before the process exits', async () => {
  const rx = await startOtlpReceiver('ok');
  const app = startNode(['--require', '@agentmeter/sdk/register', fixture('otlp-app.cjs')], {
    env: { AGENTMETER_METRICS_PORT: '0', AGENTMETER_OTLP_ENDPOINT: rx.url, AGENTMETER_OTLP_INTERVAL: '3600000', OTEL_SERVICE_NAME: 'sigterm-app' },
  });
  try {
    const [, port] = await app.ready;
    for (let i = 0; i < 5; i++) assert.equal(await (await fetch(`http://127.0.0.1:${port}/ok`)).text(), 'ok');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(rx.requests.length, 0, 'no export before SIGTERM (interval is an hour)');
    const exited = new Promise((r) => app.child.once('exit', (code, signal) => r({ code, signal, at: Date.now() })));
    const sentAt = Date.now();
    app.child.kill('SIGTERM');
    const { signal, at } = await exited;
    assert.equal(signal, 'SIGTERM', 'agentmeter re-raises SIGTERM after flushing (default exit behaviour kept)');
    assert.ok(at - sentAt < 5000, `exited ${at - sentAt} ms after SIGTERM`);
    assert.equal(rx.exports.length, 1, JSON.stringify(rx.requests));
    assert.match(rx.requests[0].type, /application\/json/);
    assert.ok(rx.requests[0].at <= at);
    const exp = rx.exports[0];
    const svc = exp.resourceMetrics[0].resource.attributes.find((a) => a.key === 'service.name');
    assert.equal(svc.value.stringValue, 'sigterm-app');
    const points = otlpMetrics(exp).get('http.server.request.duration');
    assert.ok(points, [...otlpMetrics(exp).keys()].join(','));
    const count = points.reduce((a, p) => a + Number(p.count), 0);
    assert.equal(count, 5);
  } finally {
    await app.stop();
    await rx.close();
  }
});
