// How `npm run example -- voice-agent` runs this example, and its simulated users.
import WebSocket from 'ws';

export const example = {
  services: ['postgres', 'redis'],
  port: 8000,
  args: () => ['--import', '@agentmeter/sdk/register', 'server.mjs'],
  // short answer-cache TTL so the users see misses as well as hits
  env: { OTEL_SERVICE_NAME: 'voice-agent', CACHE_TTL_S: '4' },
};

const sleep = (ms, signal) => new Promise((r) => (signal.aborted ? r() : (setTimeout(r, ms), signal.addEventListener('abort', r, { once: true }))));
const pick = (a) => a[Math.floor(Math.random() * a.length)];
// one utterance per intent: "learn" (explain / teach), "question" (ends with ?), "chat"
const UTTERANCES = ['explain recursion', 'teach me closures', 'what is a promise?', 'how do I sort a list?', 'hello', 'thanks, that helps'];

/** One speaker: a session of a few utterances, closed normally or dropped (abnormal close). */
async function speaker(wsUrl, signal) {
  const r = Math.random();
  // most sessions use the real model name; some hit a rate limit or a provider 5xx
  const model = r < 0.15 ? 'claude-sonnet-5-rate-limit' : r < 0.3 ? 'claude-sonnet-5-server-error' : 'claude-sonnet-5';
  const ws = new WebSocket(`${wsUrl}/?model=${model}`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const n = 2 + Math.floor(Math.random() * 4);
  for (let i = 0; i < n && !signal.aborted; i++) {
    const reply = new Promise((resolve) => ws.once('message', resolve).once('close', resolve));
    ws.send(Buffer.from(`say:${pick(UTTERANCES)}`));
    await reply;
    await sleep(100 + Math.random() * 300, signal);
  }
  if (Math.random() < 0.25) ws.terminate(); // the player's network drops: close code 1006
  else ws.close(1000);
}

export async function users({ appUrl, signal }) {
  const wsUrl = appUrl.replace(/^http/, 'ws');
  const loop = async (fn) => {
    while (!signal.aborted) {
      await fn().catch(() => undefined);
      await sleep(50, signal);
    }
  };
  await Promise.all([
    loop(() => speaker(wsUrl, signal)),
    loop(() => speaker(wsUrl, signal)),
    loop(() => speaker(wsUrl, signal)),
    loop(async () => {
      for (const p of ['/api/health', '/api/metrics', '/api/nope']) await fetch(appUrl + p).then((r) => r.arrayBuffer());
      await sleep(1000, signal);
    }),
  ]);
}
