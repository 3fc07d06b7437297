/**
 * Preload entry: `node --require @agentmeter/sdk/register app.js` (the ESM twin,
 * register.mjs, is used by `node --import @agentmeter/sdk/register app.mjs`).
 * Configured from the environment only. An invalid configuration value stops the process
 * at start with a message naming the variable; nothing else does: a metrics port that is
 * taken gives one warning and the app runs on (docs/multiprocess.md).
 *
 * Package-manager processes that inherit the preload through NODE_OPTIONS (npm, npx,
 * pnpm, yarn, corepack, the agentmeter CLI itself) are not the app: the preload does
 * nothing there, so they never take the metrics port from the app they start.
 * Worker threads join the process tree's aggregate; Node's internal threads (the
 * module-loader hooks thread) are skipped.
 *
 * Each instrumentation is turned on when the app first loads a library it instruments
 * (start.ts, startFromPreload), so the preload costs little at start.
 */
import { isMainThread } from 'node:worker_threads';
import { adoptPm2Env, isApp } from './preload';
import { startFromPreload } from './start';
import { watchRunParent } from './run-parent';

function fail(err: Error): never {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}

if (isApp()) {
  try {
    adoptPm2Env();
    startFromPreload();
    if (isMainThread) watchRunParent();
  } catch (err) {
    // only an invalid configuration value gets here
    fail(err as Error);
  }
}
