/**
 * @agentmeter/instrumentation-google-genai: zero-code GenAI metrics for the `@google/genai`
 * client (Gemini Developer API and Vertex AI).
 */
export { GoogleGenAIInstrumentation } from './instrumentation';
export type { GoogleGenAIInstrumentationConfig } from './types';
