// The runtime metrics' settings of the SDK (issue 18) reach them: the event-loop delay
// sampler's interval (eventLoopDelayResolutionMillis / AGENTMETER_EVENT_LOOP_DELAY_RESOLUTION)
// and the GC observer (gcDuration / AGENTMETER_GC_DURATION).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig, start } from '@agentmeter/sdk';
import { runLines } from './lib/child.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('the event-loop delay sampler: default 20 ms; the option and the variable set it', async () => {
  assert.equal(resolveConfig({ env: {} }).eventLoopDelayResolutionMillis, 20);
  assert.equal(resolveConfig({ env: { AGENTMETER_EVENT_LOOP_DELAY_RESOLUTION: '50' } }).eventLoopDelayResolutionMillis, 50);
  assert.equal(resolveConfig({ eventLoopDelayResolutionMillis: 5, env: { AGENTMETER_EVENT_LOOP_DELAY_RESOLUTION: '50' } }).eventLoopDelayResolutionMillis, 5);

  // a 2 s sampler has taken no sample after 150 ms: the delay gauges are absent, the rest is there
  let h = start({ port: 0, instrumentations: ['runtime'], eventLoopDelayResolutionMillis: 2000 });
  try {
    await sleep(150);
    const text = await h.metrics();
    assert.match(text, /^process_uptime_seconds \d/m);
    assert.doesNotMatch(text, /^nodejs_eventloop_delay_p99_seconds/m);
  } finally {
    await h.shutdown();
  }
  // a 10 ms one, from the environment, has
  h = start({ port: 0, instrumentations: ['runtime'], env: { AGENTMETER_EVENT_LOOP_DELAY_RESOLUTION: '10' } });
  try {
    await sleep(150);
    assert.match(await h.metrics(), /^nodejs_eventloop_delay_p99_seconds \d/m);
  } finally {
    await h.shutdown();
  }
});

test('gcDuration / AGENTMETER_GC_DURATION=false: no GC observer, so no v8js.gc.duration; the default records a forced GC', () => {
  // the --require preload, a forced major GC, then the exposition's GC count
  const app = `globalThis.gc(); setTimeout(async () => {
    const text = await globalThis[Symbol.for('agentmeter.sdk.handle')].metrics();
    const m = text.match(/^v8js_gc_duration_seconds_count\\{v8js_gc_type="major"\\} (\\d+)$/m);
    console.log('major', m ? m[1] : 'none');
    console.log('uptime', /^process_uptime_seconds \\d/m.test(text));
  }, 100);`;
  const args = ['--expose-gc', '--require', '@agentmeter/sdk/register', '-e', app];
  assert.equal(resolveConfig({ env: {} }).gcDuration, true);
  const on = runLines(args, { AGENTMETER_INSTRUMENTATIONS: 'runtime' }).out;
  assert.ok(Number(on.major) >= 1, `default: ${on.major}`);
  const off = runLines(args, { AGENTMETER_INSTRUMENTATIONS: 'runtime', AGENTMETER_GC_DURATION: 'false' }).out;
  assert.equal(off.major, 'none');
  assert.equal(off.uptime, 'true', 'the rest of the runtime metrics stay');
});
