// Test helpers: ws plumbing (real sockets on 127.0.0.1). Exposition parsing is
// @agentmeter/test-utils/exposition.
import { once } from 'node:events';

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
