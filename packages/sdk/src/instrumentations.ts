import type { MeterProvider } from '@opentelemetry/api';
import { report } from '@agentmeter/api';
import type { InstrumentationName } from './config';

/** What start() needs of an instrumentation: OpenTelemetry's InstrumentationBase shape. */
interface InstrumentationLike {
  setMeterProvider(p: MeterProvider): void;
  enable(): void;
  disable(): void;
}

export interface Enabled {
  readonly name: InstrumentationName;
  disable(): void;
}

type Factory = (provider: MeterProvider) => Enabled | undefined;

function base(name: InstrumentationName, load: () => new (config?: object) => InstrumentationLike, config?: object): Factory {
  return (provider) => {
    const Ctor = load();
    const inst = new Ctor({ enabled: false, ...(config ?? {}) });
    inst.setMeterProvider(provider);
    inst.enable();
    return { name, disable: () => inst.disable() };
  };
}

/**
 * How each named instrumentation is turned on. Modules are required lazily so a
 * disabled instrumentation costs no start-up time. `http` and `undici` are handled by
 * HttpDiagnosticsMetrics in start().
 */
export const FACTORIES: Partial<Record<InstrumentationName, Factory>> = {
  pg: (provider) => ({ name: 'pg', ...require('./pg').enablePgInstrumentation(provider) }),
  // framework route templates reach instrumentation-http's metrics as http.route too
  'http-otel': base('http-otel', () => require('./http-otel-route').withHttpRoute(require('@opentelemetry/instrumentation-http').HttpInstrumentation)),
  ws: base('ws', () => require('@agentmeter/instrumentation-ws').WsInstrumentation),
  openai: base('openai', () => require('@agentmeter/instrumentation-openai').OpenAIInstrumentation),
  anthropic: base('anthropic', () => require('@agentmeter/instrumentation-anthropic').AnthropicInstrumentation),
  'google-genai': base('google-genai', () => require('@agentmeter/instrumentation-google-genai').GoogleGenAIInstrumentation),
  bedrock: base('bedrock', () => require('@agentmeter/instrumentation-aws-bedrock').BedrockInstrumentation),
  mcp: base('mcp', () => require('@agentmeter/instrumentation-mcp').McpInstrumentation),
  runtime: base('runtime', () => require('@agentmeter/instrumentation-runtime').RuntimeInstrumentation),
  ai: base('ai', () => require('@agentmeter/instrumentation-ai').AiSdkInstrumentation),
  langchain: base('langchain', () => require('@agentmeter/instrumentation-langchain').LangChainInstrumentation),
  'openai-agents': base('openai-agents', () => require('@agentmeter/instrumentation-openai-agents').OpenAIAgentsInstrumentation),
  // http.route for frameworks (recorded by the `http` server metrics)
  express: base('express', () => require('@agentmeter/instrumentation-express').ExpressInstrumentation),
  fastify: base('fastify', () => require('@agentmeter/instrumentation-fastify').FastifyInstrumentation),
  koa: base('koa', () => require('@agentmeter/instrumentation-koa').KoaInstrumentation),
  hono: base('hono', () => require('@agentmeter/instrumentation-hono').HonoInstrumentation),
};

/** Turn on the named instrumentations; one that fails to load is reported and skipped. */
export function enableInstrumentations(names: Iterable<InstrumentationName>, provider: MeterProvider): Enabled[] {
  const out: Enabled[] = [];
  for (const name of names) {
    const f = FACTORIES[name];
    if (!f) continue;
    try {
      const e = f(provider);
      if (e) out.push(e);
    } catch (err) {
      report('AGENTMETER_INSTRUMENTATION_FAILED', name, `instrumentation "${name}" could not be enabled: ${(err as Error).message}`);
    }
  }
  return out;
}
