const { test } = require('node:test');
const assert = require('node:assert/strict');

test('@agentmeter/cache loads with require', () => {
  const cache = require('@agentmeter/cache');
  for (const name of ['instrumentCache', 'uninstrumentCache', 'recordCacheOperation', 'observeCacheSize', 'cacheStats', 'CacheMetrics', 'estimateMapBytes']) {
    assert.equal(typeof cache[name], 'function', name);
  }
  const m = cache.instrumentCache(new Map(), { name: 'cjs' });
  m.set('k', 1);
  assert.equal(m.get('k'), 1);
  assert.equal(cache.cacheStats('cjs').hits, 1);
});
