import { SUPPORTED_RANGES } from './version';
import { GEN_AI_OPERATION_NAME_VALUES as OP } from '@agentmeter/semconv';
import type { PatchTarget } from './internal-types';

/** npm package this instrumentation patches. */
export const MODULE_NAME = 'openai';
/** openai versions instrumented (from package.json "agentmeter.instruments"); others get a warning. */
export const SUPPORTED_VERSIONS: readonly string[] = Object.freeze([SUPPORTED_RANGES[MODULE_NAME]!]);

/** Methods patched, relative to the exported `OpenAI` class. */
export const PATCH_TARGETS: readonly PatchTarget[] = [
  { path: ['Chat', 'Completions'], method: 'create', operation: OP.CHAT, kind: 'llm' },
  { path: ['Completions'], method: 'create', operation: OP.TEXT_COMPLETION, kind: 'llm' },
  { path: ['Responses'], method: 'create', operation: OP.CHAT, kind: 'llm' },
  { path: ['Embeddings'], method: 'create', operation: OP.EMBEDDINGS, kind: 'llm' },
  { path: ['Images'], method: 'generate', operation: OP.GENERATE_CONTENT, kind: 'llm' },
  { path: ['Images'], method: 'edit', operation: OP.GENERATE_CONTENT, kind: 'llm' },
  { path: ['Audio', 'Speech'], method: 'create', operation: OP.TEXT_TO_SPEECH, kind: 'text_to_speech' },
  { path: ['Audio', 'Transcriptions'], method: 'create', operation: OP.SPEECH_TO_TEXT, kind: 'speech_to_text' },
  { path: ['Audio', 'Translations'], method: 'create', operation: OP.SPEECH_TO_TEXT, kind: 'speech_to_text' },
];

/** baseURL host fragments of OpenAI-compatible providers → gen_ai.provider.name. */
export const PROVIDER_BY_HOST: readonly (readonly [string, string])[] = [
  ['openai.azure.com', 'azure.ai.openai'],
  ['groq.com', 'groq'],
  ['deepseek.com', 'deepseek'],
  ['mistral.ai', 'mistral_ai'],
  ['x.ai', 'x_ai'],
  ['perplexity.ai', 'perplexity'],
  ['generativelanguage.googleapis.com', 'gcp.gemini'],
  ['cohere', 'cohere'],
];
