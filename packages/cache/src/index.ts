/**
 * @agentmeter/cache: cache.operations (by operation and hit/miss), cache.hit_ratio and
 * cache.size for any get/set/delete cache (a Map, an LRU, an ioredis client), by name.
 */
export {
  CacheMetrics,
  instrumentCache,
  uninstrumentCache,
  recordCacheOperation,
  observeCacheSize,
  cacheStats,
  defaultCacheMetrics,
} from './cache';
export type { CacheOperation, CacheResult, CacheSizeFn, InstrumentCacheOptions, CacheMetricsOptions, CacheStats } from './cache';
export { estimateBytes, estimateMapBytes, MAP_SAMPLE_LIMIT } from './size';
