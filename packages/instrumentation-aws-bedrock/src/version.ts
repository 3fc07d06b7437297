/** Instrumentation scope name. */
export const PACKAGE_NAME = '@agentmeter/instrumentation-aws-bedrock';
/** Instrumentation scope version. */
export const PACKAGE_VERSION = '0.1.0';
/** npm package this instrumentation patches. */
export const MODULE_NAME = '@aws-sdk/client-bedrock-runtime';
/** @aws-sdk/client-bedrock-runtime versions patched (v3; 3.1164.0 is tested). */
export const SUPPORTED_VERSIONS = '>=3.500.0 <4';
