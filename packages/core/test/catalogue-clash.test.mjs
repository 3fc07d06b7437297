import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dc from 'node:diagnostics_channel';
import { Registry, serialize } from '@agentmeter/core';
import { DIAGNOSTIC_CHANNEL, resetDiagnostics, setDiagnosticWarnings } from '@agentmeter/api';

function withDiagnostics(fn) {
  const seen = [];
  const on = (d) => seen.push(d);
  resetDiagnostics();
  setDiagnosticWarnings(false);
  dc.subscribe(DIAGNOSTIC_CHANNEL, on);
  try {
    fn();
  } finally {
    dc.unsubscribe(DIAGNOSTIC_CHANNEL, on);
    setDiagnosticWarnings(true);
  }
  return seen;
}

const countLines = (text) => text.split('\n').filter((l) => l.startsWith('http_server_request_duration_seconds_count'));

test("an app instrument with a catalogue name agentmeter records is dropped with one diagnostic: no double counting", () => {
  const r = new Registry();
  const seen = withDiagnostics(() => {
    const own = r.getMeter('@agentmeter/sdk/http').createHistogram('http.server.request.duration', { unit: 's' });
    const app = r.getMeter('my-service').createHistogram('http.server.request.duration', { unit: 's' });
    const app2 = r.getMeter('my-service').createHistogram('http.server.request.duration', { unit: 's' });
    for (let i = 0; i < 5; i++) {
      own.record(0.01, { 'http.request.method': 'GET', 'http.response.status_code': 200 });
      app.record(0.01, { route: '/users/:id', method: 'GET' });
      app2.record(0.01, { route: '/users/:id', method: 'GET' });
    }
  });
  assert.deepEqual(countLines(serialize(r)), ['http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="200"} 5']);
  assert.equal(seen.length, 1);
  assert.equal(seen[0].code, 'AGENTMETER_CATALOGUE_CLASH');
  assert.match(seen[0].message, /the app's instrument "http\.server\.request\.duration" \(meter "my-service"\) has the name of agentmeter's own metric \(meter "@agentmeter\/sdk\/http"\)/);
});

test('the app first: agentmeter does not record into the app family, with one diagnostic', () => {
  const r = new Registry();
  const seen = withDiagnostics(() => {
    r.getMeter('my-service').createHistogram('http.server.request.duration', { unit: 's' }).record(1, { route: '/a' });
    r.getMeter('@agentmeter/sdk/http').createHistogram('http.server.request.duration', { unit: 's' }).record(1, { 'http.request.method': 'GET' });
  });
  assert.deepEqual(countLines(serialize(r)), ['http_server_request_duration_seconds_count{route="/a"} 1']);
  assert.equal(seen.length, 1);
  assert.match(seen[0].message, /agentmeter's metric "http\.server\.request\.duration" \(meter "@agentmeter\/sdk\/http"\) is not recorded: the app defined/);
});

test('OpenTelemetry instrumentations (http-otel, pg) and names outside the catalogue share instruments as before', () => {
  const r = new Registry();
  const seen = withDiagnostics(() => {
    r.getMeter('@agentmeter/sdk/http').createHistogram('http.server.request.duration', { unit: 's' }).record(1, { 'http.request.method': 'GET' });
    r.getMeter('@opentelemetry/instrumentation-http').createHistogram('http.server.request.duration', { unit: 's' }).record(1, { 'http.request.method': 'GET' });
    r.getMeter('@agentmeter/x').createCounter('app.jobs').add(1);
    r.getMeter('my-service').createCounter('app.jobs').add(1);
  });
  assert.deepEqual(countLines(serialize(r)), ['http_server_request_duration_seconds_count{http_request_method="GET"} 2']);
  assert.match(serialize(r), /^app_jobs_total 2$/m);
  assert.equal(seen.length, 0);
});
