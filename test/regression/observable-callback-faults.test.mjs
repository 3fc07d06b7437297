// Issue 5.4: an observable callback that throws, rejects or hangs does not stop other
// metrics, the scrape or the app; each fault is one diagnostic on agentmeter:diagnostic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, serializeAsync } from '@agentmeter/core';
import { start } from '@agentmeter/sdk';
import { captureDiagnostics } from './lib.mjs';

const diags = captureDiagnostics();

function faultyRegistry(timeout) {
  const reg = new Registry({ callbackTimeoutMillis: timeout });
  const m = reg.getMeter('faults');
  m.createObservableGauge('f.throws').addCallback(() => {
    throw new Error('boom');
  });
  m.createObservableGauge('f.throws.nonerror').addCallback(() => {
    throw 'a string'; // deliberately not an Error
  });
  m.createObservableGauge('f.rejects').addCallback(async () => {
    throw new Error('async boom');
  });
  m.createObservableGauge('f.hangs').addCallback(() => new Promise(() => {}));
  const late = m.createObservableGauge('f.late');
  late.addCallback((r) => new Promise((resolve) => setTimeout(() => (r.observe(1), resolve()), timeout * 3).unref()));
  const ok = m.createObservableGauge('f.ok');
  ok.addCallback((r) => r.observe(42, { a: 'b' }));
  ok.addCallback(() => {
    throw new Error('second callback on the same instrument');
  });
  const okAsync = m.createObservableCounter('f.ok.async');
  okAsync.addCallback(async (r) => {
    await new Promise((res) => setTimeout(res, 5));
    r.observe(7);
  });
  const batchA = m.createObservableGauge('f.batch.a');
  m.addBatchObservableCallback((r) => {
    r.observe(batchA, 3);
    throw new Error('batch boom after observing');
  }, [batchA]);
  m.createCounter('f.sync').add(5);
  return reg;
}

test('throwing, rejecting and hanging callbacks: the rest is collected, within the timeout', async () => {
  diags.reset();
  const reg = faultyRegistry(200);
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    const text = await serializeAsync(reg);
    const ms = performance.now() - t0;
    assert.ok(ms < 1500, `collection took ${ms} ms`);
    assert.match(text, /^f_ok\{a="b"\} 42$/m);
    assert.match(text, /^f_ok_async_total 7$/m);
    assert.match(text, /^f_sync_total 5$/m);
    assert.match(text, /^f_batch_a 3$/m);
    assert.doesNotMatch(text, /^f_(throws|rejects|hangs|late)/m);
  }
  const failed = diags.list.filter((d) => d.code === 'AGENTMETER_CALLBACK_FAILED');
  for (const name of ['f.throws', 'f.throws.nonerror', 'f.rejects', 'f.ok', 'batch']) assert.ok(failed.some((d) => d.message.includes(`"${name}"`)), name);
  assert.equal(diags.count('AGENTMETER_CALLBACK_TIMEOUT'), 1, 'the timeout is reported once, not per collection');
  // rate-limited: three collections, one diagnostic per failing callback
  assert.equal(failed.length, 5, JSON.stringify(failed));
});

test('concurrent scrapes during a hanging callback share one collection', async () => {
  const reg = faultyRegistry(300);
  const t0 = performance.now();
  const texts = await Promise.all([serializeAsync(reg), serializeAsync(reg), serializeAsync(reg)]);
  assert.ok(performance.now() - t0 < 1500);
  for (const t of texts) assert.match(t, /^f_ok\{a="b"\} 42$/m);
});

test('through start(): /metrics answers while callbacks hang, and the app keeps serving', async () => {
  const h = start({ port: 0, instrumentations: [], cost: false, serviceName: 'faults' });
  try {
    const { url } = await h.ready;
    const m = h.meter;
    m.createObservableGauge('app.hangs').addCallback(() => new Promise(() => {}));
    m.createObservableGauge('app.throws').addCallback(() => {
      throw new Error('x');
    });
    m.createCounter('app.work').add(1);
    // the event loop stays free while the hanging callback is pending
    let ticks = 0;
    const iv = setInterval(() => ticks++, 10);
    const res = await fetch(url);
    clearInterval(iv);
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(body, /^app_work_total 1$/m);
    assert.ok(ticks >= 20, `event loop ran ${ticks} times during the scrape`);
  } finally {
    await h.shutdown();
  }
});
