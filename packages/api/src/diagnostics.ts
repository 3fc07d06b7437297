import { otelApi } from './otel-api';
import * as dc from 'node:diagnostics_channel';

/** Name of the `node:diagnostics_channel` channel every agentmeter diagnostic is published on. */
export const DIAGNOSTIC_CHANNEL = 'agentmeter:diagnostic';

export interface Diagnostic {
  /** Stable machine-readable code, e.g. `AGENTMETER_INVALID_VALUE`. */
  readonly code: string;
  readonly message: string;
}

const channel = dc.channel(DIAGNOSTIC_CHANNEL);
const MAX_KEYS = 1000;
/** Distinct keys per code: one flood (say unpriced model names from requests) cannot use up the budget of the others. */
const MAX_KEYS_PER_CODE = 50;
const perCode = new Map<string, number>();
const seen = new Set<string>();
let saturated = false;
let emitWarnings = true;

/**
 * Turn off (or on) printing diagnostics as process warnings. They are still published on
 * the `agentmeter:diagnostic` diagnostics channel and to the OpenTelemetry `diag` logger.
 */
export function setDiagnosticWarnings(enabled: boolean): void {
  emitWarnings = enabled;
}

/**
 * Report a problem once per `key` (rate-limited, bounded memory): published on the
 * diagnostics channel, logged to OpenTelemetry's `diag`, and emitted as a process
 * warning. Never throws.
 */
export function report(code: string, key: string, message: string): void {
  const k = code + '\u0000' + key;
  if (seen.has(k)) return;
  const n = perCode.get(code) ?? 0;
  if (n > MAX_KEYS_PER_CODE) return;
  perCode.set(code, n + 1);
  if (n === MAX_KEYS_PER_CODE) {
    message = `more than ${MAX_KEYS_PER_CODE} distinct ${code} diagnostics; further ones are suppressed`;
    code = 'AGENTMETER_DIAGNOSTICS_SUPPRESSED';
  } else if (seen.size >= MAX_KEYS) {
    if (saturated) return;
    saturated = true;
    code = 'AGENTMETER_DIAGNOSTICS_SATURATED';
    message = `more than ${MAX_KEYS} distinct diagnostics; further ones are suppressed`;
  } else {
    seen.add(k);
  }
  try {
    const d: Diagnostic = { code, message: `agentmeter: ${message}` };
    if (channel.hasSubscribers) channel.publish(d);
    if (emitWarnings) process.emitWarning(d.message, { type: 'AgentmeterWarning', code });
    otelApi().diag.warn(d.message);
  } catch {
    // a diagnostic must never break the app
  }
}

/** Forget which diagnostics were already reported (tests). */
export function resetDiagnostics(): void {
  seen.clear();
  perCode.clear();
  saturated = false;
}
