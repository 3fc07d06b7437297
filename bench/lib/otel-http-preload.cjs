// Preload for bench/http.mjs mode otel-http: OpenTelemetry's instrumentation-http with a
// MeterProvider read by the Prometheus exporter (no server), metrics only: no tracer
// provider is registered, so spans are non-recording (the instrumentation still builds them).
'use strict';
const { metrics } = require('@opentelemetry/api');
const { MeterProvider } = require('@opentelemetry/sdk-metrics');
const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');

const exporter = new PrometheusExporter({ preventServerStart: true });
const meterProvider = new MeterProvider({ readers: [exporter] });
metrics.setGlobalMeterProvider(meterProvider);
registerInstrumentations({ meterProvider, instrumentations: [new HttpInstrumentation()] });
globalThis.__benchOtelExporter = exporter;
