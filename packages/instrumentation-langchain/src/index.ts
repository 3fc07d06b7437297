/**
 * @agentmeter/instrumentation-langchain: zero-code tool, agent and model metrics for
 * LangChain.js 1.x (`@langchain/core`) through its callback system.
 */
export { LangChainInstrumentation } from './instrumentation';
export type { LangChainInstrumentationConfig } from './types';
