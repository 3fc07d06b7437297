import { metrics, type MeterProvider } from '@opentelemetry/api';
import { enablePgInstrumentation, type PgHandle } from './otel-pg';
import type { PgInstrumentationConfig } from './types';

/**
 * Postgres (`pg`) metrics: `db.client.operation.duration` with `db.operation.name` and
 * `db.collection.name`, and the pool's `db.client.connection.*`, through
 * @opentelemetry/instrumentation-pg with its meter pointed at the given provider. It
 * patches `pg` when it is loaded after `enable()`.
 *
 * The standard shape the sdk's instrumentation table uses: `new PgInstrumentation({ enabled: false })`,
 * `setMeterProvider()`, `enable()`, `disable()`. @opentelemetry/instrumentation-pg is
 * loaded on the first `enable()`, not with this package.
 */
export class PgInstrumentation {
  private provider: MeterProvider | undefined;
  private handle: PgHandle | undefined;

  constructor(config: PgInstrumentationConfig = {}) {
    this.provider = config.meterProvider;
    if (config.enabled !== false) this.enable();
  }

  /** Record into this provider from now on. */
  setMeterProvider(provider: MeterProvider): void {
    this.provider = provider;
    this.handle?.setMeterProvider(provider);
  }

  /** True between `enable()` and `disable()`. */
  isEnabled(): boolean {
    return this.handle !== undefined;
  }

  /** Patch `pg` (on its next load) and record (idempotent). */
  enable(): void {
    if (!this.handle) this.handle = enablePgInstrumentation(this.provider ?? metrics.getMeterProvider());
  }

  /** Unpatch and stop recording. */
  disable(): void {
    this.handle?.disable();
    this.handle = undefined;
  }
}
