import * as dc from 'node:diagnostics_channel';
import { InstrumentationBase, type InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { checkSupportedVersion, report, storeHttpRoute } from '@agentmeter/api';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import { SUPPORTED_FASTIFY_VERSIONS, type FastifyInstrumentationConfig } from './types';
import { INITIALIZATION_CHANNEL, kHooked, type Done, type FastifyInstance, type FastifyRequest } from './internal-types';

/** Fastify's own (non-registered) symbol for a request's route context, found once per Fastify copy. */
let contextSymbol: symbol | null | undefined;

/** The matched route's template: the route context's `config.url` (what `request.routeOptions.url` returns, without building that object). */
function routeUrl(request: FastifyRequest): unknown {
  if (contextSymbol === undefined) contextSymbol = Object.getOwnPropertySymbols(request).find((s) => s.description === 'fastify.context') ?? null;
  const ctx = contextSymbol === null ? undefined : (request[contextSymbol] as { config?: { url?: unknown } } | undefined);
  return ctx !== undefined ? ctx.config?.url : request.routeOptions?.url;
}

/** The first onRequest hook of every route (added on the root instance as it is created): stores the template. */
function onRequest(request: FastifyRequest, _reply: unknown, done: Done): void {
  try {
    const url = routeUrl(request);
    // Fastify's 404 handler has no url: requests that match no route carry no http.route
    if (typeof url === 'string' && url.length > 0) storeHttpRoute(request.raw, url);
  } catch {
    // never break the app
  }
  done();
}

/**
 * `http.route` for Fastify 5 without patching: Fastify publishes every new instance on
 * its `fastify.initialization` diagnostics channel; this instrumentation adds an
 * `onRequest` hook to it there, before any plugin or route exists, so it runs first for
 * every route (plugins, prefixes, NestJS's Fastify platform) and stores the matched
 * route's template (`routeOptions.url`, e.g. `/api/users/:id`) on the request. The HTTP
 * server metrics record it as `http.route`. Requests that match no route (Fastify's 404
 * handler) carry none; requests rejected by a later hook (auth, validation) keep it.
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

  /** Add the route hook to an instance created before the instrumentation was enabled (call it before registering plugins and routes). */
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
      fastify.addHook('onRequest', onRequest);
      Object.defineProperty(fastify, kHooked, { value: true, configurable: true, enumerable: false });
    } catch (e) {
      report('AGENTMETER_PATCH_FAILED', 'fastify', `fastify: could not add the route hook (${(e as Error)?.message ?? String(e)}); http.route for Fastify is off`);
    }
  };
}
