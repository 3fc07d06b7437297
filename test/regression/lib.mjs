// Shared helpers for the regression tests (not a test file). Exposition parsing (sample
// lines, label names, poisoned values) is in @agentmeter/test-utils/exposition.
import * as dc from 'node:diagnostics_channel';
import { setDiagnosticWarnings, resetDiagnostics, DIAGNOSTIC_CHANNEL } from '@agentmeter/api';

/** Collect every agentmeter diagnostic published while active. */
export function captureDiagnostics({ quiet = true } = {}) {
  if (quiet) setDiagnosticWarnings(false);
  const list = [];
  const fn = (d) => list.push(d);
  dc.subscribe(DIAGNOSTIC_CHANNEL, fn);
  return {
    list,
    codes: () => list.map((d) => d.code),
    count: (code, re) => list.filter((d) => d.code === code && (!re || re.test(d.message))).length,
    clear: () => {
      list.length = 0;
    },
    reset: () => {
      list.length = 0;
      resetDiagnostics();
    },
    stop: () => dc.unsubscribe(DIAGNOSTIC_CHANNEL, fn),
  };
}

/**
 * A tiny OTLP/HTTP metrics receiver on 127.0.0.1. mode: 'ok' (200, records each export),
 * 'hang' (never answers), '500' (answers 500). Returns { url, exports, requests, close }.
 * exports: parsed JSON bodies (the exporter-metrics-otlp-http default content-type is
 * application/json); a protobuf body is recorded as { protobuf: Buffer }.
 */
export async function startOtlpReceiver(mode = 'ok') {
  const { createServer } = await import('node:http');
  const exports = [];
  const requests = [];
  const server = createServer((req, res) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      const type = req.headers['content-type'] ?? '';
      requests.push({ method: req.method, url: req.url, type, at: Date.now(), bytes: body.length });
      if (mode === 'hang') return; // never answer
      if (mode === '500') return res.writeHead(500, { 'content-type': 'application/json' }).end('{}');
      exports.push(type.includes('json') ? JSON.parse(body.toString('utf8')) : { protobuf: body });
      res.writeHead(200, { 'content-type': type.includes('json') ? 'application/json' : 'application/x-protobuf' }).end(type.includes('json') ? '{}' : '');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1/metrics`,
    exports,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Metric names and data points of a JSON OTLP export: Map name -> dataPoints[]. */
export function otlpMetrics(exp) {
  const out = new Map();
  for (const rm of exp.resourceMetrics ?? [])
    for (const sm of rm.scopeMetrics ?? [])
      for (const m of sm.metrics ?? []) out.set(m.name, (m.sum ?? m.gauge ?? m.histogram ?? {}).dataPoints ?? []);
  return out;
}
