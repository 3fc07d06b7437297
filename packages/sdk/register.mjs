// ESM preload: `node --import @agentmeter/sdk/register app.mjs`.
// Starts agentmeter through the CommonJS preload (once per process) and makes ESM imports
// of pg, ws, openai, ... instrumented through import-in-the-middle, for the modules of the
// configured instrumentations only (from the instrumentation table).
//
// Where Node's synchronous, in-thread `module.registerHooks()` can run the loader
// (Node >= 22.22.3, >= 24.11.1, >= 26), it is used: `module.register()` is deprecated
// there (DEP0205 on Node 26) and costs a loader thread. Each instrumentation then waits
// for the first import of its library, and import-in-the-middle's hook itself is loaded
// only when an import first needs it (~30 ms saved by processes that never do). Older
// 22.x lines keep `module.register()`, which they do not deprecate, registered before
// agentmeter starts, and turn every instrumentation on at start.
import { createRequire, register } from 'node:module';

const require = createRequire(import.meta.url);
const KEY = Symbol.for('agentmeter.sdk.esm-hook');
let sync;
if (!globalThis[KEY]) {
  const include = require('./dist/preload.js').esmHookPlan();
  if (include) {
    const esmHook = require('./dist/esm-hook.js');
    if (esmHook.syncHooksSupported()) {
      esmHook.feedEsmResolutions();
      sync = () => esmHook.registerLazyIitmHook(include);
      globalThis[KEY] = 'sync';
    } else {
      register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include } });
      globalThis[KEY] = 'async';
    }
  }
}
require('./dist/register.js');
// In-thread, the one hook (dist/esm-hook.js: the lazy enabling, then import-in-the-middle
// loaded on first need) is registered once agentmeter's own modules have loaded: they do
// not go through it, and it sees every import of the app.
sync?.();
