import { SUPPORTED_RANGES } from './version';
import { GEN_AI_OPERATION_NAME_VALUES as OP } from '@agentmeter/semconv';
import type { PatchTarget } from './internal-types';

/** npm package this instrumentation patches. */
export const MODULE_NAME = '@anthropic-ai/sdk';
/** @anthropic-ai/sdk versions instrumented (from package.json "agentmeter.instruments"); others get a warning. */
export const SUPPORTED_VERSIONS: readonly string[] = Object.freeze([SUPPORTED_RANGES[MODULE_NAME]!]);

/** Methods patched, relative to the exported `Anthropic` class. */
export const PATCH_TARGETS: readonly PatchTarget[] = [
  { path: ['Messages'], method: 'create', operation: OP.CHAT, mode: 'record' },
  { path: ['Messages'], method: 'stream', operation: OP.CHAT, mode: 'mark' },
  { path: ['Beta', 'Messages'], method: 'create', operation: OP.CHAT, mode: 'record' },
  { path: ['Beta', 'Messages'], method: 'stream', operation: OP.CHAT, mode: 'mark' },
  { path: ['Completions'], method: 'create', operation: OP.TEXT_COMPLETION, mode: 'record' },
];
