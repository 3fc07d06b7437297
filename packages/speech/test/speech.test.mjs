import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Registry, serializeAsync } from '@agentmeter/core';
import { onGenAiUsage, setDiagnosticWarnings, DIAGNOSTIC_CHANNEL } from '@agentmeter/api';
import { SpeechRecorder, trackTextToSpeech, trackSpeechToText, countCharacters } from '@agentmeter/speech';

setDiagnosticWarnings(false);

test('TTS and STT record the duration histogram, the characters / audio-seconds counters and one usage event each', async () => {
  const registry = new Registry();
  const recorder = new SpeechRecorder({ meterProvider: registry });
  const events = [];
  const off = onGenAiUsage((e) => events.push(e));
  try {
    const audio = await trackTextToSpeech({ provider: 'elevenlabs', model: 'eleven_flash_v2_5', text: 'SECRET-TEXT héllo', recorder }, async () => Buffer.alloc(10));
    assert.equal(audio.length, 10);
    await trackSpeechToText({ provider: 'deepgram', model: 'nova-3', recorder }, async () => ({ text: 'x', duration: 12.5 }));
    await trackSpeechToText({ provider: 'openai', model: 'gpt-4o-transcribe', audioSeconds: 3, recorder }, async () => ({ text: 'x', usage: { type: 'tokens', input_tokens: 30, output_tokens: 4 } }));
    await assert.rejects(trackTextToSpeech({ provider: 'elevenlabs', model: 'eleven_flash_v2_5', text: 'abc', recorder }, async () => { throw Object.assign(new Error('busy'), { status: 503 }); }), /busy/);
  } finally {
    off();
  }
  const text = await serializeAsync(registry);
  assert.match(text, /^gen_ai_client_operation_duration_seconds_count\{gen_ai_operation_name="text_to_speech",gen_ai_provider_name="elevenlabs",gen_ai_request_model="eleven_flash_v2_5"\} 1$/m);
  assert.match(text, /^gen_ai_client_operation_duration_seconds_count\{error_type="server_error",gen_ai_operation_name="text_to_speech",gen_ai_provider_name="elevenlabs",gen_ai_request_model="eleven_flash_v2_5"\} 1$/m);
  // characters only for the successful call: 17 code points
  assert.match(text, /^gen_ai_client_text_to_speech_characters_total\{gen_ai_provider_name="elevenlabs",gen_ai_request_model="eleven_flash_v2_5"\} 17$/m);
  assert.match(text, /^gen_ai_client_speech_to_text_audio_duration_seconds_total\{gen_ai_provider_name="deepgram",gen_ai_request_model="nova-3"\} 12.5$/m);
  assert.match(text, /^gen_ai_client_speech_to_text_audio_duration_seconds_total\{gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-transcribe"\} 3$/m);
  // speech is not inference: gen_ai.client.operation.duration only, tokens go to the usage event (cost)
  assert.match(text, /^gen_ai_client_operation_duration_seconds_count\{gen_ai_operation_name="speech_to_text",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-transcribe"\} 1$/m);
  assert.doesNotMatch(text, /gen_ai_client_inference_|gen_ai_client_token_usage/);
  assert.doesNotMatch(text, /SECRET-TEXT/);
  assert.equal(events.length, 4);
  assert.equal(events[0].characters, 17);
  assert.equal(events[1].audioSeconds, 12.5);
  assert.equal(events[2].inputTokens, 30);
  assert.equal(events[2].outputTokens, 4);
  assert.equal(events[3].errorType, 'server_error');
  assert.equal(events[3].characters, undefined);
  assert.equal(countCharacters('👋a'), 2);
});

test('bad speech input is dropped with a diagnostic and never throws', async () => {
  const registry = new Registry();
  const recorder = new SpeechRecorder({ meterProvider: registry });
  const diags = [];
  const onDiag = (d) => diags.push(d);
  subscribe(DIAGNOSTIC_CHANNEL, onDiag);
  try {
    assert.doesNotThrow(() => {
      recorder.record({ operation: 'text_to_speech', provider: 'p', model: 'm', durationSeconds: 0.1, characters: -5 });
      recorder.record({ operation: 'speech_to_text', provider: 'p', model: 'm2', durationSeconds: NaN, audioSeconds: Infinity });
      recorder.record({ operation: 'dance', provider: 'p' });
      recorder.record(undefined);
    });
  } finally {
    unsubscribe(DIAGNOSTIC_CHANNEL, onDiag);
  }
  const text = await serializeAsync(registry);
  assert.doesNotMatch(text, /characters_total\{/);
  assert.doesNotMatch(text, /audio_duration_seconds_total\{/);
  assert.doesNotMatch(text, /dance/);
  assert.match(text, /^gen_ai_client_operation_duration_seconds_count\{gen_ai_operation_name="text_to_speech",gen_ai_provider_name="p",gen_ai_request_model="m"\} 1$/m);
  assert.ok(diags.length >= 1);
});
