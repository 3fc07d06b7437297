import { SUPPORTED_RANGES } from './version';

/** npm package this instrumentation patches. */
export const MODULE_NAME = '@modelcontextprotocol/sdk';
/** @modelcontextprotocol/sdk versions patched (package.json "agentmeter.instruments"). */
export const SUPPORTED_VERSIONS: string = SUPPORTED_RANGES[MODULE_NAME]!;
/** The 2.x split packages; each bundles its own `Protocol` class and exports it. */
export const MODULE_NAMES_V2: readonly string[] = ['@modelcontextprotocol/client', '@modelcontextprotocol/server'];
/** @modelcontextprotocol/client and /server versions patched (package.json "agentmeter.instruments"). */
export const SUPPORTED_VERSIONS_V2: string = SUPPORTED_RANGES['@modelcontextprotocol/client']!;
/**
 * The files holding the `Protocol` base class of `Client` and `Server`. The CommonJS file is
 * hooked by name (the SDK has no CommonJS main entry, so a package-level require hook cannot
 * tell its internal files apart); the ESM one through import-in-the-middle.
 * (require-in-the-middle matches internal files without their `.js` extension.)
 */
export const PROTOCOL_FILE_CJS = `${MODULE_NAME}/dist/cjs/shared/protocol`;
export const PROTOCOL_FILE_ESM = `${MODULE_NAME}/dist/esm/shared/protocol.js`;
