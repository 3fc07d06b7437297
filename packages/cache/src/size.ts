/** Most entries a Map size estimate walks; larger Maps are sampled and extrapolated. */
export const MAP_SAMPLE_LIMIT = 10_000;

/**
 * Approximate payload bytes of a value: UTF-8 bytes of strings, byteLength of buffers and
 * typed arrays, 8 for numbers and bigints, 4 for booleans, and the sum over the own keys
 * and values of plain objects, arrays, Maps and Sets (to depth 8, each object once). It
 * is an estimate of the data held, not of V8 heap usage. Never throws.
 */
export function estimateBytes(value: unknown, seen: Set<object> = new Set(), depth = 0): number {
  try {
    switch (typeof value) {
      case 'string':
        return Buffer.byteLength(value, 'utf8');
      case 'number':
      case 'bigint':
        return 8;
      case 'boolean':
        return 4;
      case 'object':
        break;
      default:
        return 0;
    }
    if (value === null) return 0;
    if (ArrayBuffer.isView(value)) return value.byteLength;
    if (value instanceof ArrayBuffer) return value.byteLength;
    if (seen.has(value) || depth >= 8) return 0;
    seen.add(value);
    let n = 0;
    if (value instanceof Map) {
      for (const [k, v] of value) n += estimateBytes(k, seen, depth + 1) + estimateBytes(v, seen, depth + 1);
    } else if (value instanceof Set) {
      for (const v of value) n += estimateBytes(v, seen, depth + 1);
    } else if (Array.isArray(value)) {
      for (const v of value) n += estimateBytes(v, seen, depth + 1);
    } else if (value instanceof Date) {
      n = 8;
    } else {
      for (const k of Object.keys(value)) n += Buffer.byteLength(k, 'utf8') + estimateBytes((value as Record<string, unknown>)[k], seen, depth + 1);
    }
    return n;
  } catch {
    return 0;
  }
}

/**
 * Estimated bytes of a Map's keys and values. Maps larger than MAP_SAMPLE_LIMIT entries
 * are estimated from their first MAP_SAMPLE_LIMIT entries. Never throws.
 */
export function estimateMapBytes(map: Map<unknown, unknown>): number {
  try {
    const size = map.size;
    if (size === 0) return 0;
    let n = 0;
    let i = 0;
    const seen = new Set<object>();
    for (const [k, v] of map) {
      n += estimateBytes(k, seen) + estimateBytes(v, seen);
      if (++i >= MAP_SAMPLE_LIMIT) break;
    }
    return i < size ? Math.round((n / i) * size) : n;
  } catch {
    return 0;
  }
}
