import { SUPPORTED_RANGES } from './version';

/** npm package this instrumentation hooks. */
export const MODULE_NAME = '@langchain/core';
/** @langchain/core versions supported (package.json "agentmeter.instruments"). */
export const SUPPORTED_VERSIONS: string = SUPPORTED_RANGES[MODULE_NAME]!;
/** The files of @langchain/core holding CallbackManager (CommonJS and ES module builds). */
export const MANAGER_FILES = ['@langchain/core/dist/callbacks/manager.cjs', '@langchain/core/dist/callbacks/manager.js'] as const;
