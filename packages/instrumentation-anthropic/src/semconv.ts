import { GEN_AI_OPERATION_NAME_VALUES as OP } from '@agentmeter/semconv';
import type { PatchTarget } from './internal-types';

/** npm package this instrumentation patches. */
export const MODULE_NAME = '@anthropic-ai/sdk';
/** @anthropic-ai/sdk versions the module definition accepts (1.12.0 is tested). */
export const SUPPORTED_VERSIONS = ['>=0.20.0 <2'];

/** Methods patched, relative to the exported `Anthropic` class. */
export const PATCH_TARGETS: readonly PatchTarget[] = [
  { path: ['Messages'], method: 'create', operation: OP.CHAT, mode: 'record' },
  { path: ['Messages'], method: 'stream', operation: OP.CHAT, mode: 'mark' },
  { path: ['Beta', 'Messages'], method: 'create', operation: OP.CHAT, mode: 'record' },
  { path: ['Beta', 'Messages'], method: 'stream', operation: OP.CHAT, mode: 'mark' },
  { path: ['Completions'], method: 'create', operation: OP.TEXT_COMPLETION, mode: 'record' },
];
