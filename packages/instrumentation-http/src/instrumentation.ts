import type { Server } from 'node:http';
import { InstrumentationBase, type InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { HttpDiagnosticsMetrics } from './http-metrics';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import type { HttpInstrumentationConfig } from './types';

/**
 * HTTP server and client metrics from Node's `diagnostics_channel` (no patching) as an
 * OpenTelemetry InstrumentationBase: `http.server.request.duration`,
 * `http.server.active_requests`, `http.client.request.duration` (node:http and
 * fetch/undici). The work is done by {@link HttpDiagnosticsMetrics}.
 */
export class HttpInstrumentation extends InstrumentationBase<HttpInstrumentationConfig> {
  private _metrics: HttpDiagnosticsMetrics | undefined;

  constructor(config: HttpInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, { ...config, enabled: false });
    this.setConfig(config);
    this._metrics = new HttpDiagnosticsMetrics(config.meterProvider, { server: config.server, client: config.client, undici: config.undici });
    if (config.meterProvider) this.setMeterProvider(config.meterProvider);
    else this._metrics.setMeter(this.meter);
    if (config.enabled !== false) this.enable();
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return []; // no module to patch
  }

  /** Requests to this server (e.g. a metrics server) are not recorded. */
  ignoreServer(server: Server): void {
    this._metrics?.ignoreServer(server);
  }

  /** True between `enable()` and `disable()`. */
  override isEnabled(): boolean {
    return this._metrics?.isEnabled() ?? false;
  }

  override enable(): void {
    this._metrics?.enable();
  }

  override disable(): void {
    this._metrics?.disable();
  }

  /** Called by `setMeterProvider`: record with the new meter. */
  protected override _updateMetricInstruments(): void {
    this._metrics?.setMeter(this.meter);
  }
}
