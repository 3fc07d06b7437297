// Issue 5.2: label values with quotes, backslashes, newlines, emoji, control characters,
// lone surrogates or 10 kB of text are escaped or truncated (1024 UTF-16 units, never
// splitting a surrogate pair) so the exposition stays valid: promtool accepts it, and a
// real Prometheus scrapes it (up == 1) and reads every value back exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Registry, serializeAsync, PROMETHEUS_CONTENT_TYPE, MAX_LABEL_VALUE_LENGTH } from '@agentmeter/core';
import { promtoolCheckMetrics, startPrometheus } from '@agentmeter/test-utils/prometheus';

const TEN_KB = 'x'.repeat(10 * 1024);
const EMOJI_AT_CUT = 'y'.repeat(MAX_LABEL_VALUE_LENGTH - 1) + '🚀tail'; // the cut falls inside a surrogate pair
const CASES = {
  quote: 'say "hi"',
  backslash: 'C:\\path\\to\\',
  newline: 'line1\nline2\r\nline3',
  emoji: 'rocket 🚀 family 👩‍👩‍👧 flag 🇫🇷',
  tenkb: TEN_KB,
  emoji_at_cut: EMOJI_AT_CUT,
  literal_escape: 'not a newline: \\n and \\"',
  braces: '} {a="b",c="d"} 1\n# TYPE evil counter',
  control: 'tab\there\u0000nul\u0007bell\u001b[31mred',
  lone_surrogate: 'broken \ud800 pair \udfff',
  empty: '',
  cjk: '日本語のラベル',
};
/** What Prometheus reads back: truncated, lone surrogates become U+FFFD on the wire (UTF-8). */
function expected(v) {
  let s = v;
  if (s.length > MAX_LABEL_VALUE_LENGTH) {
    let end = MAX_LABEL_VALUE_LENGTH;
    const c = s.charCodeAt(end - 1);
    if (c >= 0xd800 && c <= 0xdbff) end--;
    s = s.slice(0, end);
  }
  return Buffer.from(s, 'utf8').toString('utf8');
}

let server;
let prom;
let reg;

before(async () => {
  reg = new Registry();
  const m = reg.getMeter('hostile');
  const c = m.createCounter('hostile.values');
  const h = m.createHistogram('hostile.latency', { unit: 's' });
  const g = m.createObservableGauge('hostile.level');
  g.addCallback((r) => {
    for (const [k, v] of Object.entries(CASES)) r.observe(1, { case: k, v });
  });
  for (const [k, v] of Object.entries(CASES)) {
    c.add(1, { case: k, v });
    h.record(0.2, { case: k, v });
  }
  server = createServer(async (req, res) => {
    const body = await serializeAsync(reg, { resource: { 'service.name': 'hostile "svc"\n🚀' } });
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  prom = await startPrometheus([{ job: 'hostile', port: server.address().port }]);
});

after(async () => {
  await prom?.stop();
  server?.close();
});

test('promtool accepts the exposition', async () => {
  const text = await serializeAsync(reg, { resource: { 'service.name': 'hostile "svc"\n🚀' } });
  const check = promtoolCheckMetrics(text);
  assert.ok(check.ok, check.output);
  // nothing broke out of a label: every sample line starts with a known family
  for (const l of text.split('\n')) if (l && !l.startsWith('#')) assert.match(l, /^(hostile_|target_info)/, l);
  // no line is longer than the label cap allows (a 10 kB value was truncated)
  assert.ok(Math.max(...text.split('\n').map((l) => l.length)) < 6 * MAX_LABEL_VALUE_LENGTH);
});

test('a real Prometheus scrapes it and reads every value back', async () => {
  await prom.waitForValue('count(hostile_values_total)', (v) => v === Object.keys(CASES).length);
  assert.equal(await prom.value('up{job="hostile"}'), 1);
  for (const [k, v] of Object.entries(CASES)) {
    for (const metric of ['hostile_values_total', 'hostile_latency_seconds_count', 'hostile_level']) {
      const r = await prom.query(`${metric}{case="${k}"}`);
      assert.equal(r.length, 1, `${metric} ${k}`);
      assert.equal(r[0].metric.v ?? '', expected(v), `${metric} ${k}`);
    }
  }
  const info = await prom.query('target_info{job="hostile"}');
  assert.equal(info[0].metric.service_name, 'hostile "svc"\n🚀');
  // Prometheus reports no sample rejected for this target
  assert.equal(await prom.value('scrape_samples_scraped{job="hostile"}') > 0, true);
});
