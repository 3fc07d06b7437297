import { InstrumentationBase, InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import { checkSupportedVersion, report, storeHttpRoute } from '@agentmeter/api';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import { SUPPORTED_EXPRESS_VERSIONS, SUPPORTED_ROUTER_VERSIONS, type ExpressInstrumentationConfig } from './types';
import { kBase, kMount, kOriginal, kPatched, type Handle, type Layer, type RouterProto } from './internal-types';

/** Distinct (mount prefix, template) joins cached per route or mount; beyond it they are built per request. */
const MAX_JOINS = 64;

/** A path given to `use()` or `route()` as a template string: '/' and trailing slashes dropped for mounts. */
function templateOf(path: unknown): string {
  if (typeof path === 'string') return path;
  if (Array.isArray(path)) return path.map(templateOf).join(',');
  return String(path); // a RegExp: its source text, fixed by the code, not by requests
}

function mountTemplate(path: unknown): string {
  const t = templateOf(path);
  return t === '/' ? '' : t.endsWith('/') ? t.replace(/\/+$/, '') : t;
}

/** Cached join of a prefix and a template (no per-request string building once warm). */
function joiner(template: string, routeJoin: boolean): (base: string | undefined) => string {
  const cache = new Map<string, string>();
  return (base) => {
    if (base === undefined || base === '') return template;
    let v = cache.get(base);
    if (v === undefined) {
      v = routeJoin && template === '/' ? base : base + template;
      if (cache.size < MAX_JOINS) cache.set(base, v);
    }
    return v;
  };
}

function wrapRouteHandle(original: Handle, path: unknown): Handle {
  const join = joiner(templateOf(path), true);
  const handle: Handle = function agentmeterRoute(this: unknown, req, res, next) {
    try {
      storeHttpRoute(req, join(req[kBase]));
    } catch {
      // never break the app
    }
    return original.call(this, req, res, next);
  };
  return keepShape(handle, original);
}

/**
 * What reads a layer's handle still finds the original's properties through the wrapper
 * (a router's `stack`, as route-listing tools use it).
 */
function keepShape(handle: Handle, original: Handle): Handle {
  try {
    Object.setPrototypeOf(handle, original);
    (handle as unknown as Record<symbol, unknown>)[kOriginal] = original;
  } catch {
    // a frozen handle: the wrapper works without
  }
  return handle;
}

function wrapMountHandle(original: Handle, template: string): Handle {
  const join = joiner(template, false);
  const handle: Handle = function agentmeterMount(this: unknown, req, res, next) {
    const prev = req[kBase];
    req[kBase] = join(prev);
    return original.call(this, req, res, function agentmeterNext(this: unknown) {
      req[kBase] = prev;
      // eslint-disable-next-line prefer-rest-params
      return next.apply(this, arguments as unknown as unknown[]);
    });
  };
  return keepShape(handle, original);
}

/**
 * `http.route` for Express 4 and 5, in the OpenTelemetry InstrumentationBase style (the
 * agentmeter preload registers it before the app loads Express).
 *
 * It patches the router's `use()` and `route()` (Express 4: `express/lib/router`;
 * Express 5: the `router` package), which every route and mount goes through
 * (`app.get`, `app.use`, `Router()`, sub-apps, NestJS's Express platform). A route's
 * handler stores the full template (the templates of the mounts it is inside, then the
 * route's own path, e.g. `/api/users/:userId`) on the request; the HTTP server metrics
 * record it as `http.route`. Requests that reach no route (404s, static files) carry
 * none; error middleware keeps the route that failed.
 */
export class ExpressInstrumentation extends InstrumentationBase<ExpressInstrumentationConfig> {
  constructor(config: ExpressInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition('express', ['*'], undefined, undefined, [
        new InstrumentationNodeModuleFile(
          'express/lib/router/index.js',
          ['*'],
          (proto: unknown, version?: string) => {
            checkSupportedVersion('express', version, SUPPORTED_EXPRESS_VERSIONS);
            return this._patch(proto as RouterProto, 'express');
          },
          (proto: unknown) => this._unpatch(proto as RouterProto),
        ),
      ]),
      new InstrumentationNodeModuleDefinition(
        'router',
        ['*'],
        (Router: unknown, version?: string) => {
          checkSupportedVersion('router', version, SUPPORTED_ROUTER_VERSIONS);
          this._patch((Router as { prototype?: RouterProto } | undefined)?.prototype, 'router');
          return Router;
        },
        (Router: unknown) => {
          this._unpatch((Router as { prototype?: RouterProto } | undefined)?.prototype);
          return Router;
        },
      ),
    ];
  }

  /**
   * Patch a router prototype: Express 4's `require('express/lib/router')` or
   * `require('router').prototype` (Express 5). For apps that load Express before the
   * instrumentation; routes defined before the patch get no `http.route`.
   */
  patchRouter(proto: unknown): void {
    this._patch(proto as RouterProto, 'router');
  }

  private _patch<T extends RouterProto | undefined>(proto: T, name: string): T {
    try {
      if (proto === undefined || proto === null || typeof proto.use !== 'function' || typeof proto.route !== 'function') {
        report('AGENTMETER_PATCH_FAILED', `express-${name}`, `${name}: no router with use() and route() found; http.route for Express is off`);
        return proto;
      }
      if (proto[kPatched] === this) return proto;
      this._wrap(proto, 'use', (original: RouterProto['use']) =>
        function use(this: { stack: Layer[] }, ...args: unknown[]) {
          const before = Array.isArray(this.stack) ? this.stack.length : -1;
          const out = original.apply(this, args);
          if (before >= 0) {
            try {
              tagMounts(this.stack, before, args[0]);
            } catch (e) {
              report('AGENTMETER_INSTRUMENTATION_FAILED', 'express-use', `express: could not track a mount: ${(e as Error)?.message ?? String(e)}`);
            }
          }
          return out;
        },
      );
      this._wrap(proto, 'route', (original: RouterProto['route']) =>
        function route(this: { stack: Layer[] }, path: unknown) {
          const r = original.call(this, path);
          try {
            const layer = Array.isArray(this.stack) ? this.stack[this.stack.length - 1] : undefined;
            if (layer !== undefined && layer.route === r && typeof layer.handle === 'function') layer.handle = wrapRouteHandle(layer.handle, r.path ?? path);
          } catch (e) {
            report('AGENTMETER_INSTRUMENTATION_FAILED', 'express-route', `express: could not track a route: ${(e as Error)?.message ?? String(e)}`);
          }
          return r;
        },
      );
      Object.defineProperty(proto, kPatched, { value: this, configurable: true, writable: true, enumerable: false });
    } catch (e) {
      report('AGENTMETER_PATCH_FAILED', `express-${name}`, `${name}: patching failed (${(e as Error)?.message ?? String(e)}); http.route for Express is off`);
    }
    return proto;
  }

  private _unpatch(proto: RouterProto | undefined): void {
    try {
      if (proto === undefined || proto === null || proto[kPatched] !== this) return;
      this._unwrap(proto, 'use');
      this._unwrap(proto, 'route');
      delete proto[kPatched];
    } catch (e) {
      report('AGENTMETER_PATCH_FAILED', 'express-unpatch', `express: unpatching failed: ${(e as Error)?.message ?? String(e)}`);
    }
  }
}

/** The layers `use()` just added: a mount at a path wraps the handle to track the request's template prefix. */
function tagMounts(stack: Layer[], from: number, first: unknown): void {
  // use(fn...) has no path (it is '/'); use(path, fn...) mounts at path
  let arg = first;
  while (Array.isArray(arg) && arg.length !== 0) arg = arg[0];
  if (typeof arg === 'function') return;
  const template = mountTemplate(first);
  if (template === '') return;
  for (let i = from; i < stack.length; i++) {
    const layer = stack[i];
    // error middleware (arity 4) is left alone: its arity is how Express recognises it
    if (layer === undefined || layer.route !== undefined || typeof layer.handle !== 'function' || layer.handle.length > 3) continue;
    layer[kMount] = template;
    layer.handle = wrapMountHandle(layer.handle, template);
  }
}
