/** Instrumentation scope name (the OpenTelemetry meter name). */
export const PACKAGE_NAME = '@agentmeter/instrumentation-runtime';
/** Instrumentation scope version. */
export const PACKAGE_VERSION = '0.1.0';
