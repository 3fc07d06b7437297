import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Registry, serializeAsync } from '@agentmeter/core';
import { onGenAiUsage, setDiagnosticWarnings, resetDiagnostics, DIAGNOSTIC_CHANNEL } from '@agentmeter/api';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { LlmRecorder, trackLlmCall, wrapLlmStream, classifyError, openaiAdapter, anthropicAdapter, defaultLlmAdapter } from '@agentmeter/llm';

setDiagnosticWarnings(false);

function setup() {
  const registry = new Registry();
  const recorder = new LlmRecorder({ meterProvider: registry });
  const events = [];
  const off = onGenAiUsage((e) => events.push(e));
  const diags = [];
  const onDiag = (d) => diags.push(d);
  subscribe(DIAGNOSTIC_CHANNEL, onDiag);
  resetDiagnostics();
  return { registry, recorder, events, diags, done: () => { off(); unsubscribe(DIAGNOSTIC_CHANNEL, onDiag); } };
}

test('recordLlmCall (current names): inference duration, usage counters incl. cache and reasoning, per-call token histograms, error.type only on failure, one usage event', async () => {
  const s = setup();
  s.recorder.record({ provider: 'anthropic', requestModel: 'claude-sonnet-4-5', responseModel: 'claude-sonnet-4-5-20250929', durationSeconds: 1.5, inputTokens: 35, outputTokens: 8, cacheReadTokens: 20, cacheWriteTokens: 5 });
  s.recorder.record({ provider: 'anthropic', requestModel: 'claude-sonnet-4-5', responseModel: 'claude-sonnet-4-5-20250929', durationSeconds: 0.5, inputTokens: 100, outputTokens: 50, cacheReadTokens: 60, reasoningTokens: 30 });
  s.recorder.record({ provider: 'openai', requestModel: 'gpt-4o', durationSeconds: 0.3, error: Object.assign(new Error('x'), { status: 429 }) });
  s.recorder.record({ provider: 'openai', operation: 'embeddings', requestModel: 'text-embedding-3-small', durationSeconds: 0.05, inputTokens: 4 });
  s.recorder.record({ provider: 'openai', operation: 'text_to_speech', requestModel: 'tts-1', durationSeconds: 0.7, characters: 11 });
  const text = await serializeAsync(s.registry);
  const ok = 'gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4-5",gen_ai_response_model="claude-sonnet-4-5-20250929"';
  const line = (metric, labels, v) => assert.match(text, new RegExp(`^${metric}\\{${labels.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\} ${v}$`, 'm'), `${metric}{${labels}} ${v}\n${text}`);
  line('gen_ai_client_inference_duration_seconds_count', ok, 2);
  line('gen_ai_client_inference_duration_seconds_sum', ok, 2);
  line('gen_ai_client_inference_usage_input_tokens_total', ok + ',gen_ai_token_modality="text"', 135);
  line('gen_ai_client_inference_usage_output_tokens_total', ok + ',gen_ai_token_modality="text"', 58);
  line('gen_ai_client_inference_usage_cache_read_input_tokens_total', ok + ',gen_ai_token_modality="text"', 80);
  line('gen_ai_client_inference_usage_cache_write_input_tokens_total', ok + ',gen_ai_token_modality="text"', 5);
  line('gen_ai_client_inference_usage_reasoning_output_tokens_total', ok + ',gen_ai_token_modality="text"', 30);
  line('gen_ai_client_inference_operation_input_tokens_count', ok, 2);
  line('gen_ai_client_inference_operation_input_tokens_sum', ok, 135);
  line('gen_ai_client_inference_operation_input_tokens_bucket', ok + ',le="64"', 1);
  line('gen_ai_client_inference_operation_output_tokens_sum', ok, 58);
  line('gen_ai_client_inference_duration_seconds_count', 'error_type="rate_limit",gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o"', 1);
  line('gen_ai_client_embeddings_duration_seconds_count', 'gen_ai_operation_name="embeddings",gen_ai_provider_name="openai",gen_ai_request_model="text-embedding-3-small"', 1);
  line('gen_ai_client_embeddings_operation_input_tokens_sum', 'gen_ai_operation_name="embeddings",gen_ai_provider_name="openai",gen_ai_request_model="text-embedding-3-small"', 4);
  line('gen_ai_client_operation_duration_seconds_count', 'gen_ai_operation_name="text_to_speech",gen_ai_provider_name="openai",gen_ai_request_model="tts-1"', 1);
  assert.doesNotMatch(text, /error_type="[^"]*",gen_ai_operation_name="chat",gen_ai_provider_name="anthropic"/);
  assert.doesNotMatch(text, /gen_ai_client_token_usage|gen_ai_client_operation_duration_seconds_count\{[^}]*"(chat|embeddings)"/, 'no legacy families by default');
  assert.equal(s.events.length, 5);
  assert.deepEqual(s.events[0], { operation: 'chat', provider: 'anthropic', requestModel: 'claude-sonnet-4-5', responseModel: 'claude-sonnet-4-5-20250929', inputTokens: 35, outputTokens: 8, cacheReadTokens: 20, cacheWriteTokens: 5 });
  assert.equal(s.events[1].reasoningTokens, 30);
  assert.equal(s.events[2].errorType, 'rate_limit');
  s.done();
});

const LEGACY_CALLS = [
  { provider: 'anthropic', requestModel: 'claude-sonnet-4-5', responseModel: 'claude-sonnet-4-5-20250929', durationSeconds: 1.5, inputTokens: 35, outputTokens: 8, cacheReadTokens: 20, cacheWriteTokens: 5, reasoningTokens: 2 },
  { provider: 'openai', requestModel: 'gpt-4o', durationSeconds: 0.3, error: Object.assign(new Error('x'), { status: 429 }) },
  { provider: 'openai', requestModel: 'gpt-4o', durationSeconds: 0.25, timeToFirstChunkSeconds: 0.1, timePerOutputChunkSeconds: [0.01, 0.02], inputTokens: 3, outputTokens: 4 },
  { provider: 'openai', operation: 'embeddings', requestModel: 'text-embedding-3-small', durationSeconds: 0.05, inputTokens: 4 },
  { provider: 'openai', operation: 'speech_to_text', requestModel: 'gpt-4o-transcribe', durationSeconds: 0.6, inputTokens: 20, outputTokens: 5 },
];
// The exposition agentmeter produced before semantic-conventions-genai (commit ad61ae0) for LEGACY_CALLS.
const LEGACY_EXPOSITION = [
  '# HELP gen_ai_client_operation_duration_seconds GenAI operation duration.',
  '# TYPE gen_ai_client_operation_duration_seconds histogram',
  '# HELP gen_ai_client_token_usage Number of input and output tokens used.',
  '# TYPE gen_ai_client_token_usage histogram',
  'gen_ai_client_operation_duration_seconds_count{gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4-5",gen_ai_response_model="claude-sonnet-4-5-20250929"} 1',
  'gen_ai_client_operation_duration_seconds_count{error_type="rate_limit",gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o"} 1',
  'gen_ai_client_operation_duration_seconds_count{gen_ai_operation_name="embeddings",gen_ai_provider_name="openai",gen_ai_request_model="text-embedding-3-small"} 1',
  'gen_ai_client_operation_duration_seconds_count{gen_ai_operation_name="speech_to_text",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-transcribe"} 1',
  'gen_ai_client_token_usage_sum{gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4-5",gen_ai_response_model="claude-sonnet-4-5-20250929",gen_ai_token_type="input"} 35',
  'gen_ai_client_token_usage_sum{gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4-5",gen_ai_response_model="claude-sonnet-4-5-20250929",gen_ai_token_type="output"} 8',
  'gen_ai_client_token_usage_sum{gen_ai_operation_name="embeddings",gen_ai_provider_name="openai",gen_ai_request_model="text-embedding-3-small",gen_ai_token_type="input"} 4',
  'gen_ai_client_token_usage_sum{gen_ai_operation_name="speech_to_text",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-transcribe",gen_ai_token_type="input"} 20',
  'gen_ai_client_operation_time_to_first_chunk_seconds_count{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o"} 1',
  'gen_ai_client_operation_time_per_output_chunk_seconds_count{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o"} 2',
];

test('genAiMetrics: legacy reproduces the v1.41 families exactly (names, HELP, labels, values) and nothing of the current set', async () => {
  const s = setup();
  const recorder = new LlmRecorder({ meterProvider: s.registry, genAiMetrics: 'legacy' });
  for (const c of LEGACY_CALLS) recorder.record(c);
  const text = await serializeAsync(s.registry);
  for (const l of LEGACY_EXPOSITION) assert.ok(text.split('\n').includes(l), `missing: ${l}\n${text}`);
  const families = [...new Set([...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]))].sort();
  assert.deepEqual(families, ['gen_ai_client_operation_duration_seconds', 'gen_ai_client_operation_time_per_output_chunk_seconds', 'gen_ai_client_operation_time_to_first_chunk_seconds', 'gen_ai_client_token_usage']);
  assert.doesNotMatch(text, /inference|embeddings_duration|token_modality/);
  s.done();
});

test('genAiMetrics: both emits the legacy families and the current ones; speech duration once', async () => {
  const s = setup();
  const recorder = new LlmRecorder({ meterProvider: s.registry, genAiMetrics: 'both' });
  for (const c of LEGACY_CALLS) recorder.record(c);
  const text = await serializeAsync(s.registry);
  for (const l of LEGACY_EXPOSITION) assert.ok(text.split('\n').includes(l), `missing: ${l}\n${text}`);
  assert.match(text, /^gen_ai_client_inference_usage_input_tokens_total\{gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4-5",gen_ai_response_model="claude-sonnet-4-5-20250929",gen_ai_token_modality="text"\} 35$/m);
  assert.match(text, /^gen_ai_client_inference_usage_reasoning_output_tokens_total\{[^}]*claude-sonnet-4-5[^}]*\} 2$/m);
  assert.match(text, /^gen_ai_client_inference_time_per_output_chunk_seconds_count\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o"\} 2$/m);
  assert.match(text, /^gen_ai_client_embeddings_operation_input_tokens_sum\{[^}]*\} 4$/m);
  s.done();
});

test('setGenAiMetrics switches recorders without their own option; invalid values are ignored with a diagnostic', async () => {
  const { setGenAiMetrics, getGenAiMetrics } = await import('@agentmeter/llm');
  const s = setup();
  assert.equal(getGenAiMetrics(), 'current');
  setGenAiMetrics('legacy');
  try {
    s.recorder.record({ provider: 'openai', requestModel: 'switched', durationSeconds: 0.1 });
    setGenAiMetrics('nonsense');
    assert.equal(getGenAiMetrics(), 'legacy');
    assert.ok(s.diags.some((d) => d.code === 'AGENTMETER_INVALID_CONFIG' && /genAiMetrics/.test(d.message)));
  } finally {
    setGenAiMetrics('current');
  }
  const text = await serializeAsync(s.registry);
  assert.match(text, /^gen_ai_client_operation_duration_seconds_count\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="switched"\} 1$/m);
  s.done();
});

test('bad input (NaN, negative, Infinity, non-string model, hostile strings) is dropped with a diagnostic, never thrown', async () => {
  const s = setup();
  assert.doesNotThrow(() => {
    s.recorder.record({ provider: 'openai', requestModel: 'm', durationSeconds: Infinity, inputTokens: NaN, outputTokens: -3 });
    s.recorder.record({ provider: 'openai', requestModel: 12, durationSeconds: 0.1, timePerOutputChunkSeconds: [0.01, NaN, -1] });
    s.recorder.record(null);
    s.recorder.record({ provider: 'x"\n}\\', requestModel: 'a'.repeat(5000), durationSeconds: 0.2 });
  });
  const text = await serializeAsync(s.registry);
  assert.doesNotMatch(text, /gen_ai_client_inference_duration_seconds_count\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="m"\}/);
  assert.doesNotMatch(text, /gen_ai_client_inference_usage_[a-z_]+_total\{[^}]*request_model="m"/);
  // non-string model is dropped as an attribute, the call is still recorded
  assert.match(text, /^gen_ai_client_inference_duration_seconds_count\{gen_ai_operation_name="chat",gen_ai_provider_name="openai"\} 1$/m);
  assert.match(text, /gen_ai_client_inference_time_per_output_chunk_seconds_count\{gen_ai_operation_name="chat",gen_ai_provider_name="openai"\} 1$/m);
  // hostile strings are escaped, not breaking the exposition
  assert.match(text, /gen_ai_provider_name="x\\"\\n}\\\\"/);
  const codes = s.diags.map((d) => d.code);
  assert.ok(codes.filter((c) => c === 'AGENTMETER_INVALID_VALUE').length >= 3, JSON.stringify(s.diags));
  assert.ok(codes.includes('AGENTMETER_INVALID_ATTRIBUTE'));
  assert.ok(codes.includes('AGENTMETER_INVALID_CALL'));
  // one usage event per (valid-object) call, without the invalid numbers
  assert.equal(s.events.length, 3);
  assert.equal(s.events[0].inputTokens, undefined);
  assert.equal(s.events[0].outputTokens, undefined);
  s.done();
});

test('trackLlmCall reads usage through adapters and classifies errors, rethrowing unchanged', async () => {
  const s = setup();
  const message = { type: 'message', model: 'claude-haiku-4-5-20251001', usage: { input_tokens: 10, cache_creation_input_tokens: 5, cache_read_input_tokens: 20, output_tokens: 8 } };
  const r = await trackLlmCall({ provider: 'anthropic', model: 'claude-haiku-4-5' }, async () => message, undefined, { recorder: s.recorder });
  assert.equal(r, message);
  const boom = new Anthropic.RateLimitError(429, { type: 'error' }, 'slow down', new Headers());
  await assert.rejects(trackLlmCall({ provider: 'anthropic', model: 'claude-haiku-4-5' }, async () => { throw boom; }, anthropicAdapter, { recorder: s.recorder }), (e) => e === boom);
  const text = await serializeAsync(s.registry);
  assert.match(text, /^gen_ai_client_inference_usage_input_tokens_total\{gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-haiku-4-5",gen_ai_response_model="claude-haiku-4-5-20251001",gen_ai_token_modality="text"\} 35$/m);
  assert.match(text, /^gen_ai_client_inference_usage_cache_read_input_tokens_total\{[^}]*claude-haiku-4-5[^}]*\} 20$/m);
  assert.match(text, /^gen_ai_client_inference_usage_cache_write_input_tokens_total\{[^}]*claude-haiku-4-5[^}]*\} 5$/m);
  assert.match(text, /error_type="rate_limit",gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-haiku-4-5"\} 1$/m);
  assert.equal(s.events.length, 2);
  assert.equal(s.events[0].cacheReadTokens, 20);
  assert.equal(s.events[0].cacheWriteTokens, 5);
  s.done();
});

async function* chunks(list, { delay = 5, failAt = -1 } = {}) {
  for (let i = 0; i < list.length; i++) {
    await new Promise((r) => setTimeout(r, delay));
    if (i === failAt) throw new Anthropic.APIConnectionError({ message: 'reset' });
    yield list[i];
  }
}
const openaiChunks = [
  { object: 'chat.completion.chunk', model: 'gpt-4o-2024-08-06', choices: [{ delta: { role: 'assistant', content: '' } }] },
  { object: 'chat.completion.chunk', model: 'gpt-4o-2024-08-06', choices: [{ delta: { content: 'a' } }] },
  { object: 'chat.completion.chunk', model: 'gpt-4o-2024-08-06', choices: [{ delta: { content: 'b' } }] },
  { object: 'chat.completion.chunk', model: 'gpt-4o-2024-08-06', choices: [{ delta: { content: 'c' } }] },
  { object: 'chat.completion.chunk', model: 'gpt-4o-2024-08-06', choices: [], usage: { prompt_tokens: 11, completion_tokens: 3 } },
];

test('wrapLlmStream passes chunks unchanged and records once on end, on break, and on error', async () => {
  const s = setup();
  const seen = [];
  for await (const c of wrapLlmStream({ provider: 'openai', model: 'gpt-4o' }, chunks(openaiChunks), openaiAdapter, { recorder: s.recorder })) seen.push(c);
  assert.deepEqual(seen, openaiChunks);
  for await (const c of wrapLlmStream({ provider: 'openai', model: 'gpt-4o-break' }, chunks(openaiChunks), openaiAdapter, { recorder: s.recorder })) if (c.choices[0]?.delta.content === 'b') break;
  await assert.rejects(async () => {
    for await (const c of wrapLlmStream({ provider: 'openai', model: 'gpt-4o-err' }, chunks(openaiChunks, { failAt: 3 }), defaultLlmAdapter, { recorder: s.recorder })) void c;
  }, /reset/);
  const text = await serializeAsync(s.registry);
  const lbl = 'gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",gen_ai_response_model="gpt-4o-2024-08-06"';
  assert.match(text, new RegExp(`^gen_ai_client_inference_time_to_first_chunk_seconds_count\\{${lbl}\\} 1$`, 'm'));
  assert.match(text, new RegExp(`^gen_ai_client_inference_time_per_output_chunk_seconds_count\\{${lbl}\\} 2$`, 'm'));
  assert.match(text, new RegExp(`^gen_ai_client_inference_usage_output_tokens_total\\{${lbl},gen_ai_token_modality="text"\\} 3$`, 'm'));
  assert.match(text, /^gen_ai_client_inference_duration_seconds_count\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-break",gen_ai_response_model="gpt-4o-2024-08-06"\} 1$/m);
  assert.match(text, /^gen_ai_client_inference_duration_seconds_count\{error_type="network",gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-err",gen_ai_response_model="gpt-4o-2024-08-06"\} 1$/m);
  assert.equal(s.events.length, 3, 'one usage event per stream');
  s.done();
});

test('classifyError maps statuses, SDK error classes, abort and network codes', () => {
  const h = new Headers();
  assert.equal(classifyError(new OpenAI.RateLimitError(429, undefined, 'x', h)), 'rate_limit');
  assert.equal(classifyError(new OpenAI.AuthenticationError(401, undefined, 'x', h)), 'authentication');
  assert.equal(classifyError(new OpenAI.PermissionDeniedError(403, undefined, 'x', h)), 'authentication');
  assert.equal(classifyError(new OpenAI.BadRequestError(400, undefined, 'x', h)), 'invalid_request');
  assert.equal(classifyError(new OpenAI.InternalServerError(500, undefined, 'x', h)), 'server_error');
  assert.equal(classifyError(new OpenAI.APIConnectionTimeoutError()), 'timeout');
  assert.equal(classifyError(new OpenAI.APIConnectionError({ message: 'x' })), 'network');
  assert.equal(classifyError(new OpenAI.APIUserAbortError()), 'cancelled');
  assert.equal(classifyError(new Anthropic.RateLimitError(429, undefined, 'x', h)), 'rate_limit');
  assert.equal(classifyError(new Anthropic.InternalServerError(529, undefined, 'x', h)), 'server_error');
  assert.equal(classifyError(new Anthropic.APIConnectionTimeoutError()), 'timeout');
  assert.equal(classifyError(new DOMException('aborted', 'AbortError')), 'cancelled');
  assert.equal(classifyError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), 'network');
  assert.equal(classifyError(Object.assign(new Error('x'), { code: 'ETIMEDOUT' })), 'timeout');
  assert.equal(classifyError(new TypeError('fetch failed', { cause: Object.assign(new Error('c'), { code: 'ECONNRESET' }) })), 'network');
  assert.equal(classifyError({ status: 503 }), 'server_error');
  assert.equal(classifyError(new Error('plain')), '_OTHER');
  assert.equal(classifyError(undefined), '_OTHER');
  assert.equal(classifyError('rate_limit'), 'rate_limit');
  assert.equal(classifyError('bad "value"\n'), '_OTHER');
  class QuotaExceeded extends Error { name = 'QuotaExceeded'; }
  assert.equal(classifyError(new QuotaExceeded()), 'QuotaExceeded');
  const hostile = new Proxy({}, { get() { throw new Error('no'); }, getPrototypeOf() { throw new Error('no'); } });
  assert.equal(classifyError(hostile), '_OTHER');
});
