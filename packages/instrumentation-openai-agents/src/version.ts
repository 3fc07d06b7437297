/** npm package this instrumentation hooks (the core of `@openai/agents`). */
export const MODULE_NAME = '@openai/agents-core';
/** @openai/agents-core versions supported (0.20.0 is tested, through @openai/agents 0.20.0). */
export const SUPPORTED_VERSIONS = '>=0.1.0 <1';
/** Instrumentation (scope) name. */
export const PACKAGE_NAME = '@agentmeter/instrumentation-openai-agents';
/** Instrumentation version. */
export const PACKAGE_VERSION = '0.1.0';
