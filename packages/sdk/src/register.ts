/**
 * Preload entry: `node --require @agentmeter/sdk/register app.js` (the ESM twin,
 * register.mjs, is used by `node --import @agentmeter/sdk/register app.mjs`).
 * Configured from the environment only. A configuration error stops the process at
 * start with a message naming the variable; a metrics port in use does too.
 */
import { start } from './start';

function fail(err: Error): never {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}

try {
  const handle = start();
  handle.ready.catch(fail);
} catch (err) {
  fail(err as Error);
}
