export { DIAGNOSTIC_CHANNEL, report, resetDiagnostics, setDiagnosticWarnings } from './diagnostics';
export type { Diagnostic } from './diagnostics';
export { CatalogueInstruments, createCatalogueInstrument, validMeasure, compact } from './instruments';
export type { SyncInstrument } from './instruments';
export { GEN_AI_USAGE_CHANNEL, publishGenAiUsage, onGenAiUsage } from './usage';
export type { GenAiUsageEvent } from './usage';
export { checkSupportedVersion, satisfiesRange, versionInRange, versionSatisfies } from './supported';
export { HTTP_ROUTE, MAX_HTTP_ROUTE_LENGTH, setHttpRoute, getHttpRoute, invalidHttpRoute, storeHttpRoute } from './http-route';
export { classifyError } from './errors';
