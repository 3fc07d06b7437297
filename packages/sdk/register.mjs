// ESM preload: `node --import @agentmeter/sdk/register app.mjs`.
// Registers import-in-the-middle's loader hook (only for the modules of the configured
// instrumentations, from the instrumentation table) before the app loads, so ESM imports
// of pg, ws, openai, ... are instrumented, then starts agentmeter through the CommonJS
// preload (once per process).
//
// Where Node's synchronous, in-thread `module.registerHooks()` can run the loader
// (Node >= 22.22.3, >= 24.11.1, >= 26), it is used: `module.register()` is deprecated
// there (DEP0205 on Node 26) and costs a loader thread; each instrumentation then waits
// for the first import of its library, and import-in-the-middle's hook itself is loaded
// only when an import first needs it (~30 ms saved by processes that never do). Older 22.x lines keep `module.register()`, which
// they do not deprecate, and turn every instrumentation on at start.
import { createRequire, register } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);
const KEY = Symbol.for('agentmeter.sdk.esm-hook');
if (!globalThis[KEY]) {
  const include = require('./dist/preload.js').esmHookPlan();
  if (include) {
    const iitm = require.resolve('import-in-the-middle/package.json', {
      paths: [require.resolve('@opentelemetry/instrumentation')],
    });
    const { supportsSyncHooks } = await import(new URL('supports-sync-hooks.mjs', `file://${iitm}`).href);
    if (supportsSyncHooks()) {
      // import-in-the-middle's hook itself is loaded when an import first needs it (dist/esm-hook.js)
      require('./dist/esm-hook.js').registerLazyIitmHook(include, dirname(iitm));
      globalThis[KEY] = 'sync';
    } else {
      register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include } });
      globalThis[KEY] = 'async';
    }
  }
}
// The loader hook is registered before agentmeter starts: the lazy enabling's own resolve
// hook (registered by start()) must run first, outside import-in-the-middle's (inside it,
// enabling an instrumentation mid-resolve makes import-in-the-middle fail to wrap the
// module: the ESM end-to-end test of the Agents SDK caught it).
require('./dist/register.js');
