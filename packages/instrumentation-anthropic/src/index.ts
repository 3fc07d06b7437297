/**
 * @agentmeter/instrumentation-anthropic: zero-code GenAI metrics for `@anthropic-ai/sdk`.
 */
export { AnthropicInstrumentation, PACKAGE_NAME, PACKAGE_VERSION, PATCHED } from './instrumentation';
export type { AnthropicInstrumentationConfig } from './types';
export { MODULE_NAME, SUPPORTED_VERSIONS, PATCH_TARGETS } from './semconv';
export type { PatchTarget, PatchMode } from './internal-types';
