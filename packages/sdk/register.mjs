// ESM preload: `node --import @agentmeter/sdk/register app.mjs`.
// Registers import-in-the-middle's loader hook (only for the modules agentmeter patches)
// before the app loads, so ESM imports of pg, ws, openai and @anthropic-ai/sdk are
// instrumented, then starts agentmeter through the CommonJS preload (once per process).
import { createRequire, register } from 'node:module';

const KEY = Symbol.for('agentmeter.sdk.esm-hook');
if (!globalThis[KEY] && !/^(0|false|no|off)$/i.test(process.env.AGENTMETER_ENABLED ?? '')) {
  globalThis[KEY] = true;
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
    data: { include: ['pg', 'pg-pool', 'ws', 'openai', '@anthropic-ai/sdk'] },
  });
}
createRequire(import.meta.url)('./dist/register.js');
