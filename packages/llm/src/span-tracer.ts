import {
  context,
  trace,
  type Attributes,
  type AttributeValue,
  type Context,
  type Exception,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  type TimeInput,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { report } from '@agentmeter/api';
import { classifyError } from './errors';
import { GenAiSpanMetricsProcessor, type GenAiSpanMetricsProcessorOptions, type HrTimeLike } from './span-processor';

const INVALID_SPAN_CONTEXT: SpanContext = { traceId: '00000000000000000000000000000000', spanId: '0000000000000000', traceFlags: 0 };

function hrNow(): HrTimeLike {
  const ms = performance.timeOrigin + performance.now();
  const s = Math.floor(ms / 1000);
  return [s, Math.round((ms - s * 1000) * 1e6)];
}

function hrOf(t: TimeInput | undefined): HrTimeLike {
  if (t === undefined) return hrNow();
  if (Array.isArray(t)) return [t[0], t[1]];
  const ms = t instanceof Date ? t.getTime() : typeof t === 'number' ? (t < performance.timeOrigin ? performance.timeOrigin + t : t) : Date.now();
  const s = Math.floor(ms / 1000);
  return [s, Math.round((ms - s * 1000) * 1e6)];
}

/** A span that only keeps what GenAiSpanMetricsProcessor reads, and hands itself to it on end. */
class MetricsSpan implements Span {
  readonly attributes: Record<string, unknown> = {};
  readonly startTime: HrTimeLike;
  endTime: HrTimeLike = [0, 0];
  status: { code: number } = { code: 0 };
  private ended = false;

  constructor(
    public name: string,
    options: SpanOptions | undefined,
    private readonly processor: GenAiSpanMetricsProcessor,
  ) {
    this.startTime = hrOf(options?.startTime);
    if (options?.attributes) this.setAttributes(options.attributes);
  }

  spanContext(): SpanContext {
    return INVALID_SPAN_CONTEXT;
  }
  setAttribute(key: string, value: AttributeValue): this {
    if (!this.ended && value !== undefined) this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    for (const k in attributes) this.setAttribute(k, attributes[k] as AttributeValue);
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(_link: Link): this {
    return this;
  }
  addLinks(_links: Link[]): this {
    return this;
  }
  setStatus(status: SpanStatus): this {
    if (!this.ended) this.status = { code: status.code };
    return this;
  }
  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }
  end(endTime?: TimeInput): void {
    if (this.ended) return;
    this.ended = true;
    this.endTime = hrOf(endTime);
    this.processor.onEnd(this);
  }
  isRecording(): boolean {
    return !this.ended;
  }
  recordException(exception: Exception): void {
    if (this.ended || typeof exception !== 'object' || exception === null) return;
    // error.type from the exception itself (HTTP status, SDK error class), as the recorders do
    if (this.attributes['error.type'] === undefined) this.attributes['error.type'] = classifyError(exception);
  }
}

class MetricsTracer implements Tracer {
  constructor(private readonly processor: GenAiSpanMetricsProcessor) {}

  startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
    const span = new MetricsSpan(name, options, this.processor);
    this.processor.onStart(span, ctx ?? context.active());
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...args: unknown[]): ReturnType<F> {
    const fn = args[args.length - 1] as F;
    const options = (args.length >= 2 ? args[0] : undefined) as SpanOptions | undefined;
    const parent = (args.length >= 3 ? args[1] : undefined) as Context | undefined;
    const ctx = parent ?? context.active();
    const span = this.startSpan(name, options, ctx);
    return context.with(trace.setSpan(ctx, span), fn as (s: Span) => ReturnType<F>, undefined, span);
  }
}

/**
 * A minimal OpenTelemetry TracerProvider whose spans only feed a
 * {@link GenAiSpanMetricsProcessor} (no export, no sampling, no trace ids): enough for
 * libraries that measure themselves with spans, such as the Vercel AI SDK 5 and 6
 * (`experimental_telemetry`). Use a full SDK TracerProvider with the processor instead when
 * the app also exports traces.
 */
export class GenAiMetricsTracerProvider implements TracerProvider {
  private readonly tracer: MetricsTracer;
  constructor(options: GenAiSpanMetricsProcessorOptions = {}) {
    this.tracer = new MetricsTracer(new GenAiSpanMetricsProcessor(options));
  }
  getTracer(): Tracer {
    return this.tracer;
  }
}

/**
 * One line for libraries that report GenAI calls as OpenTelemetry spans (the Vercel AI SDK
 * 5 and 6 with `experimental_telemetry: { isEnabled: true }`): registers a
 * {@link GenAiMetricsTracerProvider} as the global tracer provider, so their spans become
 * agentmeter's GenAI metrics. Returns false, with one diagnostic, when the app already
 * registered a tracer provider (then add `new GenAiSpanMetricsProcessor()` to its span
 * processors instead). Never throws.
 */
export function registerGenAiSpanMetrics(options: GenAiSpanMetricsProcessorOptions = {}): boolean {
  try {
    if (trace.setGlobalTracerProvider(new GenAiMetricsTracerProvider(options))) return true;
  } catch {
    // fall through to the diagnostic
  }
  report(
    'AGENTMETER_TRACER_PROVIDER_IN_USE',
    'llm.span-metrics',
    'registerGenAiSpanMetrics: a global tracer provider is already registered; add new GenAiSpanMetricsProcessor() to its spanProcessors instead',
  );
  return false;
}
