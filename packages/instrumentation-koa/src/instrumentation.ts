import { InstrumentationBase, InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import { checkSupportedVersion, report, storeHttpRoute } from '@agentmeter/api';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import { SUPPORTED_KOA_ROUTER_VERSIONS, SUPPORTED_KOA_VERSIONS, type KoaInstrumentationConfig } from './types';
import { kMatched, kPatched, MATCHED_ROUTE, type KoaContext, type KoaContextProto } from './internal-types';

function getMatched(this: KoaContext): unknown {
  return this[kMatched];
}

function setMatched(this: KoaContext, value: unknown): void {
  this[kMatched] = value;
  try {
    const req = this.req;
    if (req !== undefined && req !== null && typeof value === 'string' && value.length > 0) storeHttpRoute(req, value);
  } catch {
    // never break the app
  }
}

/**
 * `http.route` for Koa with @koa/router, in the OpenTelemetry InstrumentationBase style.
 *
 * @koa/router sets `ctx._matchedRoute` to the path of the route layer that matched
 * (router prefixes and nested routers included, e.g. `/api/users/:id`) in both its
 * CommonJS and ESM builds; this instrumentation makes that property an accessor on Koa's
 * context prototype (`koa/lib/context.js`, which Koa's ESM entry re-exports), so the
 * template is also stored on Node's request, where the HTTP server metrics record it as
 * `http.route`. Nothing runs per request unless a route matched; requests that match
 * no route carry no `http.route`.
 */
export class KoaInstrumentation extends InstrumentationBase<KoaInstrumentationConfig> {
  constructor(config: KoaInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    const routerCheck = (name: string) => (exports: unknown, version?: string) => {
      checkSupportedVersion(name, version, SUPPORTED_KOA_ROUTER_VERSIONS);
      return exports;
    };
    return [
      new InstrumentationNodeModuleDefinition('koa', ['*'], undefined, undefined, [
        new InstrumentationNodeModuleFile(
          'koa/lib/context.js',
          ['*'],
          (proto: unknown, version?: string) => {
            checkSupportedVersion('koa', version, SUPPORTED_KOA_VERSIONS);
            return this.patchContext(proto);
          },
          (proto: unknown) => this._unpatch(proto as KoaContextProto),
        ),
      ]),
      new InstrumentationNodeModuleDefinition('@koa/router', ['*'], routerCheck('@koa/router')),
    ];
  }

  /** Patch Koa's context prototype (`require('koa/lib/context')`, or `app.context` of an app created before). */
  patchContext<T>(proto: T): T {
    const p = proto as unknown as KoaContextProto;
    try {
      if (p === undefined || p === null || typeof p !== 'object') {
        report('AGENTMETER_PATCH_FAILED', 'koa', 'koa: no context prototype found; http.route for Koa is off');
        return proto;
      }
      if (p[kPatched] === this) return proto;
      const own = Object.getOwnPropertyDescriptor(p, MATCHED_ROUTE);
      if (own !== undefined && !own.configurable) {
        report('AGENTMETER_PATCH_FAILED', 'koa', `koa: ctx.${MATCHED_ROUTE} cannot be redefined; http.route for Koa is off`);
        return proto;
      }
      Object.defineProperty(p, MATCHED_ROUTE, { get: getMatched, set: setMatched, configurable: true, enumerable: false });
      Object.defineProperty(p, kPatched, { value: this, configurable: true, writable: true, enumerable: false });
    } catch (e) {
      report('AGENTMETER_PATCH_FAILED', 'koa', `koa: patching failed (${(e as Error)?.message ?? String(e)}); http.route for Koa is off`);
    }
    return proto;
  }

  private _unpatch(proto: KoaContextProto | undefined): void {
    try {
      if (proto === undefined || proto === null || proto[kPatched] !== this) return;
      delete proto[MATCHED_ROUTE];
      delete proto[kPatched];
    } catch (e) {
      report('AGENTMETER_PATCH_FAILED', 'koa-unpatch', `koa: unpatching failed: ${(e as Error)?.message ?? String(e)}`);
    }
  }
}
