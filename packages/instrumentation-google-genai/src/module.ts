import { SUPPORTED_RANGES } from './version';

/** npm package this instrumentation patches. */
export const MODULE_NAME = '@google/genai';
/** @google/genai versions patched (package.json "agentmeter.instruments"; `npm run test:versions` tests the oldest and newest). */
export const SUPPORTED_VERSIONS: string = SUPPORTED_RANGES[MODULE_NAME]!;
