import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setDiagnosticWarnings } from '@agentmeter/api';
import { openaiAdapter } from '@agentmeter/llm';
import { GenAiClientInstrumentation, observeGenAiCall } from '@agentmeter/instrumentation-genai-client';

setDiagnosticWarnings(false);

const attrs = { provider: 'openai', requestModel: 'gpt-x', operation: 'chat' };
function fakeRecorder() {
  const calls = [];
  return { calls, record: (c) => calls.push(c) };
}
const tick = () => new Promise((r) => setImmediate(r));

/** A Stainless-like stream: `iterator()` and `[Symbol.asyncIterator]` both go through `iterator`. */
function fakeStream(chunks) {
  return {
    iterator: async function* () {
      for (const c of chunks) yield c;
    },
    [Symbol.asyncIterator]() {
      return this.iterator();
    },
  };
}

test('a complete result is recorded once with the usage the adapter reads; the promise is returned as it is', async () => {
  const rec = fakeRecorder();
  const p = Promise.resolve({ model: 'gpt-x-1', usage: { prompt_tokens: 3, completion_tokens: 4 } });
  const out = observeGenAiCall(() => p, { attrs, start: 0, stream: false, adapter: openaiAdapter, recorder: rec });
  assert.equal(out, p);
  await p;
  await tick();
  assert.equal(rec.calls.length, 1);
  assert.equal(rec.calls[0].inputTokens, 3);
  assert.equal(rec.calls[0].outputTokens, 4);
  assert.equal(rec.calls[0].responseModel, 'gpt-x-1');
  assert.equal(rec.calls[0].error, undefined);
});

test('a synchronous throw and a rejection are recorded as errors and passed on', async () => {
  const rec = fakeRecorder();
  const boom = new Error('boom');
  assert.throws(() => observeGenAiCall(() => { throw boom; }, { attrs, start: 0, stream: false, adapter: openaiAdapter, recorder: rec }), boom);
  const rejected = Promise.reject(boom);
  await assert.rejects(observeGenAiCall(() => rejected, { attrs, start: 0, stream: false, adapter: openaiAdapter, recorder: rec }), boom);
  await tick();
  assert.deepEqual(rec.calls.map((c) => c.error), [boom, boom]);
});

test('a stream is observed in place: recorded once at its end with TTFT, time per chunk and final usage', async () => {
  const rec = fakeRecorder();
  const stream = fakeStream([
    { model: 'gpt-x-1', choices: [{ delta: { content: 'a' } }] },
    { choices: [{ delta: { content: 'b' } }] },
    { choices: [], usage: { prompt_tokens: 5, completion_tokens: 2 } },
  ]);
  const out = observeGenAiCall(() => Promise.resolve(stream), { attrs, start: 0, stream: true, adapter: openaiAdapter, recorder: rec });
  const value = await out;
  assert.equal(value, stream);
  await tick();
  assert.equal(rec.calls.length, 0);
  const seen = [];
  for await (const c of value) seen.push(c);
  assert.equal(seen.length, 3);
  assert.equal(rec.calls.length, 1);
  assert.equal(rec.calls[0].inputTokens, 5);
  assert.equal(rec.calls[0].outputTokens, 2);
  assert.equal(typeof rec.calls[0].timeToFirstChunkSeconds, 'number');
  assert.equal(rec.calls[0].timePerOutputChunkSeconds.length, 1);
});

test('an APIPromise whose body nobody parses (asResponse) is recorded with its duration only', async () => {
  const rec = fakeRecorder();
  const response = { status: 200 };
  const apiPromise = {
    responsePromise: Promise.resolve(response),
    parseResponse: () => ({ usage: { prompt_tokens: 1 } }),
    then(onOk, onErr) {
      return this.responsePromise.then(() => this.parseResponse()).then(onOk, onErr);
    },
  };
  const out = observeGenAiCall(() => apiPromise, { attrs, start: 0, stream: false, adapter: openaiAdapter, recorder: rec });
  assert.equal(out, apiPromise);
  assert.equal(await apiPromise.responsePromise, response);
  await tick();
  await tick();
  assert.equal(rec.calls.length, 1);
  assert.equal(rec.calls[0].inputTokens, undefined);
});

test('GenAiClientInstrumentation patches the spec targets once, and records each call through record()', async () => {
  class Completions {
    create(body) {
      return Promise.resolve({ model: body.model, usage: { prompt_tokens: 1, completion_tokens: 1 } });
    }
  }
  class Client {}
  Client.Chat = class Chat {};
  Client.Chat.Completions = Completions;
  const guard = Symbol('test.patched');
  const spec = { moduleName: 'fake-client', supportedVersions: '*', exportName: 'Client', marker: 'Chat', targets: [{ path: ['Chat', 'Completions'], method: 'create', operation: 'chat' }], guard, wrapperName: 'agentmeterFake', label: 'fake', adapter: openaiAdapter };
  const outcomes = [];
  class FakeInstrumentation extends GenAiClientInstrumentation {
    spec() { return spec; }
    provider() { return 'fake'; }
    record(target, call, outcome) { outcomes.push({ target, call, outcome }); }
  }
  const inst = new FakeInstrumentation('@agentmeter/fake', '0.0.0', { enabled: false });
  const original = Completions.prototype.create;
  inst.enable();
  inst.manuallyInstrument({ Client });
  inst.manuallyInstrument({ Client });
  assert.equal(Completions.prototype.create.name, 'agentmeterFake');
  assert.equal(Completions.prototype[guard].create, original);
  await new Completions().create({ model: 'm' });
  await tick();
  assert.equal(outcomes.length, 1);
  assert.deepEqual(outcomes[0].call.attrs, { provider: 'fake', requestModel: 'm', operation: 'chat' });
  assert.equal(outcomes[0].outcome.kind, 'result');
  inst.disable();
});
