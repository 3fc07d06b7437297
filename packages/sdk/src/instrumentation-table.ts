/**
 * The one table of agentmeter's instrumentations. Everything that lists them derives from
 * it: the names accepted by `instrumentations` / AGENTMETER_INSTRUMENTATIONS and their
 * defaults (config.ts), the modules the ESM loader wraps (register.mjs), the modules whose
 * first load turns an instrumentation on under the preloads (lazy.ts), the CLI help and
 * the instrumentations table of docs/configuration.md (scripts/gen-config-doc.mjs,
 * checked by `npm run lint`).
 *
 * Adding an instrumentation = one package of the standard shape (CONTRIBUTING.md) + one
 * row here. `load` is a typed import: a renamed export fails the build.
 *
 * This module must stay cheap to load (register.mjs reads it before the app starts):
 * type imports only; every package is required inside `load`.
 */
import type { MeterProvider } from '@opentelemetry/api';

/** What the sdk needs of an instrumentation class: OpenTelemetry's InstrumentationBase shape. */
export interface InstrumentationLike {
  setMeterProvider(provider: MeterProvider): void;
  enable(): void;
  disable(): void;
}

/**
 * A class of the standard shape: `new X({ enabled: false, meterProvider })`, then
 * setMeterProvider, enable. `meterProvider` in the config is for classes that would
 * otherwise ask the global one at construction (the runtime metrics); others ignore it.
 */
export type InstrumentationClass = new (config?: { enabled?: boolean; meterProvider?: MeterProvider }) => InstrumentationLike;

/** One row of the table. */
export interface InstrumentationRow {
  /** The name used in `instrumentations` and AGENTMETER_INSTRUMENTATIONS. */
  readonly name: string;
  /** The npm package that holds it. */
  readonly package: string;
  /** On unless turned off. */
  readonly defaultOn: boolean;
  /**
   * Packages whose first `require`/`import` turns the instrumentation on under the
   * preloads (and that the ESM loader wraps). Empty: on at start (no library to wait for).
   */
  readonly modules: readonly string[];
  /** More the ESM loader must wrap: sub-path specifiers, or files a package imports by relative path. */
  readonly esmAlso?: readonly (string | RegExp)[];
  /** What it records (CLI help, docs/configuration.md). */
  readonly records: string;
  /** How: the package that holds it, or the mechanism (docs/configuration.md). */
  readonly how: string;
  /**
   * The instrumentation class, loaded on demand. Absent for `http` / `undici`, which
   * start() runs itself (`HttpDiagnosticsMetrics` of @agentmeter/instrumentation-http/metrics,
   * one subscriber for both, told to ignore agentmeter's own metrics server).
   */
  readonly load?: () => InstrumentationClass;
}

// lazy, typed loads: a package is read only when its library is
const req = <T>(id: string): T => require(id) as T;

export const INSTRUMENTATIONS = [
  {
    name: 'http',
    package: '@agentmeter/instrumentation-http',
    defaultOn: true,
    modules: [],
    records: '`http.server.request.duration`, `http.server.active_requests`, `http.client.request.duration` (node:http)',
    how: "`@agentmeter/instrumentation-http`: Node's `diagnostics_channel` HTTP events, no patching, CJS and ESM alike ([http.md](http.md))",
  },
  {
    name: 'undici',
    package: '@agentmeter/instrumentation-http',
    defaultOn: true,
    modules: [],
    records: '`http.client.request.duration` for `fetch` (undici)',
    how: '`@agentmeter/instrumentation-http`: `diagnostics_channel` (`undici:request:*`)',
  },
  {
    name: 'pg',
    package: '@agentmeter/instrumentation-pg',
    defaultOn: true,
    modules: ['pg', 'pg-pool'],
    records: '`db.client.operation.duration`, `db.client.connection.*`',
    how: '`@agentmeter/instrumentation-pg`, on `@opentelemetry/instrumentation-pg` 0.77 ([postgres.md](postgres.md))',
    load: () => req<typeof import('@agentmeter/instrumentation-pg')>('@agentmeter/instrumentation-pg').PgInstrumentation,
  },
  {
    name: 'runtime',
    package: '@agentmeter/instrumentation-runtime',
    defaultOn: true,
    modules: [],
    records: 'process, event loop, GC, heap',
    how: '`@agentmeter/instrumentation-runtime` ([runtime.md](runtime.md))',
    // its InstrumentationBase-free core: @opentelemetry/instrumentation is loaded only with a library to patch
    load: () => req<typeof import('@agentmeter/instrumentation-runtime/metrics')>('@agentmeter/instrumentation-runtime/metrics').RuntimeMetrics,
  },
  {
    name: 'ws',
    package: '@agentmeter/instrumentation-ws',
    defaultOn: true,
    modules: ['ws'],
    records: '`websocket.server.*`, `websocket.client.*`',
    how: '`@agentmeter/instrumentation-ws` ([websocket.md](websocket.md))',
    load: () => req<typeof import('@agentmeter/instrumentation-ws')>('@agentmeter/instrumentation-ws').WsInstrumentation,
  },
  {
    name: 'openai',
    package: '@agentmeter/instrumentation-openai',
    defaultOn: true,
    modules: ['openai'],
    records: 'GenAI metrics of the official OpenAI client',
    how: '`@agentmeter/instrumentation-openai` ([instrumentation-openai.md](instrumentation-openai.md))',
    load: () => req<typeof import('@agentmeter/instrumentation-openai')>('@agentmeter/instrumentation-openai').OpenAIInstrumentation,
  },
  {
    name: 'anthropic',
    package: '@agentmeter/instrumentation-anthropic',
    defaultOn: true,
    modules: ['@anthropic-ai/sdk'],
    records: 'GenAI metrics of the official Anthropic client',
    how: '`@agentmeter/instrumentation-anthropic` ([instrumentation-anthropic.md](instrumentation-anthropic.md))',
    load: () => req<typeof import('@agentmeter/instrumentation-anthropic')>('@agentmeter/instrumentation-anthropic').AnthropicInstrumentation,
  },
  {
    name: 'http-otel',
    package: '@opentelemetry/instrumentation-http',
    defaultOn: false,
    modules: [],
    records: 'the same HTTP server/client durations through `@opentelemetry/instrumentation-http`',
    how: 'for apps that also trace with it; costs more (it builds spans); not with `http`',
    load: () => req<typeof import('./http-otel-route')>('./http-otel-route').withHttpRoute(req<typeof import('@opentelemetry/instrumentation-http')>('@opentelemetry/instrumentation-http').HttpInstrumentation),
  },
  {
    name: 'mcp',
    package: '@agentmeter/instrumentation-mcp',
    defaultOn: true,
    modules: ['@modelcontextprotocol/sdk', '@modelcontextprotocol/client', '@modelcontextprotocol/server'],
    // MCP 1.x: the SDK's Protocol base class is imported by relative path inside the package
    esmAlso: [/\/@modelcontextprotocol\/sdk\/dist\/esm\/shared\/protocol\.js$/],
    records: '`mcp.client.*` / `mcp.server.*` of the MCP SDK',
    how: '`@agentmeter/instrumentation-mcp` ([mcp.md](mcp.md))',
    load: () => req<typeof import('@agentmeter/instrumentation-mcp')>('@agentmeter/instrumentation-mcp').McpInstrumentation,
  },
  {
    name: 'google-genai',
    package: '@agentmeter/instrumentation-google-genai',
    defaultOn: true,
    modules: ['@google/genai'],
    records: 'GenAI metrics of `@google/genai` (Gemini API, Vertex AI)',
    how: '`@agentmeter/instrumentation-google-genai` ([google-genai.md](google-genai.md))',
    load: () => req<typeof import('@agentmeter/instrumentation-google-genai')>('@agentmeter/instrumentation-google-genai').GoogleGenAIInstrumentation,
  },
  {
    name: 'bedrock',
    package: '@agentmeter/instrumentation-aws-bedrock',
    defaultOn: true,
    modules: ['@aws-sdk/client-bedrock-runtime'],
    records: 'GenAI metrics of `@aws-sdk/client-bedrock-runtime`',
    how: '`@agentmeter/instrumentation-aws-bedrock` ([bedrock.md](bedrock.md))',
    load: () => req<typeof import('@agentmeter/instrumentation-aws-bedrock')>('@agentmeter/instrumentation-aws-bedrock').BedrockInstrumentation,
  },
  {
    name: 'ai',
    package: '@agentmeter/instrumentation-ai',
    defaultOn: true,
    modules: ['ai'],
    records: 'model, tool and agent metrics of the Vercel AI SDK 7',
    how: '`@agentmeter/instrumentation-ai` (the `ai:telemetry` tracing channel; [frameworks.md](frameworks.md))',
    load: () => req<typeof import('@agentmeter/instrumentation-ai')>('@agentmeter/instrumentation-ai').AiSdkInstrumentation,
  },
  {
    name: 'langchain',
    package: '@agentmeter/instrumentation-langchain',
    defaultOn: true,
    modules: ['@langchain/core'],
    esmAlso: ['@langchain/core/callbacks/manager'],
    records: 'model, tool and agent metrics of LangChain.js',
    how: '`@agentmeter/instrumentation-langchain` ([frameworks.md](frameworks.md))',
    load: () => req<typeof import('@agentmeter/instrumentation-langchain')>('@agentmeter/instrumentation-langchain').LangChainInstrumentation,
  },
  {
    name: 'openai-agents',
    package: '@agentmeter/instrumentation-openai-agents',
    defaultOn: true,
    modules: ['@openai/agents-core'],
    records: 'model, tool and agent metrics of the OpenAI Agents SDK',
    how: '`@agentmeter/instrumentation-openai-agents` ([frameworks.md](frameworks.md))',
    load: () => req<typeof import('@agentmeter/instrumentation-openai-agents')>('@agentmeter/instrumentation-openai-agents').OpenAIAgentsInstrumentation,
  },
  {
    name: 'express',
    package: '@agentmeter/instrumentation-express',
    defaultOn: true,
    modules: ['express', 'router'],
    records: '`http.route` on the `http` server metrics, Express 4 and 5 (and NestJS on Express)',
    how: '`@agentmeter/instrumentation-express` ([http.md](http.md))',
    load: () => req<typeof import('@agentmeter/instrumentation-express')>('@agentmeter/instrumentation-express').ExpressInstrumentation,
  },
  {
    name: 'fastify',
    package: '@agentmeter/instrumentation-fastify',
    defaultOn: true,
    modules: ['fastify'],
    records: '`http.route` on the `http` server metrics, Fastify 5 (and NestJS on Fastify)',
    how: "`@agentmeter/instrumentation-fastify` (Fastify's diagnostics channels; [http.md](http.md))",
    load: () => req<typeof import('@agentmeter/instrumentation-fastify')>('@agentmeter/instrumentation-fastify').FastifyInstrumentation,
  },
  {
    name: 'koa',
    package: '@agentmeter/instrumentation-koa',
    defaultOn: true,
    modules: ['koa', '@koa/router'],
    records: '`http.route` on the `http` server metrics, Koa with @koa/router',
    how: '`@agentmeter/instrumentation-koa` ([http.md](http.md))',
    load: () => req<typeof import('@agentmeter/instrumentation-koa')>('@agentmeter/instrumentation-koa').KoaInstrumentation,
  },
  {
    name: 'hono',
    package: '@agentmeter/instrumentation-hono',
    defaultOn: true,
    modules: ['hono'],
    records: '`http.route` on the `http` server metrics, Hono on @hono/node-server',
    how: '`@agentmeter/instrumentation-hono` ([http.md](http.md))',
    load: () => req<typeof import('@agentmeter/instrumentation-hono')>('@agentmeter/instrumentation-hono').HonoInstrumentation,
  },
] as const satisfies readonly InstrumentationRow[];

/** The name of an instrumentation (a row of the table). */
export type InstrumentationName = (typeof INSTRUMENTATIONS)[number]['name'];

const BY_NAME: ReadonlyMap<string, InstrumentationRow> = new Map(INSTRUMENTATIONS.map((r) => [r.name, r]));

/** The row of a name. */
export function instrumentationRow(name: InstrumentationName): InstrumentationRow {
  return BY_NAME.get(name) as InstrumentationRow;
}

/**
 * Module names and file patterns the ESM loader wraps for these instrumentations
 * (import-in-the-middle's `include`).
 */
export function esmInclude(names: Iterable<InstrumentationName>): Array<string | RegExp> {
  const out: Array<string | RegExp> = [];
  for (const n of names) {
    const row = instrumentationRow(n);
    for (const m of row.modules) if (!out.includes(m)) out.push(m);
    for (const f of row.esmAlso ?? []) out.push(f);
  }
  return out;
}
