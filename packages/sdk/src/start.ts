import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Meter } from '@opentelemetry/api';
import { Registry, RegistryMetricProducer, serializeAsync } from '@agentmeter/core';
import { onGenAiUsage, report, setGenAiMetrics } from '@agentmeter/api';
import type { CostTracker } from '@agentmeter/cost';
import { ConfigError, resolveConfig, type ResolvedConfig, type StartOptions } from './config';
import { HttpDiagnosticsMetrics } from '@agentmeter/instrumentation-http/metrics';
import { enableInstrumentations, type EnableMode, type Enabled } from './instrumentations';
import { isMainThread } from 'node:worker_threads';
import * as dc from 'node:diagnostics_channel';
import { randomUUID } from 'node:crypto';
import type { ProcessTreeMetrics } from './multiprocess';
import { createMetricsHandler } from './server';
import { cancelPendingGlobal, setGlobalMeterProviderLazily } from './global-provider';
import { takePlannedConfig } from './preload';

const GLOBAL_KEY = Symbol.for('agentmeter.sdk.handle');
/** Longest the SIGTERM handler waits for the final OTLP export. */
const SIGTERM_FLUSH_MS = 5000;

/** What `start()` returns. */
export interface AgentmeterHandle {
  /** False when AGENTMETER_ENABLED=false / enabled:false: nothing is recorded or served. */
  readonly enabled: boolean;
  readonly config: ResolvedConfig;
  /** agentmeter's MeterProvider; also the global one (registered when @opentelemetry/api is first used), unless another was set first. */
  readonly meterProvider: Registry;
  /** A meter for the app's own metrics, scoped by service.name. */
  readonly meter: Meter;
  /** Serves the Prometheus exposition; mount it on your own server (auth as configured). */
  readonly metricsHandler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Resolves with the metrics server's address once listening (undefined without a server); rejects if the port is taken. */
  readonly ready: Promise<{ host: string; port: number; url: string } | undefined>;
  /**
   * The metrics server, when agentmeter serves its own. Under the preloads it is created on
   * the first turn of the event loop (a script that ends before never opens the port): read
   * it after `await handle.ready`.
   */
  readonly server: Server | undefined;
  /** The cost tracker recording gen_ai.client.cost (undefined with cost: false): totals(), estimateMonthlyCost(). */
  readonly costTracker: CostTracker | undefined;
  /** The current exposition text (what a scrape would return). */
  metrics(): Promise<string>;
  /** Push pending OTLP data (no-op without OTLP). */
  forceFlush(): Promise<void>;
  /** Stop serving, turn instrumentations off, flush OTLP. Safe to call twice. */
  shutdown(): Promise<void>;
}

function current(): AgentmeterHandle | undefined {
  return (globalThis as Record<symbol, AgentmeterHandle | undefined>)[GLOBAL_KEY];
}

/** The handle of the running agentmeter, if one was started in this process. */
export function getHandle(): AgentmeterHandle | undefined {
  return current();
}

/**
 * Start agentmeter: one MeterProvider (set as the global one), the instrumentations, a
 * Prometheus endpoint, and optionally an OTLP exporter. Configuration errors throw a
 * ConfigError naming the setting. Starting twice returns the running instance.
 */
export function start(options: StartOptions = {}): AgentmeterHandle {
  return startWith(options, 'eager');
}

/** Published by Node (22, 24, 26) inside any server's listen() call, before it binds. */
const APP_LISTENS = 'tracing:net.server.listen:asyncStart';

/** Set by register.mjs: how its ESM loader runs (`sync`: in-thread, `async`: a loader thread). */
const ESM_HOOK_KEY = Symbol.for('agentmeter.sdk.esm-hook');

/**
 * The preloads' start: nothing of the app has loaded yet, so each instrumentation waits
 * for the first load of a library it instruments (issue 18: a process pays only for what
 * it uses). An ESM loader in a separate thread cannot tell this thread what is imported:
 * then every instrumentation is turned on now.
 */
export function startFromPreload(): AgentmeterHandle {
  const esm = (globalThis as Record<symbol, unknown>)[ESM_HOOK_KEY];
  return startWith({}, esm === 'async' ? 'eager' : esm === 'sync' ? 'lazy-esm' : 'lazy', takePlannedConfig(), true);
}

/**
 * `deferServer` (the preloads): the metrics server and the process tree are set up on the
 * first turn of the event loop (an unref'd setImmediate) or when the app's own server
 * starts to listen, whichever comes first, not at start. The port was bound asynchronously
 * anyway; what changes is that a script that ends before its first turn (a CLI tool, a
 * short job) never loads node:http or binds a port nobody could scrape.
 */
function startWith(options: StartOptions, mode: EnableMode, resolved?: ResolvedConfig, deferServer = false): AgentmeterHandle {
  const running = current();
  if (running) {
    report('AGENTMETER_ALREADY_STARTED', 'start', 'start() called again: returning the running instance (a preload and an explicit start() both ran?)');
    return running;
  }
  const config = resolved ?? resolveConfig(options);
  setGenAiMetrics(config.genAiMetrics);
  const registry = new Registry({ cardinalityLimit: config.cardinalityLimit, cardinalityLimits: config.cardinalityLimits, buckets: config.buckets });
  const metricsHandler = createMetricsHandler({ registry, resource: config.resource, token: config.token, basicAuth: config.basicAuth });
  const meter = registry.getMeter(config.resource['service.name'] ?? 'app');

  if (!config.enabled) {
    return {
      enabled: false,
      config,
      meterProvider: registry,
      meter,
      metricsHandler: (_req, res) => {
        res.writeHead(404).end();
      },
      ready: Promise.resolve(undefined),
      server: undefined,
      costTracker: undefined,
      metrics: async () => '',
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    };
  }

  // the global MeterProvider, registered when @opentelemetry/api is first used (global-provider.ts)
  setGlobalMeterProviderLazily(registry);

  const http = new HttpDiagnosticsMetrics(registry, {
    server: config.instrumentations.has('http'),
    client: config.instrumentations.has('http'),
    undici: config.instrumentations.has('undici'),
  });
  http.enable();
  // Worker threads share the process: its runtime metrics are the main thread's.
  const names = isMainThread ? config.instrumentations : [...config.instrumentations].filter((n) => n !== 'runtime');
  const enabled: Enabled[] = enableInstrumentations(names, registry, mode, { runtime: { eventLoopDelayResolutionMs: config.eventLoopDelayResolutionMillis, gc: config.gcDuration } });
  const stops: Array<() => void | Promise<void>> = [];

  // The cost tracker (@agentmeter/cost: six modules) is loaded with the first GenAI call or
  // the first read of handle.costTracker (issue 18); at once with a price table of the
  // user's, which must be valid at start.
  let costTracker: CostTracker | undefined;
  let costDone = !config.cost;
  const costTrackerNow = (eager = false): CostTracker | undefined => {
    if (costDone) return costTracker;
    costDone = true;
    let Tracker: typeof import('@agentmeter/cost').CostTracker;
    try {
      Tracker = (require('@agentmeter/cost') as typeof import('@agentmeter/cost')).CostTracker;
    } catch (err) {
      report('AGENTMETER_COST_FAILED', 'cost', `cost tracking could not start: ${(err as Error).message}`);
      return undefined;
    }
    let tracker: CostTracker;
    try {
      tracker = new Tracker({ prices: config.prices as never, meterProvider: registry });
    } catch (err) {
      // the only input is the price table: `prices` / AGENTMETER_PRICES_FILE
      if (eager) throw new ConfigError(options.prices !== undefined ? 'prices' : 'AGENTMETER_PRICES_FILE', (err as Error).message);
      report('AGENTMETER_COST_FAILED', 'cost', `cost tracking could not start: ${(err as Error).message}`);
      return undefined;
    }
    tracker.attach();
    costTracker = tracker;
    return tracker;
  };
  if (config.cost) {
    if (config.prices !== undefined) costTrackerNow(true);
    else {
      // the tracker subscribes when created, after this event was dispatched: it records this one itself
      const stopWaiting = onGenAiUsage((ev) => {
        stopWaiting();
        costTrackerNow()?.record(ev);
      });
      stops.push(stopWaiting);
    }
    stops.push(() => {
      costDone = true;
      costTracker?.detach();
    });
  }

  let otlp: { forceFlush(): Promise<void>; shutdown(): Promise<void> } | undefined;
  if (config.otlp) {
    const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
    const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-http');
    const { resourceFromAttributes } = require('@opentelemetry/resources');
    const exporter = new OTLPMetricExporter({ url: config.otlp.endpoint, headers: config.otlp.headers });
    // Failed exports go to OpenTelemetry's global error handler, silent by default:
    // report them (once per cause) on agentmeter's diagnostic channel instead.
    const exportOnce = exporter.export.bind(exporter);
    exporter.export = (metrics: unknown, done: (r: { code: number; error?: Error }) => void) =>
      exportOnce(metrics, (result: { code: number; error?: Error }) => {
        if (result.code !== 0)
          report('AGENTMETER_OTLP_FAILED', 'export', `OTLP export to ${config.otlp!.endpoint} failed: ${result.error?.message ?? 'unknown error'}`);
        done(result);
      });
    const reader = new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: config.otlp.intervalMillis ?? 15_000,
      metricProducers: [new RegistryMetricProducer(registry)],
    });
    // In a process tree every process (and worker thread) exports its own values: each
    // needs its own service.instance.id, or the backend would merge them as one instance.
    const instance = config.resource['service.instance.id'] ?? randomUUID();
    otlp = new MeterProvider({ resource: resourceFromAttributes({ ...config.resource, 'service.instance.id': instance }), readers: [reader] });
  }

  let server: Server | undefined;
  let wanted: (() => void) | undefined;
  let tree: ProcessTreeMetrics | undefined;
  let ready: AgentmeterHandle['ready'] = Promise.resolve(undefined);
  if (config.metricsServer) {
    // The process holding the port serves the whole process tree (docs/multiprocess.md);
    // a taken port is a warning, never an exit. Worker threads only join the tree.
    const open = (): AgentmeterHandle['ready'] => {
      const { createMetricsServer } = require('./server') as typeof import('./server');
      const { ProcessTreeMetrics: Tree } = require('./multiprocess') as typeof import('./multiprocess');
      if (isMainThread) {
        server = createMetricsServer({ registry, resource: config.resource, token: config.token, basicAuth: config.basicAuth, host: config.host, port: config.port, path: config.path, exposition: () => (tree as ProcessTreeMetrics).chunks() });
        http.ignoreServer(server);
      }
      const t = new Tree({ registry, server, resource: config.resource, host: config.host, port: config.port, aggregate: config.aggregate, timeoutMillis: config.aggregateTimeoutMillis });
      tree = t;
      return t.ready.then((a) => (a ? { host: a.host, port: a.port, url: `http://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}${config.path}` } : undefined));
    };
    let pending: NodeJS.Immediate | undefined;
    let unopened: (() => void) | undefined;
    if (deferServer) {
      ready = new Promise((resolve, reject) => {
        const settle = (then: () => void) => {
          if (pending === undefined) return;
          clearImmediate(pending);
          pending = undefined;
          dc.unsubscribe(APP_LISTENS, openNow);
          then();
        };
        // at the first turn of the loop, or as soon as the app's own server starts to listen
        // (synchronously in its listen() call, so ours is bound before the app's 'listening'
        // callback, as when it was opened at start)
        const openNow = () =>
          settle(() => {
            try {
              open().then(resolve, reject);
            } catch (e) {
              reject(e as Error); // never thrown into the app's listen()
            }
          });
        unopened = () => settle(() => resolve(undefined));
        pending = setImmediate(openNow);
        pending.unref();
        dc.subscribe(APP_LISTENS, openNow);
      });
      wanted = () => pending?.ref();
    } else ready = open();
    ready.catch(() => undefined);
    stops.push(() => {
      unopened?.(); // not opened yet: it never will be
      return tree?.shutdown();
    });
  }

  let shutdownPromise: Promise<void> | undefined;
  const handle: AgentmeterHandle = {
    enabled: true,
    config,
    meterProvider: registry,
    meter,
    metricsHandler,
    get ready() {
      // someone waits for the address: the deferred server opens even if nothing else
      // keeps the loop alive (a script whose only work is `await handle.ready`)
      wanted?.();
      return ready;
    },
    get server() {
      return server;
    },
    get costTracker() {
      return costTrackerNow();
    },
    metrics: async () => {
      if (tree?.role !== 'aggregator') return serializeAsync(registry, { resource: config.resource });
      const parts: string[] = [];
      for await (const c of tree.chunks()) parts.push(c);
      return parts.join('');
    },
    forceFlush: async () => {
      await otlp?.forceFlush().catch((e: Error) => report('AGENTMETER_OTLP_FAILED', 'flush', `OTLP flush failed: ${e.message}`));
    },
    shutdown: () => {
      shutdownPromise ??= (async () => {
        http.disable();
        for (const e of enabled) {
          try {
            e.disable();
          } catch {
            // keep shutting down
          }
        }
        for (const s of stops) await s();
        if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
        server?.closeAllConnections?.();
        await otlp?.shutdown().catch((e: Error) => report('AGENTMETER_OTLP_FAILED', 'shutdown', `OTLP shutdown failed: ${e.message}`));
        cancelPendingGlobal();
        if (current() === handle) (globalThis as Record<symbol, unknown>)[GLOBAL_KEY] = undefined;
      })();
      return shutdownPromise;
    },
  };
  (globalThis as Record<symbol, unknown>)[GLOBAL_KEY] = handle;

  if (otlp && isMainThread) {
    // SIGTERM: flush the last OTLP export, at most SIGTERM_FLUSH_MS, then let the signal
    // do what it would have done (exit, unless the app handles SIGTERM itself).
    const onSigterm = () => {
      process.removeListener('SIGTERM', onSigterm);
      let timer: NodeJS.Timeout | undefined;
      const cap = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          report('AGENTMETER_OTLP_FAILED', 'sigterm', `OTLP flush on SIGTERM did not finish within ${SIGTERM_FLUSH_MS} ms; exiting without it`);
          resolve();
        }, SIGTERM_FLUSH_MS);
      });
      Promise.race([handle.shutdown(), cap]).finally(() => {
        clearTimeout(timer);
        if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
      });
    };
    (onSigterm as unknown as Record<symbol, boolean>)[(require('./multiprocess') as typeof import('./multiprocess')).OWN_SIGNAL_HANDLER] = true;
    process.on('SIGTERM', onSigterm);
  }
  return handle;
}
