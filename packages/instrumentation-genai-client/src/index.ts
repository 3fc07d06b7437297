/**
 * @agentmeter/instrumentation-genai-client: the shared base of the GenAI client SDK
 * instrumentations. An instrumentation is an adapter: which methods to patch, how to read
 * the request and the provider, and (through an `LlmAdapter`) usage from results and stream
 * chunks; this package patches, observes promises and streams, and records.
 */
export { GenAiInstrumentation, GenAiClientInstrumentation } from './instrumentation';
export type { GenAiModule, GenAiClientInstrumentationConfig, GenAiClientTarget, GenAiClientSpec, GenAiClientCall } from './instrumentation';
export { observeGenAiCall, recordGenAiOutcome, observeAsyncIterable } from './observe';
export type { GenAiCallOptions, GenAiCallOutcome } from './observe';
export { observeClientPromise, wrapClientStream } from './client-promise';
export type { ClientPromiseObserver } from './client-promise';
export { findClientClass, patchClientPrototypes, unpatchClientPrototypes } from './client-patch';
export type { ClientMethod, ClientPatchTarget } from './client-patch';
