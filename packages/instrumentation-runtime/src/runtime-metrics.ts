import * as os from 'node:os';
import * as v8 from 'node:v8';
import { constants as perfConstants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type {
  Attributes,
  BatchObservableResult,
  Histogram,
  Meter,
  MeterProvider,
  Observable,
  ObservableCounter,
  ObservableGauge,
  ObservableUpDownCounter,
} from '@opentelemetry/api';
import { createCatalogueInstrument, createCatalogueObservable, otelApi, report } from '@agentmeter/api';
import {
  ATTR_CPU_MODE,
  ATTR_V8JS_GC_TYPE,
  ATTR_V8JS_HEAP_SPACE_NAME,
  CATALOGUE,
  METRIC_NODEJS_EVENTLOOP_DELAY_MAX,
  METRIC_NODEJS_EVENTLOOP_DELAY_MEAN,
  METRIC_NODEJS_EVENTLOOP_DELAY_MIN,
  METRIC_NODEJS_EVENTLOOP_DELAY_P50,
  METRIC_NODEJS_EVENTLOOP_DELAY_P90,
  METRIC_NODEJS_EVENTLOOP_DELAY_P99,
  METRIC_PROCESS_CPU_TIME,
  METRIC_PROCESS_CPU_UTILIZATION,
  METRIC_PROCESS_MEMORY_USAGE,
  METRIC_PROCESS_UPTIME,
  METRIC_V8JS_GC_DURATION,
  METRIC_V8JS_MEMORY_HEAP_LIMIT,
  METRIC_V8JS_MEMORY_HEAP_USED,
} from '@agentmeter/semconv';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import type { RuntimeMetricsConfig } from './types';

const USER: Attributes = Object.freeze({ [ATTR_CPU_MODE]: 'user' });
const SYSTEM: Attributes = Object.freeze({ [ATTR_CPU_MODE]: 'system' });

/** PerformanceEntry 'gc' detail.kind → v8js.gc.type. */
const GC_TYPES: ReadonlyMap<number, Attributes> = new Map<number, Attributes>([
  [perfConstants.NODE_PERFORMANCE_GC_MAJOR, Object.freeze({ [ATTR_V8JS_GC_TYPE]: 'major' })],
  [perfConstants.NODE_PERFORMANCE_GC_MINOR, Object.freeze({ [ATTR_V8JS_GC_TYPE]: 'minor' })],
  [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL, Object.freeze({ [ATTR_V8JS_GC_TYPE]: 'incremental' })],
  [perfConstants.NODE_PERFORMANCE_GC_WEAKCB, Object.freeze({ [ATTR_V8JS_GC_TYPE]: 'weakcb' })],
]);

const heapSpaceAttrs = new Map<string, Attributes>();
function heapSpace(name: string): Attributes {
  let a = heapSpaceAttrs.get(name);
  if (a === undefined) {
    a = Object.freeze({ [ATTR_V8JS_HEAP_SPACE_NAME]: name });
    heapSpaceAttrs.set(name, a);
  }
  return a;
}

function cores(): number {
  try {
    const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    return n > 0 ? n : 1;
  } catch {
    return 1;
  }
}

interface Observables {
  readonly meter: Meter;
  readonly cpuTime: ObservableCounter;
  readonly cpuUtilization: ObservableGauge;
  readonly memory: ObservableUpDownCounter;
  readonly uptime: ObservableGauge;
  readonly delay: readonly [ObservableGauge, ObservableGauge, ObservableGauge, ObservableGauge, ObservableGauge, ObservableGauge];
  readonly heapUsed: ObservableUpDownCounter;
  readonly heapLimit: ObservableUpDownCounter;
  readonly gcDuration: Histogram;
  readonly all: Observable[];
}

function createObservables(meter: Meter): Observables {
  const delay = [
    createCatalogueObservable(meter, CATALOGUE[METRIC_NODEJS_EVENTLOOP_DELAY_MIN]),
    createCatalogueObservable(meter, CATALOGUE[METRIC_NODEJS_EVENTLOOP_DELAY_MAX]),
    createCatalogueObservable(meter, CATALOGUE[METRIC_NODEJS_EVENTLOOP_DELAY_MEAN]),
    createCatalogueObservable(meter, CATALOGUE[METRIC_NODEJS_EVENTLOOP_DELAY_P50]),
    createCatalogueObservable(meter, CATALOGUE[METRIC_NODEJS_EVENTLOOP_DELAY_P90]),
    createCatalogueObservable(meter, CATALOGUE[METRIC_NODEJS_EVENTLOOP_DELAY_P99]),
  ] as const;
  const r = {
    meter,
    cpuTime: createCatalogueObservable(meter, CATALOGUE[METRIC_PROCESS_CPU_TIME]),
    cpuUtilization: createCatalogueObservable(meter, CATALOGUE[METRIC_PROCESS_CPU_UTILIZATION]),
    memory: createCatalogueObservable(meter, CATALOGUE[METRIC_PROCESS_MEMORY_USAGE]),
    uptime: createCatalogueObservable(meter, CATALOGUE[METRIC_PROCESS_UPTIME]),
    delay,
    heapUsed: createCatalogueObservable(meter, CATALOGUE[METRIC_V8JS_MEMORY_HEAP_USED]),
    heapLimit: createCatalogueObservable(meter, CATALOGUE[METRIC_V8JS_MEMORY_HEAP_LIMIT]),
    gcDuration: createCatalogueInstrument(meter, CATALOGUE[METRIC_V8JS_GC_DURATION]),
  };
  return { ...r, all: [r.cpuTime, r.cpuUtilization, r.memory, r.uptime, ...delay, r.heapUsed, r.heapLimit] };
}

/**
 * Default interval of the event-loop delay sampler (ms). Its timer wakes an otherwise idle
 * process on every tick: at 10 ms (prom-client's and OpenTelemetry's default) that was most
 * of the runtime metrics' CPU cost in a server at 1,000 requests/s (docs/performance.md,
 * run L); blocks long enough to matter (the alert rule is p99 > 100 ms) are still seen.
 */
const DEFAULT_RESOLUTION_MS = 20;

/**
 * Process and runtime metrics (OpenTelemetry semantic-convention names):
 * `process.cpu.time`, `process.cpu.utilization`, `process.memory.usage` (rss),
 * `process.uptime`, `nodejs.eventloop.delay.{min,max,mean,p50,p90,p99}`,
 * `v8js.gc.duration`, `v8js.memory.heap.used` / `.limit` by heap space.
 *
 * Everything but GC is read in one batch observable callback at collection time (a
 * scrape), so the cost between scrapes is the event-loop delay sampler and the GC
 * observer only. `enable()` / `start()` is idempotent; `disable()` / `stop()` removes
 * the callback, the sampler and the observer, so nothing is left running or keeping
 * the process alive.
 *
 * This is the whole of the runtime instrumentation without @opentelemetry/instrumentation
 * (nothing to patch): the sdk's preload loads it from `@agentmeter/instrumentation-runtime/metrics`
 * to keep start-up small; {@link RuntimeInstrumentation} is the same as an InstrumentationBase.
 *
 * Event-loop delay and CPU utilization are "since the previous collection": with two
 * readers collecting at different intervals, each sees the interval since the other's.
 */
export class RuntimeMetrics {
  private readonly _config: RuntimeMetricsConfig;
  private _meter: Meter;
  private _obs: Observables | undefined;
  private _registered: Observables | undefined;
  private _active = false;
  private _eld: ReturnType<typeof monitorEventLoopDelay> | undefined;
  private _gc: PerformanceObserver | undefined;
  private _lastCpu: NodeJS.CpuUsage = process.cpuUsage();
  private _lastTime: bigint = process.hrtime.bigint();
  private _lastUtil: [number, number] = [0, 0];
  private readonly _cores = cores();
  private readonly _collect = (result: BatchObservableResult): void => this._observe(result);

  constructor(config: RuntimeMetricsConfig = {}) {
    this._config = { ...config };
    this._meter = (config.meterProvider ?? otelApi().metrics.getMeterProvider()).getMeter(PACKAGE_NAME, PACKAGE_VERSION);
    this._obs = createObservables(this._meter);
    if (config.enabled !== false) this.enable();
  }

  /** Record into this provider from now on (moves the instruments and the callback). */
  setMeterProvider(meterProvider: MeterProvider): void {
    this.setMeter(meterProvider.getMeter(PACKAGE_NAME, PACKAGE_VERSION));
  }

  /** Record with this meter from now on (moves the instruments and the callback). */
  setMeter(meter: Meter): void {
    this._meter = meter;
    this._unregister();
    this._obs = createObservables(meter);
    if (this._active) this._register();
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
  isEnabled(): boolean {
    return this._active;
  }

  enable(): void {
    if (this._active) return;
    this._active = true;
    try {
      this._lastCpu = process.cpuUsage();
      this._lastTime = process.hrtime.bigint();
      const resolution = Math.max(1, Math.floor(this._config.eventLoopDelayResolutionMs ?? DEFAULT_RESOLUTION_MS));
      this._eld = monitorEventLoopDelay({ resolution });
      this._eld.enable();
      if (this._config.gc !== false) this._startGc();
      this._register();
    } catch (e) {
      report('AGENTMETER_INSTRUMENTATION_FAILED', 'runtime', `runtime metrics could not start: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  disable(): void {
    if (!this._active) return;
    this._active = false;
    try {
      this._unregister();
      this._eld?.disable();
      this._eld = undefined;
      this._gc?.disconnect();
      this._gc = undefined;
    } catch (e) {
      report('AGENTMETER_INSTRUMENTATION_FAILED', 'runtime-stop', `runtime metrics did not stop cleanly: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  private _register(): void {
    const obs = this._obs;
    if (!obs || this._registered) return;
    obs.meter.addBatchObservableCallback(this._collect, obs.all);
    this._registered = obs;
  }

  private _unregister(): void {
    const obs = this._registered;
    if (!obs) return;
    this._registered = undefined;
    obs.meter.removeBatchObservableCallback(this._collect, obs.all);
  }

  private _startGc(): void {
    const gc = new PerformanceObserver((list) => {
      const h = this._obs?.gcDuration;
      if (!h || !this._active) return;
      for (const entry of list.getEntries()) {
        const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
        const attrs = kind === undefined ? undefined : GC_TYPES.get(kind);
        if (attrs) h.record(entry.duration / 1000, attrs);
      }
    });
    gc.observe({ entryTypes: ['gc'] });
    this._gc = gc;
  }

  private _observe(result: BatchObservableResult): void {
    const obs = this._registered;
    if (!obs) return;
    // CPU
    const cpu = process.cpuUsage();
    const now = process.hrtime.bigint();
    result.observe(obs.cpuTime, cpu.user / 1e6, USER);
    result.observe(obs.cpuTime, cpu.system / 1e6, SYSTEM);
    const elapsedUs = Number(now - this._lastTime) / 1000;
    if (elapsedUs >= 1000) {
      const capacity = elapsedUs * this._cores;
      this._lastUtil = [
        Math.min(1, Math.max(0, (cpu.user - this._lastCpu.user) / capacity)),
        Math.min(1, Math.max(0, (cpu.system - this._lastCpu.system) / capacity)),
      ];
      this._lastCpu = cpu;
      this._lastTime = now;
    }
    result.observe(obs.cpuUtilization, this._lastUtil[0], USER);
    result.observe(obs.cpuUtilization, this._lastUtil[1], SYSTEM);
    // memory, uptime
    result.observe(obs.memory, process.memoryUsage.rss());
    result.observe(obs.uptime, process.uptime());
    // event loop delay (ns → s), reset after each collection
    const eld = this._eld;
    if (eld && eld.count > 0) {
      const [min, max, mean, p50, p90, p99] = obs.delay;
      result.observe(min, eld.min / 1e9);
      result.observe(max, eld.max / 1e9);
      result.observe(mean, eld.mean / 1e9);
      result.observe(p50, eld.percentile(50) / 1e9);
      result.observe(p90, eld.percentile(90) / 1e9);
      result.observe(p99, eld.percentile(99) / 1e9);
      eld.reset();
    }
    // V8 heap spaces
    for (const s of v8.getHeapSpaceStatistics()) {
      const a = heapSpace(s.space_name);
      result.observe(obs.heapUsed, s.space_used_size, a);
      result.observe(obs.heapLimit, s.space_size, a);
    }
  }
}

