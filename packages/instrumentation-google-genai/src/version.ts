/** Instrumentation scope name. */
export const PACKAGE_NAME = '@agentmeter/instrumentation-google-genai';
/** Instrumentation scope version. */
export const PACKAGE_VERSION = '0.1.0';
/** npm package this instrumentation patches. */
export const MODULE_NAME = '@google/genai';
/** @google/genai versions patched: the previous major and the current one (2.32.0 and 3.3.0 are tested). */
export const SUPPORTED_VERSIONS = '>=2.0.0 <4';
