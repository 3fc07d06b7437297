// Issue 13 item 4: an app instrument named like one of agentmeter's catalogue metrics,
// with attributes of its own, gets one diagnostic naming the clash, and the family
// counts every request once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startNode } from '@agentmeter/test-utils/proc';

test("an Express app's own http.server.request.duration: one diagnostic, no double counting", async () => {
  const app = startNode(['--require', '@agentmeter/sdk/register', fileURLToPath(new URL('../fixtures/routes/clash.cjs', import.meta.url))], {
    env: { AGENTMETER_METRICS_PORT: '0' },
    readyLine: /^ready (\d+) (\d+)/m,
  });
  try {
    const [, port, metricsPort] = await app.ready;
    for (let i = 0; i < 7; i++) {
      const r = await fetch(`http://127.0.0.1:${port}/users/${i}`);
      assert.equal(r.status, 200);
      await r.arrayBuffer();
    }
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const counts = text.split('\n').filter((l) => l.startsWith('http_server_request_duration_seconds_count'));
    assert.deepEqual(counts, [
      'http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="200",http_route="/users/:id",network_protocol_version="1.1",url_scheme="http"} 7',
    ]);
    await app.stop();
    const diags = app.stderr.split('\n').filter((l) => l.includes('AGENTMETER_CATALOGUE_CLASH') || l.includes("has the name of agentmeter's own metric"));
    assert.equal(diags.length, 1, app.stderr);
    assert.match(diags[0], /the app's instrument "http\.server\.request\.duration" \(meter "my-service"\)/);
  } finally {
    await app.stop();
  }
});
