// AGENTMETER_GENAI_METRICS=legacy reproduces the exposition of agentmeter before the
// semantic-conventions-genai names: this is the openai test of commit ad61ae0, unchanged but
// for this header (see openai.test.cjs for the current names).
process.env.AGENTMETER_GENAI_METRICS = 'legacy';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Registry, serializeAsync } = require('@agentmeter/core');
const { onGenAiUsage, setDiagnosticWarnings } = require('@agentmeter/api');
const { OpenAIInstrumentation } = require('@agentmeter/instrumentation-openai');
const PATCHED = Symbol.for('agentmeter.instrumentation-openai.patched');

setDiagnosticWarnings(false);
const registry = new Registry();
const instrumentation = new OpenAIInstrumentation({ meterProvider: registry });
// a second instance must not patch the same prototypes again (counted once)
const second = new OpenAIInstrumentation({ meterProvider: new Registry() });
const openaiModule = require('openai');
const OpenAI = openaiModule.OpenAI;

let llm;
let client;
const events = [];
let off;
before(async () => {
  const { startFakeLlm } = await import('@agentmeter/test-utils/fake-llm');
  llm = await startFakeLlm();
  client = new OpenAI({ apiKey: 'k', baseURL: llm.url + '/v1', maxRetries: 0 });
  off = onGenAiUsage((e) => events.push(e));
});
after(async () => {
  off();
  await llm.close();
  second.disable();
});

const L = (op, model, extra = '') => `gen_ai_operation_name="${op}",gen_ai_provider_name="openai",gen_ai_request_model="${model}",gen_ai_response_model="${model}-2025-01-01"${extra}`;
const PROMPT = 'PROMPT-TEXT-must-not-leak';

test('every OpenAI operation lands with labels, tokens, TTFT and error.type; one usage event per call', async () => {
  const start = events.length;
  const chat = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: PROMPT }] });
  assert.equal(chat.usage.prompt_tokens, 11, 'result unchanged');
  const stream = await client.chat.completions.create({ model: 'gpt-4o-slow', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: PROMPT }] });
  let text = '';
  for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
  assert.equal(text, 'Hello there!', 'chunks pass through unchanged');
  const { data, response } = await client.responses.create({ model: 'gpt-5', input: PROMPT }).withResponse();
  assert.equal(response.status, 200, 'APIPromise.withResponse() intact');
  assert.equal(data.usage.input_tokens, 13);
  const rs = await client.responses.create({ model: 'gpt-5-mini', input: PROMPT, stream: true });
  for await (const ev of rs) void ev;
  const emb = await client.embeddings.create({ model: 'text-embedding-3-small', input: PROMPT });
  assert.equal(emb.data[0].embedding.length, 3);
  const speech = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hello world' });
  assert.equal((await speech.arrayBuffer()).byteLength, 1024);
  await client.audio.transcriptions.create({ model: 'whisper-1', file: await openaiModule.toFile(Buffer.from('abc'), 'a.mp3') });
  await client.audio.transcriptions.create({ model: 'gpt-4o-transcribe', file: await openaiModule.toFile(Buffer.from('abc'), 'a.mp3') });
  await client.images.generate({ model: 'gpt-image-1', prompt: PROMPT });
  await assert.rejects(client.chat.completions.create({ model: 'gpt-rate-limit', messages: [] }), OpenAI.RateLimitError);
  await assert.rejects(client.chat.completions.create({ model: 'gpt-server-error', messages: [] }), OpenAI.InternalServerError);
  const raw = await client.chat.completions.create({ model: 'gpt-raw', messages: [] }).asResponse();
  assert.equal((await raw.json()).usage.prompt_tokens, 11, 'asResponse() body still readable');
  await new Promise((r) => setTimeout(r, 20));

  const out = await serializeAsync(registry);
  const line = (metric, labels, v) => assert.match(out, new RegExp(`^${metric}\\{${labels.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\} ${v}$`, 'm'), `${metric}{${labels}} ${v}\n${out}`);
  line('gen_ai_client_operation_duration_seconds_count', L('chat', 'gpt-4o'), 1);
  line('gen_ai_client_token_usage_sum', L('chat', 'gpt-4o', ',gen_ai_token_type="input"'), 11);
  line('gen_ai_client_token_usage_sum', L('chat', 'gpt-4o', ',gen_ai_token_type="output"'), 7);
  line('gen_ai_client_operation_time_to_first_chunk_seconds_count', L('chat', 'gpt-4o-slow'), 1);
  line('gen_ai_client_operation_time_per_output_chunk_seconds_count', L('chat', 'gpt-4o-slow'), 3);
  line('gen_ai_client_token_usage_sum', L('chat', 'gpt-4o-slow', ',gen_ai_token_type="output"'), 7);
  line('gen_ai_client_token_usage_sum', L('chat', 'gpt-5', ',gen_ai_token_type="input"'), 13);
  line('gen_ai_client_token_usage_sum', L('chat', 'gpt-5-mini', ',gen_ai_token_type="output"'), 5);
  line('gen_ai_client_operation_time_to_first_chunk_seconds_count', L('chat', 'gpt-5-mini'), 1);
  line('gen_ai_client_token_usage_sum', L('embeddings', 'text-embedding-3-small', ',gen_ai_token_type="input"'), 4);
  line('gen_ai_client_operation_duration_seconds_count', 'gen_ai_operation_name="text_to_speech",gen_ai_provider_name="openai",gen_ai_request_model="tts-1"', 1);
  line('gen_ai_client_text_to_speech_characters_total', 'gen_ai_provider_name="openai",gen_ai_request_model="tts-1"', 11);
  line('gen_ai_client_speech_to_text_audio_duration_seconds_total', 'gen_ai_provider_name="openai",gen_ai_request_model="whisper-1"', 4.5);
  line('gen_ai_client_token_usage_sum', 'gen_ai_operation_name="speech_to_text",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-transcribe",gen_ai_token_type="input"', 20);
  line('gen_ai_client_token_usage_sum', 'gen_ai_operation_name="generate_content",gen_ai_provider_name="openai",gen_ai_request_model="gpt-image-1",gen_ai_token_type="output"', 100);
  line('gen_ai_client_operation_duration_seconds_count', 'error_type="rate_limit",gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-rate-limit"', 1);
  line('gen_ai_client_operation_duration_seconds_count', 'error_type="server_error",gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-server-error"', 1);
  line('gen_ai_client_operation_duration_seconds_count', 'gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-raw"', 1);
  assert.doesNotMatch(out, /PROMPT-TEXT|Hello world|Hello there/);
  const mine = events.slice(start);
  assert.equal(mine.length, 12, `one usage event per call: ${JSON.stringify(mine)}`);
  assert.deepEqual(mine[0], { operation: 'chat', provider: 'openai', requestModel: 'gpt-4o', responseModel: 'gpt-4o-2025-01-01', inputTokens: 11, outputTokens: 7, cacheReadTokens: 3 });
  assert.equal(mine.find((e) => e.operation === 'text_to_speech').characters, 11);
  assert.equal(mine.find((e) => e.requestModel === 'whisper-1').audioSeconds, 4.5);
});

test('patched once: the guard symbol holds the original and the second instance did not wrap again', () => {
  const proto = OpenAI.Chat.Completions.prototype;
  assert.ok(Object.prototype.hasOwnProperty.call(proto, PATCHED));
  assert.equal(typeof proto[PATCHED].create, 'function');
  assert.equal(proto.create.name, 'agentmeterOpenAI');
  assert.notEqual(proto[PATCHED].create.name, 'agentmeterOpenAI');
});

test('disable() stops recording and restores the original methods; enable() patches again', async () => {
  instrumentation.disable();
  assert.notEqual(OpenAI.Chat.Completions.prototype.create.name, 'agentmeterOpenAI');
  await client.chat.completions.create({ model: 'gpt-disabled', messages: [] });
  instrumentation.enable();
  await client.chat.completions.create({ model: 'gpt-enabled', messages: [] });
  const out = await serializeAsync(registry);
  assert.doesNotMatch(out, /gpt-disabled/);
  assert.match(out, /gen_ai_request_model="gpt-enabled"/);
});
