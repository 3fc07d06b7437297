import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dc from 'node:diagnostics_channel';
import { metrics } from '@opentelemetry/api';
import { Registry, serializeAsync } from '@agentmeter/core';
import { setDiagnosticWarnings, DIAGNOSTIC_CHANNEL } from '@agentmeter/api';
import {
  instrumentCache,
  uninstrumentCache,
  recordCacheOperation,
  observeCacheSize,
  cacheStats,
  CacheMetrics,
  estimateBytes,
  estimateMapBytes,
} from '@agentmeter/cache';

setDiagnosticWarnings(false);
const registry = new Registry();
metrics.setGlobalMeterProvider(registry);
const diagnostics = [];
dc.subscribe(DIAGNOSTIC_CHANNEL, (d) => diagnostics.push(d));

/** A small LRU with private fields (like lru-cache): methods must run with the real `this`. */
class TinyLru {
  #map = new Map();
  #max;
  constructor(max) { this.#max = max; }
  get(k) {
    if (!this.#map.has(k)) return undefined;
    const v = this.#map.get(k);
    this.#map.delete(k);
    this.#map.set(k, v);
    return v;
  }
  set(k, v) {
    this.#map.delete(k);
    this.#map.set(k, v);
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value);
    return this;
  }
  delete(k) { return this.#map.delete(k); }
  get size() { return this.#map.size; }
}

test('a Map: same object, same return values, operations by result, hit ratio, estimated size', async () => {
  const map = new Map();
  const same = instrumentCache(map, { name: 'tool_selection' });
  assert.equal(same, map, 'instrumented in place');
  assert.equal(map.set('a', 'x'.repeat(100)), map, 'set returns the Map, as before');
  map.set('b', { n: 1, s: 'hello' });
  assert.equal(map.get('a'), 'x'.repeat(100));
  assert.equal(map.get('b').s, 'hello');
  assert.equal(map.get('nope'), undefined);
  assert.equal(map.get('a').length, 100);
  assert.equal(map.delete('b'), true);
  assert.equal(map.delete('b'), false);
  assert.equal(map.size, 1);
  assert.ok(map instanceof Map);
  const text = await serializeAsync(registry);
  assert.match(text, /^cache_operations_total\{cache_name="tool_selection",cache_operation="get",cache_result="hit"\} 3$/m);
  assert.match(text, /^cache_operations_total\{cache_name="tool_selection",cache_operation="get",cache_result="miss"\} 1$/m);
  assert.match(text, /^cache_operations_total\{cache_name="tool_selection",cache_operation="set"\} 2$/m);
  assert.match(text, /^cache_operations_total\{cache_name="tool_selection",cache_operation="delete"\} 2$/m);
  assert.match(text, /^cache_hit_ratio\{cache_name="tool_selection"\} 0\.75$/m);
  // one entry left: key 'a' (1 byte) + 100-byte string
  assert.match(text, /^cache_size_bytes\{cache_name="tool_selection"\} 101$/m);
  assert.deepEqual(cacheStats('tool_selection'), { gets: 4, hits: 3, misses: 1, sets: 2, deletes: 2, hitRatio: 0.75 });
});

test('an LRU with private fields keeps working; sizeOf callback reports bytes; errors propagate unchanged', async () => {
  const lru = new TinyLru(2);
  instrumentCache(lru, { name: 'lru', sizeOf: (c) => c.size * 1000 });
  lru.set('k1', 1).set('k2', 2).set('k3', 3); // evicts k1
  assert.equal(lru.get('k1'), undefined);
  assert.equal(lru.get('k3'), 3);
  assert.equal(lru.size, 2);
  const text = await serializeAsync(registry);
  assert.match(text, /^cache_operations_total\{cache_name="lru",cache_operation="set"\} 3$/m);
  assert.match(text, /^cache_hit_ratio\{cache_name="lru"\} 0\.5$/m);
  assert.match(text, /^cache_size_bytes\{cache_name="lru"\} 2000$/m);

  const boom = new Error('backend down');
  const failing = { get() { throw boom; }, set: async () => { throw boom; } };
  instrumentCache(failing, { name: 'failing' });
  assert.throws(() => failing.get('x'), (e) => e === boom);
  await assert.rejects(failing.set('x', 1), (e) => e === boom);
  assert.equal(cacheStats('failing').gets, 0, 'failed calls are not counted');

  assert.equal(uninstrumentCache(lru), true);
  lru.get('k3');
  assert.equal(cacheStats('lru').gets, 2, 'no longer counted after uninstrument');
  assert.equal(Object.prototype.hasOwnProperty.call(lru, 'get'), false, 'prototype method restored');
});

test('instrumenting twice does not double count; bad options fail at once', () => {
  const m = new Map();
  instrumentCache(m, { name: 'twice' });
  instrumentCache(m, { name: 'twice' });
  m.get('x');
  assert.equal(cacheStats('twice').gets, 1);
  assert.throws(() => instrumentCache({}, { name: 'x' }), /no get method/);
  assert.throws(() => instrumentCache(new Map(), {}), /options\.name must be a non-empty string/);
  assert.throws(() => instrumentCache(new Map(), { name: 'x', sizeOf: 5 }), /sizeOf must be a function/);
});

test('recordCacheOperation and observeCacheSize for caches that cannot be wrapped; bad input dropped', async () => {
  recordCacheOperation('external', 'get', 'hit');
  recordCacheOperation('external', 'get', 'miss');
  recordCacheOperation('external', 'get', 'miss');
  recordCacheOperation('external', 'set');
  const before = diagnostics.length;
  recordCacheOperation('external', 'get'); // no result
  recordCacheOperation('external', 'evict');
  recordCacheOperation('', 'set');
  recordCacheOperation(undefined, 'get', 'hit');
  assert.ok(diagnostics.length > before);
  const off = observeCacheSize('external', async () => 4096);
  observeCacheSize('broken', () => { throw new Error('nope'); });
  observeCacheSize('nan', () => NaN);
  let text = await serializeAsync(registry);
  assert.match(text, /^cache_operations_total\{cache_name="external",cache_operation="get",cache_result="miss"\} 2$/m);
  assert.match(text, /^cache_hit_ratio\{cache_name="external"\} 0\.3333333333333333$/m);
  assert.match(text, /^cache_size_bytes\{cache_name="external"\} 4096$/m);
  assert.doesNotMatch(text, /cache_size_bytes\{cache_name="(broken|nan)"\}/);
  assert.doesNotMatch(text, /cache_operation="evict"/);
  off();
  text = await serializeAsync(registry);
  assert.doesNotMatch(text, /cache_size_bytes\{cache_name="external"\}/);
});

test('a pinned MeterProvider gets its own series', async () => {
  const pinned = new Registry();
  const cm = new CacheMetrics({ meterProvider: pinned });
  const m = cm.instrument(new Map([['k', 'v']]), { name: 'pinned' });
  m.get('k');
  const text = await serializeAsync(pinned);
  assert.match(text, /^cache_hit_ratio\{cache_name="pinned"\} 1$/m);
  assert.match(text, /^cache_size_bytes\{cache_name="pinned"\} 2$/m);
  assert.doesNotMatch(await serializeAsync(registry), /cache_name="pinned"/);
});

test('size estimates', () => {
  assert.equal(estimateBytes('héllo'), 6);
  assert.equal(estimateBytes(Buffer.alloc(10)), 10);
  assert.equal(estimateBytes({ a: 1, bb: [true, null] }), 1 + 8 + 2 + 4);
  const cyclic = { x: 'ab' };
  cyclic.self = cyclic;
  assert.equal(estimateBytes(cyclic), 1 + 2 + 4);
  const big = new Map();
  for (let i = 0; i < 25_000; i++) big.set(`k${String(i).padStart(5, '0')}`, 'v');
  assert.equal(estimateMapBytes(big), 25_000 * 7);
});
