/**
 * What the two preloads (register.ts for `--require`, register.mjs for `--import`) share:
 * whether this thread is the app, PM2's environment, and the ESM loader's include list
 * (from the instrumentation table and the same configuration start() reads).
 */
import * as workerThreads from 'node:worker_threads';
import { resolveConfig, type ResolvedConfig } from './config';
import { esmInclude } from './instrumentation-table';
import { isLauncher } from './run-parent';

/**
 * PM2 cluster mode hands a worker its app environment as JSON in `pm2_env`, copied into
 * process.env only after the preloads ran: read agentmeter's settings and the instance
 * number (NODE_APP_INSTANCE, the stable worker index) from there.
 */
export function adoptPm2Env(): void {
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

/**
 * False in Node's internal threads (the module-loader hooks thread) and in launchers
 * (npm, npx, pnpm, yarn, corepack, the agentmeter CLI) that inherit the preload through
 * NODE_OPTIONS: they are not the app.
 */
export function isApp(): boolean {
  const internal = (workerThreads as { isInternalThread?: boolean }).isInternalThread === true;
  return !internal && !(workerThreads.isMainThread && isLauncher());
}

/**
 * The modules and files import-in-the-middle's loader should wrap for the configured
 * instrumentations; undefined when there is nothing to wrap (not the app, agentmeter
 * off, no instrumentation with a library, or a configuration error, which the preload
 * then reports naming the setting).
 */
export function esmHookPlan(): Array<string | RegExp> | undefined {
  if (!isApp()) return undefined;
  adoptPm2Env();
  let config;
  try {
    config = resolveConfig();
  } catch {
    return undefined;
  }
  planned = config;
  if (!config.enabled) return undefined;
  const include = esmInclude(config.instrumentations);
  return include.length > 0 ? include : undefined;
}

let planned: ResolvedConfig | undefined;

/**
 * The configuration esmHookPlan() resolved, once: the `--import` preload starts agentmeter
 * right after planning, from the same environment, without resolving it again.
 */
export function takePlannedConfig(): ResolvedConfig | undefined {
  const c = planned;
  planned = undefined;
  return c;
}
