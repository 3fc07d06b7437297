// ESM preload: `node --import @agentmeter/sdk/register app.mjs`.
// Registers import-in-the-middle's loader hook (only for the modules agentmeter patches)
// before the app loads, so ESM imports of pg, ws, openai and @anthropic-ai/sdk are
// instrumented, then starts agentmeter through the CommonJS preload (once per process).
//
// Where Node's synchronous, in-thread `module.registerHooks()` can run the loader
// (Node >= 22.22.3, >= 24.11.1, >= 26), it is used: `module.register()` is deprecated
// there (DEP0205 on Node 26) and costs a loader thread. Older 22.x lines keep
// `module.register()`, which they do not deprecate.
import { createRequire, register } from 'node:module';

const require = createRequire(import.meta.url);
const KEY = Symbol.for('agentmeter.sdk.esm-hook');
const include = [
  'pg', 'pg-pool', 'ws', 'openai', '@anthropic-ai/sdk',
  '@google/genai', '@aws-sdk/client-bedrock-runtime',
  '@modelcontextprotocol/client', '@modelcontextprotocol/server',
  'hono', 'ai', '@langchain/core', '@langchain/core/callbacks/manager', '@openai/agents-core',
  // MCP 1.x: the SDK's Protocol base class is imported by relative path inside the package
  /\/@modelcontextprotocol\/sdk\/dist\/esm\/shared\/protocol\.js$/,
];
if (!globalThis[KEY] && !/^(0|false|no|off)$/i.test(process.env.AGENTMETER_ENABLED ?? '')) {
  globalThis[KEY] = true;
  const iitm = require.resolve('import-in-the-middle/package.json', {
    paths: [require.resolve('@opentelemetry/instrumentation')],
  });
  const { supportsSyncHooks } = await import(new URL('supports-sync-hooks.mjs', `file://${iitm}`).href);
  if (supportsSyncHooks()) {
    const { register: registerSync } = await import(new URL('register-hooks.mjs', `file://${iitm}`).href);
    registerSync({ include });
  } else {
    register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include } });
  }
}
require('./dist/register.js');
