// Regression: an app (here, the OpenAI Agents SDK's pattern) whose SIGTERM handler exits only
// when it is the last listener never exited under the preload: agentmeter's process-tree
// signal listener deferred to the app's, and the app's deferred to agentmeter's. agentmeter
// now removes its listeners as soon as the app has its own, so the app exits as it would
// without agentmeter, and the 'exit' event still sends the final values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startNode } from '@agentmeter/test-utils/proc';
import { freePort } from '@agentmeter/test-utils/net';

const app = fileURLToPath(new URL('./fixtures/polite-sigterm-app.cjs', import.meta.url));

for (const flag of ['--require', '--import']) {
  test(`${flag}: an app whose SIGTERM handler defers to other listeners still exits on SIGTERM`, async () => {
    const port = await freePort();
    const p = startNode([flag, '@agentmeter/sdk/register', app], { env: { AGENTMETER_METRICS_PORT: String(port), NODE_NO_WARNINGS: '1' } });
    await p.ready;
    // the metrics server is up (agentmeter is active in this process)
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 200);
    p.child.kill('SIGTERM');
    const exited = await Promise.race([
      new Promise((r) => p.child.once('exit', (code, signal) => r({ code, signal }))),
      new Promise((r) => setTimeout(() => r('hung'), 10_000)),
    ]);
    if (exited === 'hung') p.child.kill('SIGKILL');
    assert.deepEqual(exited, { code: 0, signal: null }, p.stderr);
  });
}
