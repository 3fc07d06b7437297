/** Instrumentation scope name (the OpenTelemetry meter name). */
export const PACKAGE_NAME = '@agentmeter/instrumentation-mcp';
/** Instrumentation scope version. */
export const PACKAGE_VERSION = '0.1.0';
/** npm package this instrumentation patches. */
export const MODULE_NAME = '@modelcontextprotocol/sdk';
/** @modelcontextprotocol/sdk versions patched (1.32.2 is tested). */
export const SUPPORTED_VERSIONS = '>=1.0.0 <2';
/** The 2.x split packages; each bundles its own `Protocol` class and exports it. */
export const MODULE_NAMES_V2: readonly string[] = ['@modelcontextprotocol/client', '@modelcontextprotocol/server'];
/** @modelcontextprotocol/client and /server versions patched (2.4.0 is tested). */
export const SUPPORTED_VERSIONS_V2 = '>=2.0.0 <3';
/**
 * The files holding the `Protocol` base class of `Client` and `Server`. The CommonJS file is
 * hooked by name (the SDK has no CommonJS main entry, so a package-level require hook cannot
 * tell its internal files apart); the ESM one through import-in-the-middle.
 */
/** (require-in-the-middle matches internal files without their `.js` extension.) */
export const PROTOCOL_FILE_CJS = `${MODULE_NAME}/dist/cjs/shared/protocol`;
export const PROTOCOL_FILE_ESM = `${MODULE_NAME}/dist/esm/shared/protocol.js`;
