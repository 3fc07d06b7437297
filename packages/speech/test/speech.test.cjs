const { test } = require('node:test');
const assert = require('node:assert/strict');
const speech = require('@agentmeter/speech');

test('CommonJS: plain named exports', () => {
  for (const n of ['recordSpeechCall', 'trackTextToSpeech', 'trackSpeechToText', 'SpeechRecorder', 'transcriptionUsage', 'countCharacters']) assert.equal(typeof speech[n], 'function', n);
  assert.deepEqual(speech.transcriptionUsage({ usage: { type: 'duration', seconds: 2 } }), { audioSeconds: 2 });
});
