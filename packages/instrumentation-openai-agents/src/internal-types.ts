/** The parts of an Agents SDK tracing span agentmeter reads (structural). */
export interface AgentsSpanLike {
  readonly spanId?: string;
  readonly parentId?: string | null;
  readonly traceId?: string;
  readonly spanData?: { readonly type?: string; readonly name?: string; readonly from_agent?: string; readonly to_agent?: string; readonly model?: string; readonly usage?: Record<string, unknown>; readonly _response?: Record<string, unknown> };
  readonly error?: { readonly message?: string; readonly data?: Record<string, unknown> } | null;
  readonly startedAt?: string | null;
  readonly endedAt?: string | null;
}

/** The Agents SDK's trace provider (shared by every copy of the package, on globalThis). */
export interface TraceProviderLike {
  registerProcessor(processor: unknown): void;
  setProcessors?(processors: unknown[]): void;
}

/** agentmeter's state of one open span. */
export interface SpanState {
  readonly type: string;
  readonly parentId: string | undefined;
  readonly start: number;
  /** Agent spans. */
  readonly agentName: string | undefined;
  inferenceCalls: number;
  toolCalls: number;
  /** Model spans: an instrumented client recorded the call. */
  covered: boolean;
}
