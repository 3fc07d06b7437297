// Preload for bench/http.mjs --frameworks, mode otel: OpenTelemetry's instrumentation-http
// and instrumentation-express (which gives instrumentation-http its http.route) with a
// MeterProvider read by the Prometheus exporter (no server), metrics only: no tracer
// provider is registered, so spans are non-recording (the instrumentations still build them).
'use strict';
const { metrics } = require('@opentelemetry/api');
const { MeterProvider } = require('@opentelemetry/sdk-metrics');
const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');

const exporter = new PrometheusExporter({ preventServerStart: true });
const meterProvider = new MeterProvider({ readers: [exporter] });
metrics.setGlobalMeterProvider(meterProvider);
registerInstrumentations({ meterProvider, instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()] });
globalThis.__benchOtelExporter = exporter;
