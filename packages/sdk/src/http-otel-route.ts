import { ATTR_HTTP_ROUTE } from '@agentmeter/semconv';
import { HTTP_ROUTE, report } from '@agentmeter/api';

const kPatched = Symbol.for('agentmeter.http-otel.route');

type Finish = (this: unknown, request: unknown, response: unknown, span: unknown, metricAttributes: unknown, ...rest: unknown[]) => unknown;

/**
 * With `http-otel`, @opentelemetry/instrumentation-http records the server duration and
 * takes `http.route` from OpenTelemetry's RPC metadata in the active context, which needs
 * a context manager and OpenTelemetry's own framework instrumentations. This adds the
 * template agentmeter's framework instrumentations (or setHttpRoute) stored on the request
 * to the metric attributes it records when the response finishes. If the (internal)
 * method is missing in a later version, one diagnostic says so and nothing else changes.
 */
export function withHttpRoute<T extends new (...a: never[]) => unknown>(HttpInstrumentation: T): T {
  try {
    const proto = (HttpInstrumentation as unknown as { prototype: Record<string | symbol, unknown> }).prototype;
    const original = proto._onServerResponseFinish as Finish | undefined;
    if (typeof original !== 'function') {
      report('AGENTMETER_PATCH_FAILED', 'http-otel-route', 'http-otel: @opentelemetry/instrumentation-http has no _onServerResponseFinish; its metrics get no http.route from agentmeter');
      return HttpInstrumentation;
    }
    if (proto[kPatched]) return HttpInstrumentation;
    const patched: Finish = function (this: unknown, request, response, span, metricAttributes, ...rest) {
      try {
        const route = (request as Record<symbol, unknown> | null)?.[HTTP_ROUTE];
        if (typeof route === 'string' && metricAttributes !== null && typeof metricAttributes === 'object') (metricAttributes as Record<string, unknown>)[ATTR_HTTP_ROUTE] = route;
      } catch {
        // never break the app
      }
      return original.call(this, request, response, span, metricAttributes, ...rest);
    };
    proto._onServerResponseFinish = patched;
    Object.defineProperty(proto, kPatched, { value: true, configurable: true });
  } catch (e) {
    report('AGENTMETER_PATCH_FAILED', 'http-otel-route', `http-otel: could not add http.route (${(e as Error)?.message ?? String(e)})`);
  }
  return HttpInstrumentation;
}
