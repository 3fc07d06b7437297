import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dc from 'node:diagnostics_channel';
import { checkSupportedVersion, DIAGNOSTIC_CHANNEL, getHttpRoute, HTTP_ROUTE, invalidHttpRoute, resetDiagnostics, setDiagnosticWarnings, setHttpRoute, versionSatisfies } from '@agentmeter/api';

function diagnostics(fn) {
  const seen = [];
  const on = (d) => seen.push(d);
  dc.subscribe(DIAGNOSTIC_CHANNEL, on);
  setDiagnosticWarnings(false);
  try {
    fn();
  } finally {
    dc.unsubscribe(DIAGNOSTIC_CHANNEL, on);
    setDiagnosticWarnings(true);
  }
  return seen;
}

test('templates are accepted, raw paths and junk are refused', () => {
  for (const ok of ['/', '*', '/users/:id', '/api/v1/orgs/:orgId/items/{itemId}', '/notifications_preferences_for_everyone', '/files/*', '/v2/report-2024']) assert.equal(invalidHttpRoute(ok), undefined, ok);
  for (const bad of ['/users/42', '/orders/3f2b8c1e-0d5a-4c1e-9b7a-1a2b3c4d5e6f', '/blobs/deadbeefdeadbeef00', '/tokens/a1B2c3D4e5F6g7H8i9J0kk', 'users/:id', '', '/a?b=1', 'x'.repeat(300), 42, null, undefined])
    assert.equal(typeof invalidHttpRoute(bad), 'string', String(bad));
});

test('setHttpRoute stores the template on Node request behind framework objects; refusals give one diagnostic', () => {
  resetDiagnostics();
  const req = { headers: {}, socket: {} };
  const seen = diagnostics(() => {
    setHttpRoute(req, '/users/:id');
    assert.equal(req[HTTP_ROUTE], '/users/:id');
    setHttpRoute({ raw: req }, '/fastify/:id'); // Fastify request
    assert.equal(getHttpRoute(req), '/fastify/:id');
    setHttpRoute({ req }, '/koa/:id'); // Koa context
    assert.equal(getHttpRoute({ req }), '/koa/:id');
    setHttpRoute({ env: { incoming: req } }, '/hono/:id'); // Hono context
    assert.equal(getHttpRoute(req), '/hono/:id');
    for (let i = 0; i < 100; i++) setHttpRoute(req, `/users/${i}`);
    assert.equal(getHttpRoute(req), '/hono/:id', 'a refused template leaves the last good one');
    setHttpRoute(null, '/x');
    setHttpRoute(req, 7);
  });
  assert.deepEqual(
    seen.map((d) => d.code),
    ['AGENTMETER_HTTP_ROUTE_INVALID', 'AGENTMETER_HTTP_ROUTE_INVALID', 'AGENTMETER_HTTP_ROUTE_INVALID'],
  );
  assert.match(seen[0].message, /"\/users\/0" looks like a raw path/);
});

test('version ranges, and one warning naming package, version and range outside them', () => {
  assert.equal(versionSatisfies('4.17.0', '>=4.17.0 <6'), true);
  assert.equal(versionSatisfies('5.3.0', '>=4.17.0 <6'), true);
  assert.equal(versionSatisfies('4.16.4', '>=4.17.0 <6'), false);
  assert.equal(versionSatisfies('6.0.0-beta.1', '>=4.17.0 <6'), false);
  assert.equal(versionSatisfies('3.1.0', '>=2 <3 || >=3.1.0 <4'), true);
  resetDiagnostics();
  const seen = diagnostics(() => {
    assert.equal(checkSupportedVersion('express', '5.3.0', '>=4.17.0 <6'), true);
    assert.equal(checkSupportedVersion('express', '6.0.0', '>=4.17.0 <6'), false);
    assert.equal(checkSupportedVersion('express', '6.0.0', '>=4.17.0 <6'), false);
  });
  assert.equal(seen.length, 1);
  assert.equal(seen[0].code, 'AGENTMETER_UNSUPPORTED_VERSION');
  assert.match(seen[0].message, /express 6\.0\.0 is outside the supported range >=4\.17\.0 <6/);
});
