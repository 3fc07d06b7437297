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
 */
import * as workerThreads from 'node:worker_threads';
import { start } from './start';
import { isLauncher, watchRunParent } from './run-parent';

function fail(err: Error): never {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}

/**
 * PM2 cluster mode hands a worker its app environment as JSON in `pm2_env`, copied into
 * process.env only after the preloads ran: read agentmeter's settings and the instance
 * number (NODE_APP_INSTANCE, the stable worker index) from there.
 */
function adoptPm2Env(): void {
  const raw = process.env.pm2_env;
  if (!raw) return;
  try {
    const env = JSON.parse(raw) as Record<string, unknown>;
    for (const [k, v] of Object.entries(env)) {
      if (!/^(AGENTMETER_|OTEL_)/.test(k) && k !== 'NODE_APP_INSTANCE') continue;
      if (typeof v === 'string' || typeof v === 'number') process.env[k] = String(v);
    }
  } catch {
    // not PM2's JSON: leave the environment alone
  }
}

const internal = (workerThreads as { isInternalThread?: boolean }).isInternalThread === true;
if (!internal && !(workerThreads.isMainThread && isLauncher())) {
  try {
    adoptPm2Env();
    start();
    if (workerThreads.isMainThread) watchRunParent();
  } catch (err) {
    // only an invalid configuration value gets here
    fail(err as Error);
  }
}
