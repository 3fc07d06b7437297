// The shared exposition parser, on hand-written text (escapes, timestamps, special values).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { count, labelNames, parse, poisonedLines, samples, sum, types, value } from '@agentmeter/test-utils/exposition';

const TEXT = `# HELP req_total Requests.
# TYPE req_total counter
req_total{route="/a",code="200"} 3
req_total{route="/b",code="200"} 4 1700000000000
req_total{route="/a",code="500"} 1
# TYPE lat_seconds histogram
lat_seconds_bucket{le="0.5"} 1
lat_seconds_bucket{le="+Inf"} 2
lat_seconds_sum 1.25
lat_seconds_count 2
esc{v="a\\"b\\\\c\\nd",w="}{, "} -Inf
up 1
`;

test('parse: names, labels (unescaped), values, timestamps', () => {
  const s = parse(TEXT);
  assert.equal(s.length, 9);
  assert.deepEqual(s[1], { name: 'req_total', labels: { route: '/b', code: '200' }, value: 4 });
  assert.deepEqual(s[7], { name: 'esc', labels: { v: 'a"b\\c\nd', w: '}{, ' }, value: -Infinity });
  assert.deepEqual(s[8], { name: 'up', labels: {}, value: 1 });
  assert.equal(value(s, 'lat_seconds_bucket', { le: '+Inf' }), 2);
  assert.throws(() => parse('x{a="1" 2\n'), /not a sample line/);
});

test('look-ups: value, sum, count, samples, exact label sets', () => {
  assert.equal(value(TEXT, 'req_total', { route: '/a' }), 3, 'first match');
  assert.equal(sum(TEXT, 'req_total', { route: '/a' }), 4);
  assert.equal(sum(TEXT, 'req_total'), 8);
  assert.equal(sum(TEXT, 'nope'), 0);
  assert.equal(value(TEXT, 'nope'), undefined);
  assert.equal(count(TEXT, 'req_total', { code: '200' }), 2);
  assert.equal(value(TEXT, 'req_total', { route: '/a' }, { exact: true }), undefined, 'exact: the whole label set');
  assert.equal(value(TEXT, 'req_total', { route: '/a', code: 500 }, { exact: true }), 1, 'values compared as strings');
  assert.equal(samples(TEXT, 'req').length, 0, 'names are exact, not prefixes');
  assert.deepEqual(types(TEXT), new Map([['req_total', 'counter'], ['lat_seconds', 'histogram']]));
  assert.deepEqual(labelNames('x{b="1",a="2",b="3"} 1'), ['b', 'a', 'b']);
  assert.deepEqual(poisonedLines('# TYPE c_total counter\nc_total NaN\n# TYPE g gauge\ng NaN\n'), ['c_total NaN']);
});
