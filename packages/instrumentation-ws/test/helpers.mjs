// Test helpers: Prometheus text parsing and ws plumbing (real sockets on 127.0.0.1).
import { once } from 'node:events';

/** Value of the first sample of `name` whose labels include all of `labels`; undefined if none. */
export function sample(text, name, labels = {}) {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) got[k] = v;
    if (Object.entries(labels).every(([k, v]) => got[k] === String(v))) return Number(m[3]);
  }
  return undefined;
}

/** All sample lines of `name`. */
export function lines(text, name) {
  return text.split('\n').filter((l) => l.startsWith(name + '{') || l.startsWith(name + ' '));
}

export async function listen(server) {
  if (!server.listening) await once(server, 'listening');
  return server.address().port;
}

/** Open a client and wait for 'open'. */
export async function connect(WebSocket, url) {
  const c = new WebSocket(url);
  await once(c, 'open');
  return c;
}

/** Wait until `fn()` is true (polling), or fail after `ms`. */
export async function until(fn, ms = 5000, what = 'condition') {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
