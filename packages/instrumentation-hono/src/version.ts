/** Instrumentation scope name. */
export const PACKAGE_NAME = '@agentmeter/instrumentation-hono';
/** Instrumentation scope version. */
export const PACKAGE_VERSION = '0.1.0';
