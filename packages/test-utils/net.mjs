import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (closed again before returning). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Poll fn until it returns a truthy value or the deadline passes. */
export async function waitFor(fn, { timeout = 30_000, interval = 200, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  // what the last attempt gave (an error, or the falsy value), so a timeout says where it stood,
  // and the latest error if a later attempt returned a falsy value instead
  let last = 'no attempt finished';
  let lastError;
  let lastThrew = false;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
      last = `the last attempt returned ${String(v)}`;
      lastThrew = false;
    } catch (e) {
      lastError = e.message;
      last = `the last attempt failed: ${e.message}`;
      lastThrew = true;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  const earlier = lastError !== undefined && !lastThrew ? `; an earlier one failed: ${lastError}` : '';
  throw new Error(`timed out waiting for ${what} (${last}${earlier})`);
}
