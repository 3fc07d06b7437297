/** The message the AI SDK publishes on the `ai:telemetry` tracing channel (structural). */
export interface ChannelMessage {
  readonly type?: unknown;
  readonly event?: AiEvent;
  /** Set by the SDK (tracePromise) before asyncEnd. */
  result?: unknown;
  /** Set by the SDK before the error event. */
  error?: unknown;
}

/** The fields of the AI SDK's start events agentmeter reads. */
export interface AiEvent {
  readonly provider?: unknown;
  readonly modelId?: unknown;
  readonly functionId?: unknown;
  readonly aiVersion?: unknown;
  readonly tools?: unknown;
  readonly toolCall?: { readonly toolName?: unknown; readonly type?: unknown; readonly dynamic?: unknown } | undefined;
  /** generateSpeech: the text synthesised. */
  readonly text?: unknown;
}

/** Usage of a language model call (LanguageModelV2/V3/V4Usage). */
export interface ModelUsage {
  readonly inputTokens?: number | { readonly total?: number; readonly noCache?: number; readonly cacheRead?: number; readonly cacheWrite?: number };
  readonly outputTokens?: number | { readonly total?: number; readonly text?: number; readonly reasoning?: number };
  readonly cachedInputTokens?: number;
  readonly reasoningTokens?: number;
  readonly inputTokenDetails?: unknown;
  readonly outputTokenDetails?: unknown;
}

/** Kinds of channel message agentmeter measures. */
export type Kind = 'model' | 'embed' | 'speech' | 'transcribe' | 'agent' | 'tool' | 'other';

/** agentmeter's state for one channel message (the async-context store while it runs). */
export interface CallState {
  readonly kind: Kind;
  readonly type: string;
  readonly parent: CallState | undefined;
  readonly start: number;
  /** Another agentmeter instrumentation (an instrumented client) recorded this model call. */
  covered: boolean;
  /** Already recorded (once only). */
  done: boolean;
  /** Agent runs: counts. */
  inferenceCalls: number;
  toolCalls: number;
  /** Agent runs: gen_ai.agent.name. */
  agentName: string | undefined;
  /** Tool executions: gen_ai.tool.name. */
  toolName: string | undefined;
  provider: string;
  requestModel: string | undefined;
  /** generateSpeech: characters of the text. */
  characters: number | undefined;
}
