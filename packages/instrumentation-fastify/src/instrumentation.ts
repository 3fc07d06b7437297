import * as dc from 'node:diagnostics_channel';
import { InstrumentationBase, type InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { checkSupportedVersion, report, storeHttpRoute } from '@agentmeter/api';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import { SUPPORTED_FASTIFY_VERSIONS, type FastifyInstrumentationConfig } from './types';
import { INITIALIZATION_CHANNEL, kHooked, type Done, type FastifyInstance, type Hook, type RouteOptions } from './internal-types';

/** One onRequest hook per route, closing over its template: no per-request lookups. */
function routeHook(template: string): Hook {
  return function agentmeterRoute(request, _reply, done: Done) {
    try {
      storeHttpRoute(request.raw, template);
    } catch {
      // never break the app
    }
    done();
  };
}

/**
 * `http.route` for Fastify 5 without patching: Fastify publishes every new instance on
 * its `fastify.initialization` diagnostics channel; this instrumentation adds an
 * `onRoute` hook there, which gives every route (including those of plugins, prefixes
 * and NestJS's Fastify platform) a first `onRequest` hook storing the route's template
 * (`routeOptions.url`, e.g. `/api/users/:id`) on the request. The HTTP server metrics
 * record it as `http.route`. Requests that match no route (Fastify's 404 handler) carry
 * none; requests rejected by a later hook (auth, validation) keep it.
 */
export class FastifyInstrumentation extends InstrumentationBase<FastifyInstrumentationConfig> {
  private _subscribed = false;

  constructor(config: FastifyInstrumentationConfig = {}) {
    // enable after this class's fields exist (the base constructor would enable first)
    super(PACKAGE_NAME, PACKAGE_VERSION, { ...config, enabled: false });
    this.setConfig(config);
    if (config.enabled !== false) this.enable();
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [];
  }

  override enable(): void {
    super.enable();
    if (this._subscribed) return;
    dc.subscribe(INITIALIZATION_CHANNEL, this._onInit);
    this._subscribed = true;
  }

  override disable(): void {
    super.disable();
    if (!this._subscribed) return;
    dc.unsubscribe(INITIALIZATION_CHANNEL, this._onInit);
    this._subscribed = false;
  }

  /** Add the route hook to an instance created before the instrumentation was enabled (its later routes get http.route). */
  instrumentInstance(fastify: unknown): void {
    this._onInit({ fastify });
  }

  private _onInit = (message: unknown): void => {
    const fastify = (message as { fastify?: FastifyInstance } | null)?.fastify;
    try {
      if (fastify === undefined || fastify === null || typeof fastify.addHook !== 'function') {
        report('AGENTMETER_PATCH_FAILED', 'fastify', 'fastify: the initialization channel gave no instance with addHook(); http.route for Fastify is off');
        return;
      }
      if (fastify[kHooked]) return;
      checkSupportedVersion('fastify', fastify.version, SUPPORTED_FASTIFY_VERSIONS);
      fastify.addHook('onRoute', onRoute);
      Object.defineProperty(fastify, kHooked, { value: true, configurable: true, enumerable: false });
    } catch (e) {
      report('AGENTMETER_PATCH_FAILED', 'fastify', `fastify: could not add the route hook (${(e as Error)?.message ?? String(e)}); http.route for Fastify is off`);
    }
  };
}

function onRoute(routeOptions: RouteOptions): void {
  try {
    const url = routeOptions.url;
    if (typeof url !== 'string' || url.length === 0) return;
    const hook = routeHook(url);
    const existing = routeOptions.onRequest;
    routeOptions.onRequest = existing === undefined || existing === null ? [hook] : Array.isArray(existing) ? [hook, ...existing] : [hook, existing];
  } catch (e) {
    report('AGENTMETER_INSTRUMENTATION_FAILED', 'fastify-route', `fastify: could not track a route: ${(e as Error)?.message ?? String(e)}`);
  }
}
