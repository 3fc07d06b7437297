/**
 * @agentmeter/instrumentation-openai: zero-code GenAI metrics for the `openai` client.
 */
export { OpenAIInstrumentation, PACKAGE_NAME, PACKAGE_VERSION, PATCHED } from './instrumentation';
export type { OpenAIInstrumentationConfig } from './types';
export { MODULE_NAME, SUPPORTED_VERSIONS, PATCH_TARGETS } from './semconv';
export type { PatchTarget, CallKind } from './internal-types';
