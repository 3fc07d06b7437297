import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { checkSupportedVersion, report, storeHttpRoute } from '@agentmeter/api';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import { SUPPORTED_HONO_VERSIONS, type HonoInstrumentationConfig } from './types';
import { kWrapped, type HonoHandler, type HonoModule, type HonoRouter, type RouteEntry } from './internal-types';

/** A route's handler that first stores the route's template on Node's request (on @hono/node-server). */
function wrapHandler(handler: HonoHandler, template: string): HonoHandler {
  return function agentmeterRoute(this: unknown, c, next) {
    try {
      const incoming = c?.env?.incoming;
      if (incoming !== undefined && incoming !== null) storeHttpRoute(incoming, template);
    } catch {
      // never break the app
    }
    return handler.call(this, c, next);
  };
}

/**
 * Whether a route entry is a route rather than middleware: a method route (app.get,
 * app.on), or app.all / app.use at a path without a wildcard. `app.use()` middleware
 * (path `*` or `/prefix/*`) is left alone, so requests that match no route (Hono's
 * notFound) carry no http.route.
 */
function isRoute(method: unknown, path: unknown): path is string {
  if (typeof path !== 'string' || path.length === 0) return false;
  return method !== 'ALL' || !path.includes('*');
}

/** Wrap a Hono instance's router so every route added from now on stores its template. */
export function wrapRouter(router: HonoRouter | undefined): void {
  if (router === undefined || router === null || typeof router.add !== 'function' || router[kWrapped]) return;
  const add = router.add;
  router.add = function agentmeterAdd(this: HonoRouter, method: string, path: string, handler: unknown) {
    try {
      // Hono's #addRoute passes [handler, { path, method, basePath, handler }]
      if (Array.isArray(handler) && typeof handler[0] === 'function') {
        const entry = handler[1] as RouteEntry | undefined;
        if (isRoute(entry?.method ?? method, entry?.path)) handler = [wrapHandler(handler[0] as HonoHandler, entry.path as string), ...handler.slice(1)];
      }
    } catch {
      // never break the app
    }
    return add.call(this, method, path, handler);
  };
  Object.defineProperty(router, kWrapped, { value: true, configurable: true, enumerable: false });
}

/**
 * `http.route` for Hono on @hono/node-server, in the OpenTelemetry InstrumentationBase
 * style (CommonJS through require, ESM through the import-in-the-middle hook of the
 * agentmeter `--import` preload).
 *
 * The `Hono` class exported by `hono` is replaced by a subclass whose constructor wraps
 * the app's router: every route Hono adds (including `basePath()` and `app.route()`
 * sub-apps, whose templates Hono has already joined) gets a handler that stores the
 * route's template on Node's request (`c.env.incoming`), where the HTTP server metrics
 * record it as `http.route`. `app.use()` middleware is not a route: requests that match
 * no route carry no `http.route`. `hono/tiny` and `hono/quick` are not covered (use
 * `setHttpRoute`).
 */
export class HonoInstrumentation extends InstrumentationBase<HonoInstrumentationConfig> {
  constructor(config: HonoInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        'hono',
        ['*'],
        (exports: unknown, version?: string) => {
          checkSupportedVersion('hono', version, SUPPORTED_HONO_VERSIONS);
          return this.manuallyInstrument(exports);
        },
        (exports: unknown) => this._unpatch(exports as HonoModule),
      ),
    ];
  }

  /** @deprecated the same as {@link manuallyInstrument}. */
  patchModule<T>(exports: T): T {
    return this.manuallyInstrument(exports);
  }

  /** Instrument a `hono` module you loaded yourself (`require('hono')` or an ESM namespace): the manual entry point every instrumentation has; returns what to use as its exports. */
  manuallyInstrument<T>(exports: T): T {
    const m = exports as unknown as HonoModule;
    try {
      const Base = m?.Hono;
      if (typeof Base !== 'function') {
        report('AGENTMETER_PATCH_FAILED', 'hono', 'hono: no Hono class in the module; http.route for Hono is off');
        return exports;
      }
      if (Base[kWrapped] !== undefined) return exports; // already our subclass
      const Hono = class Hono extends Base {
        constructor(...args: unknown[]) {
          super(...args);
          try {
            wrapRouter(this.router);
          } catch {
            // never break the app
          }
        }
      };
      Object.defineProperty(Hono, kWrapped, { value: Base, configurable: true, enumerable: false });
      try {
        m.Hono = Hono as unknown as HonoModule['Hono'];
      } catch {
        // a bundler's getter-only export (hono 4.0's CommonJS build): replaced below
      }
      if (m.Hono !== (Hono as unknown)) return withExport(exports, 'Hono', Hono);
    } catch (e) {
      report('AGENTMETER_PATCH_FAILED', 'hono', `hono: patching failed (${(e as Error)?.message ?? String(e)}); http.route for Hono is off`);
    }
    return exports;
  }

  private _unpatch(exports: HonoModule | undefined): HonoModule | undefined {
    try {
      const original = exports?.Hono?.[kWrapped];
      if (exports && original) exports.Hono = original as HonoModule['Hono'];
    } catch (e) {
      report('AGENTMETER_PATCH_FAILED', 'hono-unpatch', `hono: unpatching failed: ${(e as Error)?.message ?? String(e)}`);
    }
    return exports;
  }
}

/** A copy of a CommonJS exports object with one export replaced (when the original's is a getter only). */
function withExport<T>(exports: T, name: string, value: unknown): T {
  const copy = Object.create(Object.getPrototypeOf(exports)) as Record<string | symbol, unknown>;
  const descriptors = Object.getOwnPropertyDescriptors(exports);
  for (const key of Reflect.ownKeys(descriptors)) {
    if (key === name) continue;
    Object.defineProperty(copy, key, descriptors[key as string] as PropertyDescriptor);
  }
  Object.defineProperty(copy, name, { value, enumerable: true, configurable: true, writable: true });
  return copy as T;
}
