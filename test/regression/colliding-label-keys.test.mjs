// Issue 5.2: attribute keys that sanitise to the same Prometheus label (`odd.key`,
// `odd_key`, `odd-key`) are merged deterministically (values joined with `;` in the
// order of the original keys): one label, the same series and the same text whatever
// the insertion order; never a duplicate label name (which makes Prometheus reject the
// whole scrape, as the stock OpenTelemetry Prometheus exporter does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, serializeAsync } from '@agentmeter/core';
import { promtoolCheckMetrics } from '@agentmeter/test-utils/prometheus';
import { labelNames, sampleLines } from '@agentmeter/test-utils/exposition';

function permutations(a) {
  if (a.length <= 1) return [a];
  return a.flatMap((x, i) => permutations([...a.slice(0, i), ...a.slice(i + 1)]).map((p) => [x, ...p]));
}

const ENTRIES = [
  ['odd.key', 'dot'],
  ['odd_key', 'underscore'],
  ['odd-key', 'dash'],
  ['odd key', 'space'],
  ['route', '/a'],
];

test('colliding keys: one series, same label text for every insertion order', async () => {
  const perms = permutations(ENTRIES); // 120 orders
  const texts = new Set();
  const reg = new Registry();
  const c = reg.getMeter('t').createCounter('collide.events');
  const h = reg.getMeter('t').createHistogram('collide.latency', { unit: 's' });
  for (const p of perms) {
    const attrs = Object.fromEntries(p);
    c.add(1, attrs);
    h.record(0.1, attrs);
    // a fresh registry per order: the exposition text itself is identical
    const r = new Registry();
    r.getMeter('t').createCounter('collide.events').add(1, attrs);
    texts.add(await serializeAsync(r));
  }
  assert.equal(texts.size, 1, [...texts].join('\n---\n'));
  const text = await serializeAsync(reg);
  const lines = sampleLines(text).filter((l) => l.startsWith('collide_events_total'));
  assert.deepEqual(lines, [`collide_events_total{odd_key="space;dash;dot;underscore",route="/a"} ${perms.length}`]);
  assert.match(text, new RegExp(`^collide_latency_seconds_count\\{odd_key="space;dash;dot;underscore",route="/a"\\} ${perms.length}$`, 'm'));
  for (const l of sampleLines(text)) {
    const names = labelNames(l);
    assert.equal(new Set(names).size, names.length, `duplicate label name in ${l}`);
  }
  const check = promtoolCheckMetrics(text);
  assert.ok(check.ok, check.output);
});

test('colliding resource attributes in target_info are merged the same way', async () => {
  const reg = new Registry();
  reg.getMeter('t').createCounter('x.events').add(1);
  const a = await serializeAsync(reg, { resource: { 'service.name': 'svc', service_name: 'other', 'service-name': 'third' } });
  const b = await serializeAsync(reg, { resource: { 'service-name': 'third', service_name: 'other', 'service.name': 'svc' } });
  assert.equal(a, b);
  assert.match(a, /^target_info\{service_name="third;svc;other"\} 1$/m);
  assert.ok(promtoolCheckMetrics(a).ok);
});

test('keys that sanitise to reserved or invalid names stay valid labels', async () => {
  const reg = new Registry();
  reg.getMeter('t').createCounter('x.events').add(1, { __name__: 'a', '0digit': 'b', '': 'empty key dropped', 'é': 'c', '__x': 'd', job: 'e' });
  const text = await serializeAsync(reg);
  const line = sampleLines(text).find((l) => l.startsWith('x_events_total'));
  for (const n of labelNames(line)) assert.match(n, /^[a-zA-Z_][a-zA-Z0-9_]*$/);
  assert.ok(!labelNames(line).some((n) => n.startsWith('__')), line);
  assert.ok(promtoolCheckMetrics(text).ok, text);
});
