/**
 * Preload entry: `node --require @agentmeter/sdk/register app.js` (the ESM twin,
 * register.mjs, is used by `node --import @agentmeter/sdk/register app.mjs`).
 * Configured from the environment only. A configuration error stops the process at
 * start with a message naming the variable; a metrics port in use does too.
 * Only the main thread starts agentmeter; worker threads load it as a no-op.
 */
import { isMainThread } from 'node:worker_threads';
import { start } from './start';

function fail(err: Error): never {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}

// Worker threads (including Node's module-loader hooks thread, which runs preloads too)
// share the process's metrics: only the main thread starts agentmeter.
if (isMainThread) {
  try {
    const handle = start();
    handle.ready.catch(fail);
  } catch (err) {
    fail(err as Error);
  }
}
