import { SUPPORTED_RANGES } from './version';

/** npm package this instrumentation hooks (the core of `@openai/agents`). */
export const MODULE_NAME = '@openai/agents-core';
/** @openai/agents-core versions supported (package.json "agentmeter.instruments"). */
export const SUPPORTED_VERSIONS: string = SUPPORTED_RANGES[MODULE_NAME]!;
