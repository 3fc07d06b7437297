// Issue 13 item 2: setHttpRoute(req, template) for apps without a supported framework,
// under --require, --import and start(): exact counts per http_route; a raw path is
// refused with one diagnostic and never becomes a label; unmatched requests carry none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode } from '@agentmeter/test-utils/proc';

const fixtures = fileURLToPath(new URL('../fixtures/routes/', import.meta.url));
const line = (text, labels) => {
  const re = new RegExp(`^http_server_request_duration_seconds_count\\{${labels}\\} (\\d+)$`, 'm');
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
};

const modes = {
  '--require': ['--require', '@agentmeter/sdk/register', join(fixtures, 'set-route.cjs')],
  '--import': ['--import', '@agentmeter/sdk/register', join(fixtures, 'set-route.mjs')],
  'start()': [join(fixtures, 'set-route.mjs'), 'start'],
};

for (const [mode, args] of Object.entries(modes)) {
  test(`setHttpRoute under ${mode}: exact counts per template, raw paths refused with one diagnostic`, async () => {
    const app = startNode(args, { env: { AGENTMETER_METRICS_PORT: '0' }, readyLine: /^ready (\d+) (\d+)/m });
    try {
      const [, port, metricsPort] = await app.ready;
      const get = async (p) => {
        const r = await fetch(`http://127.0.0.1:${port}${p}`);
        await r.arrayBuffer();
        return r.status;
      };
      for (let i = 0; i < 6; i++) assert.equal(await get(`/things/${i}`), 200);
      for (let i = 0; i < 3; i++) assert.equal(await get(`/orders/${i}/lines`), 200);
      for (let i = 0; i < 4; i++) assert.equal(await get(`/raw/${i}`), 200);
      for (let i = 0; i < 20; i++) assert.equal(await get(`/nope/${i}`), 404);
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const base = 'http_request_method="GET",http_response_status_code="200"';
      assert.equal(line(text, `${base},http_route="/things/:id",network_protocol_version="1.1",url_scheme="http"`), 6, text);
      assert.equal(line(text, `${base},http_route="/orders/:id/lines",network_protocol_version="1.1",url_scheme="http"`), 3);
      // refused templates: recorded without http.route
      assert.equal(line(text, `${base},network_protocol_version="1.1",url_scheme="http"`), 4);
      assert.equal(line(text, 'http_request_method="GET",http_response_status_code="404",network_protocol_version="1.1",url_scheme="http"'), 20);
      assert.doesNotMatch(text, /http_route="\/raw/);
      assert.equal(text.split('\n').filter((l) => l.startsWith('http_server_request_duration_seconds_count{')).length, 4);
      await app.stop();
      // one diagnostic for 4 refused raw paths (not one per request or per path)
      const diags = app.stderr.split('\n').filter((l) => l.includes('setHttpRoute') && l.includes('looks like a raw path'));
      assert.equal(diags.length, 1, app.stderr);
      assert.match(diags[0], /"\/raw\/0" looks like a raw path \(segment "0" is a value\)/);
    } finally {
      await app.stop();
    }
  });
}

test('the series cap holds for http.route: 500 distinct templates under a limit of 50 series', async () => {
  const { runNode } = await import('@agentmeter/test-utils/proc');
  const script = `
    import http from 'node:http';
    import { start, setHttpRoute } from '@agentmeter/sdk';
    const am = start({ metricsServer: false, instrumentations: ['http'], cardinalityLimits: { 'http.server.request.duration': 50 } });
    const words = (i) => i.toString(26).split('').map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('');
    const server = http.createServer((req, res) => { setHttpRoute(req, '/t/' + words(Number(req.url.slice(1))) + '/:id'); res.end(); });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    for (let i = 0; i < 500; i++) await (await fetch('http://127.0.0.1:' + server.address().port + '/' + i)).text();
    const lines = (await am.metrics()).split('\\n').filter((l) => l.startsWith('http_server_request_duration_seconds_count{'));
    console.log(JSON.stringify({ series: lines.length, overflow: lines.filter((l) => l.includes('otel_metric_overflow="true"')).map((l) => Number(l.split(' ').pop())), total: lines.reduce((a, l) => a + Number(l.split(' ').pop()), 0) }));
    server.close();
    await am.shutdown();
  `;
  const r = await runNode(['--input-type=module', '-e', script], { env: { NODE_NO_WARNINGS: '1' } });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.equal(out.series, 50);
  assert.equal(out.total, 500);
  assert.equal(out.overflow.length, 1);
  assert.equal(out.overflow[0], 500 - 49);
});
