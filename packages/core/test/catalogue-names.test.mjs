// The catalogue's Prometheus names are the serializer's: each row's `prometheus` is what
// prometheusName derives, and a metric recorded from each row (synchronous, and
// observable for the non-histogram kinds) is exposed under exactly that name, with the
// attribute keys turned into labels by sanitizeLabelName.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as core from '@agentmeter/core';
import { Registry, serializeAsync } from '@agentmeter/core';
import * as semconv from '@agentmeter/semconv';
import { CATALOGUE, prometheusNameOf, sanitizeLabelName } from '@agentmeter/semconv';
import { createCatalogueInstrument, createCatalogueObservable } from '@agentmeter/api';

const ROWS = Object.values(CATALOGUE);
// Written out here rather than imported: the Prometheus type of each instrument kind.
const TYPE = { counter: 'counter', updowncounter: 'gauge', gauge: 'gauge', histogram: 'histogram' };

/** Every attribute of a row, set to a value, so that every label appears. */
const attrsOf = (d) => Object.fromEntries(d.attributes.map((a) => [a, 'x']));

/** `# TYPE` families of an exposition: name -> type. */
function families(text) {
  const out = new Map();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) out.set(m[1], m[2]);
  return out;
}

/** The label names of the first sample line of `series` (`name{a="1",b="2"} v`). */
function labelsOf(text, series) {
  const line = text.split('\n').find((l) => l.startsWith(series + '{') || l.startsWith(series + ' '));
  assert.ok(line, `no sample line for ${series}`);
  const body = line.startsWith(series + '{') ? line.slice(series.length + 1, line.lastIndexOf('}')) : '';
  return [...body.matchAll(/([A-Za-z_][A-Za-z0-9_]*)="(?:[^"\\]|\\.)*"/g)].map((m) => m[1]).filter((l) => l !== 'le');
}

test('core and semconv share one naming implementation', () => {
  assert.equal(core.prometheusName, semconv.prometheusName);
  assert.equal(core.sanitizeLabelName, semconv.sanitizeLabelName);
  assert.equal(core.sanitizeMetricName, semconv.sanitizeMetricName);
  assert.equal(core.unitSuffix, semconv.unitSuffix);
});

test("every catalogue row's Prometheus name is what the serializer's prometheusName derives", () => {
  assert.ok(ROWS.length >= 50, `catalogue has ${ROWS.length} rows`);
  for (const d of ROWS) {
    const derived = core.prometheusName(d.name, d.unit, TYPE[d.kind], d.kind === 'counter');
    assert.equal(d.prometheus, derived, d.name);
    assert.equal(prometheusNameOf(d.name, d.unit, d.kind), derived, d.name);
  }
});

test('a metric recorded from each catalogue row is exposed under the row\'s Prometheus name and type, with its attributes as labels', async () => {
  const r = new Registry();
  const meter = r.getMeter('@agentmeter/catalogue-test');
  for (const d of ROWS) {
    const inst = createCatalogueInstrument(meter, d);
    if (d.kind === 'histogram') inst.record(0.5, attrsOf(d));
    else if (d.kind === 'gauge') inst.record(1, attrsOf(d));
    else inst.add(1, attrsOf(d));
  }
  const text = await serializeAsync(r);
  const fams = families(text);
  assert.equal(fams.size, ROWS.length, 'one family per row');
  for (const d of ROWS) {
    assert.equal(fams.get(d.prometheus), TYPE[d.kind], `${d.name}: family ${d.prometheus}`);
    const series = d.kind === 'histogram' ? d.prometheus + '_count' : d.prometheus;
    assert.deepEqual(labelsOf(text, series).sort(), d.attributes.map(sanitizeLabelName).sort(), `${d.name}: labels`);
    if (d.kind === 'histogram') assert.match(text, new RegExp(`^${d.prometheus}_bucket\\{`, 'm'), d.name);
  }
});

test('an observable instrument created from each non-histogram row is exposed under the same name and type', async () => {
  const r = new Registry();
  const meter = r.getMeter('@agentmeter/catalogue-test');
  const rows = ROWS.filter((d) => d.kind !== 'histogram');
  assert.ok(rows.some((d) => d.kind === 'counter') && rows.some((d) => d.kind === 'updowncounter') && rows.some((d) => d.kind === 'gauge'));
  for (const d of rows) createCatalogueObservable(meter, d).addCallback((res) => res.observe(1, attrsOf(d)));
  const text = await serializeAsync(r);
  const fams = families(text);
  assert.equal(fams.size, rows.length);
  for (const d of rows) {
    assert.equal(fams.get(d.prometheus), TYPE[d.kind], `${d.name}: family ${d.prometheus}`);
    assert.deepEqual(labelsOf(text, d.prometheus).sort(), d.attributes.map(sanitizeLabelName).sort(), `${d.name}: labels`);
  }
});
