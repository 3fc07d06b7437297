import * as dc from 'node:diagnostics_channel';

/**
 * Name of the diagnostics channel on which every completed GenAI call is published once
 * (by the llm/speech recorders and the openai/anthropic instrumentations). The cost
 * tracker subscribes to it; so can an app. Publishing costs nothing without subscribers.
 */
export const GEN_AI_USAGE_CHANNEL = 'agentmeter:gen_ai.usage';

/** One completed GenAI call, as published on GEN_AI_USAGE_CHANNEL. */
export interface GenAiUsageEvent {
  /** gen_ai.operation.name: chat, embeddings, text_to_speech, speech_to_text, ... */
  readonly operation: string;
  /** gen_ai.provider.name: openai, anthropic, ... */
  readonly provider: string;
  /** gen_ai.request.model */
  readonly requestModel: string;
  /** gen_ai.response.model (often a dated id, e.g. gpt-4o-2024-08-06) */
  readonly responseModel?: string;
  /** All input tokens, INCLUDING cache-read and cache-write tokens (normalised across providers). */
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  /** Input tokens served from the provider's prompt cache (a subset of inputTokens). */
  readonly cacheReadTokens?: number;
  /** Input tokens written to the provider's prompt cache (a subset of inputTokens). */
  readonly cacheWriteTokens?: number;
  /** Output tokens spent on reasoning (a subset of outputTokens). */
  readonly reasoningTokens?: number;
  /** Characters synthesised (text_to_speech). */
  readonly characters?: number;
  /** Seconds of audio transcribed (speech_to_text). */
  readonly audioSeconds?: number;
  /** error.type when the call failed. */
  readonly errorType?: string;
}

const channel = dc.channel(GEN_AI_USAGE_CHANNEL);

/** Publish one completed call (never throws). */
export function publishGenAiUsage(event: GenAiUsageEvent): void {
  if (!channel.hasSubscribers) return;
  try {
    channel.publish(event);
  } catch {
    // a subscriber's error must never reach the app
  }
}

/** Subscribe to completed calls; returns an unsubscribe function. */
export function onGenAiUsage(listener: (event: GenAiUsageEvent) => void): () => void {
  const fn = (msg: unknown) => {
    try {
      listener(msg as GenAiUsageEvent);
    } catch {
      // never let a listener break the publisher
    }
  };
  dc.subscribe(GEN_AI_USAGE_CHANNEL, fn);
  return () => {
    dc.unsubscribe(GEN_AI_USAGE_CHANNEL, fn);
  };
}
