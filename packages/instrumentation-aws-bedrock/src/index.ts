/**
 * @agentmeter/instrumentation-aws-bedrock: zero-code GenAI metrics for the AWS SDK v3
 * Bedrock Runtime client (`@aws-sdk/client-bedrock-runtime`).
 */
export { BedrockInstrumentation } from './instrumentation';
export type { BedrockInstrumentationConfig } from './types';
