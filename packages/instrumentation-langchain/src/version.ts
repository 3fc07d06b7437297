/** npm package this instrumentation hooks. */
export const MODULE_NAME = '@langchain/core';
/** @langchain/core versions supported (1.4.0 is tested, with langchain 1.5 and @langchain/openai 1.6). */
export const SUPPORTED_VERSIONS = '>=1.0.0 <2';
/** The files of @langchain/core holding CallbackManager (CommonJS and ES module builds). */
export const MANAGER_FILES = ['@langchain/core/dist/callbacks/manager.cjs', '@langchain/core/dist/callbacks/manager.js'] as const;
/** Instrumentation (scope) name. */
export const PACKAGE_NAME = '@agentmeter/instrumentation-langchain';
/** Instrumentation version. */
export const PACKAGE_VERSION = '0.1.0';
