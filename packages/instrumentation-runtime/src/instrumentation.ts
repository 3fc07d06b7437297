import type { MeterProvider } from '@opentelemetry/api';
import { InstrumentationBase, type InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { RuntimeMetrics } from './runtime-metrics';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import type { RuntimeInstrumentationConfig } from './types';

/**
 * Process and runtime metrics (OpenTelemetry semantic-convention names):
 * `process.cpu.time`, `process.cpu.utilization`, `process.memory.usage` (rss),
 * `process.uptime`, `nodejs.eventloop.delay.{min,max,mean,p50,p90,p99}`,
 * `v8js.gc.duration`, `v8js.memory.heap.used` / `.limit` by heap space, as an
 * OpenTelemetry InstrumentationBase (the work is done by {@link RuntimeMetrics}).
 *
 * Everything but GC is read in one batch observable callback at collection time (a
 * scrape), so the cost between scrapes is the event-loop delay sampler and the GC
 * observer only. `enable()` / `start()` is idempotent; `disable()` / `stop()` removes
 * the callback, the sampler and the observer, so nothing is left running or keeping
 * the process alive.
 */
export class RuntimeInstrumentation extends InstrumentationBase<RuntimeInstrumentationConfig> {
  private _metrics: RuntimeMetrics | undefined;

  constructor(config: RuntimeInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, { ...config, enabled: false });
    this.setConfig(config);
    this._metrics = new RuntimeMetrics({ ...config, enabled: false, meterProvider: undefined });
    if (config.meterProvider) this.setMeterProvider(config.meterProvider);
    else this._metrics.setMeter(this.meter);
    if (config.enabled !== false) this.enable();
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return []; // no module to patch
  }

  /** Start recording (same as `enable()`); with a provider, record into it from now on. */
  start(meterProvider?: MeterProvider): void {
    if (meterProvider) this.setMeterProvider(meterProvider);
    this.enable();
  }

  /** Stop recording and release every resource (same as `disable()`). */
  stop(): void {
    this.disable();
  }

  /** True between `enable()`/`start()` and `disable()`/`stop()`. */
  override isEnabled(): boolean {
    return this._metrics?.isEnabled() ?? false;
  }

  override enable(): void {
    this._metrics?.enable();
  }

  override disable(): void {
    this._metrics?.disable();
  }

  /** Called by `setMeterProvider`: move the instruments and the callback to the new meter. */
  protected override _updateMetricInstruments(): void {
    this._metrics?.setMeter(this.meter);
  }
}

/**
 * Start runtime metrics on `meterProvider` (default: the global one); returns a function
 * that stops them.
 */
export function startRuntimeMetrics(config: RuntimeInstrumentationConfig = {}): () => void {
  const inst = new RuntimeInstrumentation({ ...config, enabled: true });
  return () => inst.stop();
}
