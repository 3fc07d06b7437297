// Issue 13: each framework instrumentation is its own name in AGENTMETER_INSTRUMENTATIONS
// (on by default): off, the app runs the same and its requests carry no http.route.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sendRouted, startApp } from '@agentmeter/test-utils/routes';
import { samples, sum } from '@agentmeter/test-utils/exposition';

for (const framework of ['express', 'fastify']) {
  test(`AGENTMETER_INSTRUMENTATIONS without ${framework}: same responses, no http_route`, async () => {
    const { app, port, metricsPort } = await startApp({ framework, esm: false, env: { AGENTMETER_INSTRUMENTATIONS: 'http,undici,runtime' } });
    try {
      await sendRouted(port);
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const counts = samples(text, 'http_server_request_duration_seconds_count');
      assert.equal(counts.length, 2, JSON.stringify(counts)); // 200 and 500
      assert.doesNotMatch(text, /http_route=/);
      assert.equal(sum(counts, 'http_server_request_duration_seconds_count'), 14);
    } finally {
      await app.stop();
    }
  });
}

for (const framework of ['express', 'fastify']) {
  test(`http-otel: ${framework} route templates reach OpenTelemetry's instrumentation-http as http.route`, async () => {
    const { app, port, metricsPort } = await startApp({ framework, esm: false, env: { AGENTMETER_INSTRUMENTATIONS: `http-otel,undici,${framework}` } });
    try {
      await sendRouted(port);
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const count = (route) => sum(text, 'http_server_request_duration_seconds_count', { http_route: route });
      assert.equal(count('/health'), 3, text);
      assert.equal(count('/users/:id'), 5);
      assert.equal(count('/api/orgs/:orgId/items/:itemId'), 4);
      assert.equal(count('/fail/:id'), 2);
    } finally {
      await app.stop();
    }
  });
}
