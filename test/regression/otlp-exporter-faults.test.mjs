// Issue 5.4: an OTLP exporter pointed at a collector that hangs or answers 500 does not
// break the app: requests are served at normal speed, /metrics keeps answering, nothing
// crashes (no unhandled rejection), and SIGTERM still exits in bounded time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startNode } from '@agentmeter/test-utils/proc';
import { freePort } from '@agentmeter/test-utils/net';
import { startOtlpReceiver } from './lib.mjs';

const fixture = (f) => fileURLToPath(new URL(`./fixtures/${f}`, import.meta.url));

for (const mode of ['hang', '500']) {
  test(`OTLP collector that ${mode === 'hang' ? 'never answers' : 'answers 500'}`, async () => {
    const rx = await startOtlpReceiver(mode);
    const metricsPort = await freePort();
    const app = startNode(['--require', '@agentmeter/sdk/register', fixture('otlp-app.cjs')], {
      env: {
        AGENTMETER_METRICS_PORT: String(metricsPort),
        AGENTMETER_OTLP_ENDPOINT: rx.url,
        AGENTMETER_OTLP_INTERVAL: '200',
        OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '1000',
      },
    });
    try {
      const [, port] = await app.ready;
      const deadline = Date.now() + 3000;
      let served = 0;
      let worst = 0;
      while (Date.now() < deadline) {
        const t0 = performance.now();
        const r = await fetch(`http://127.0.0.1:${port}/ok`);
        assert.equal(await r.text(), 'ok');
        worst = Math.max(worst, performance.now() - t0);
        served++;
        if (served % 20 === 0) {
          const m = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
          assert.equal(m.status, 200);
          assert.match(await m.text(), /http_server_request_duration_seconds_count/);
        }
      }
      assert.ok(rx.requests.length >= 2, `exporter kept trying: ${rx.requests.length} attempts`);
      assert.ok(served > 100, `served ${served} requests in 3 s`);
      assert.ok(worst < 500, `worst request latency ${worst.toFixed(0)} ms`);
      assert.equal(app.child.exitCode, null, 'the app is still running');
      const t0 = Date.now();
      await app.stop(); // SIGTERM: flush attempt against the faulty collector, then exit
      const exitMs = Date.now() - t0;
      assert.ok(exitMs < 15_000, `SIGTERM exit took ${exitMs} ms`);
      assert.doesNotMatch(app.stderr, /UnhandledPromiseRejection|uncaught/i, app.stderr);
      console.log(`${mode}: ${served} requests, worst ${worst.toFixed(1)} ms, ${rx.requests.length} export attempts, exit after SIGTERM ${exitMs} ms`);
    } finally {
      await app.stop();
      await rx.close();
    }
  });
}

// Regression: failed OTLP exports went only to OpenTelemetry's global error handler
// (silent without a diag logger); start.ts now reports them once on agentmeter:diagnostic.
test('a failing OTLP export is reported once on agentmeter:diagnostic (process warning)', async () => {
  const rx = await startOtlpReceiver('500');
  const app = startNode(['--require', '@agentmeter/sdk/register', fixture('otlp-app.cjs')], {
    env: { AGENTMETER_METRICS_PORT: '0', AGENTMETER_OTLP_ENDPOINT: rx.url, AGENTMETER_OTLP_INTERVAL: '200' },
  });
  try {
    await app.ready;
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(rx.requests.length >= 2);
    assert.match(app.stderr, /AGENTMETER_OTLP_FAILED/);
    assert.equal(app.stderr.match(/AGENTMETER_OTLP_FAILED/g).length, 1);
  } finally {
    await app.stop();
    await rx.close();
  }
});
