// How `npm run example -- digital-actors` runs this example, and its simulated players.
import WebSocket from 'ws';

export const example = {
  services: ['postgres'],
  port: 8888,
  token: true, // bearer-protected /metrics: AGENTMETER_METRICS_TOKEN, generated when unset
  args: () => ['--import', '@agentmeter/sdk/register', 'server.mjs'],
  env: { OTEL_SERVICE_NAME: 'digital-actors' },
};

const sleep = (ms, signal) => new Promise((r) => (signal.aborted ? r() : (setTimeout(r, ms), signal.addEventListener('abort', r, { once: true }))));
const pick = (a) => a[Math.floor(Math.random() * a.length)];
const CAST = [
  { scene: 'tavern', character: 'innkeeper' },
  { scene: 'tavern', character: 'bard' },
  { scene: 'forest', character: 'ranger' },
];
const LINES = ['hello', 'any news?', 'sing me a song', 'which way to the castle?'];

/** One message: mostly fine; some to a character not in the scene, some rate-limited, some whose speech fails. */
function message() {
  const r = Math.random();
  const { scene, character } = pick(CAST);
  if (r < 0.08) return { scene: 'tavern', character: 'dragon', text: 'roar' }; // validation_error
  if (r < 0.16) return { scene, character, text: pick(LINES), model: character === 'ranger' ? 'claude-haiku-4-5-rate-limit' : 'gpt-4o-mini-rate-limit' }; // llm_error
  if (r < 0.22) return { scene, character, text: pick(LINES), ttsModel: 'tts-1-server-error' }; // tts_error
  return { scene, character, text: pick(LINES) };
}

/** One player session over WebSocket: a few messages, then a normal close or a dropped connection. */
async function player(wsUrl, signal) {
  const ws = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const n = 2 + Math.floor(Math.random() * 5);
  for (let i = 0; i < n && !signal.aborted; i++) {
    const reply = new Promise((resolve) => ws.once('message', resolve).once('close', resolve));
    ws.send(JSON.stringify(message()));
    await reply;
    await sleep(100 + Math.random() * 300, signal);
  }
  if (Math.random() < 0.2) ws.terminate();
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
    loop(() => player(wsUrl, signal)),
    loop(() => player(wsUrl, signal)),
    loop(() => player(wsUrl, signal)),
    loop(async () => {
      const m = message();
      await fetch(`${appUrl}/talk?${new URLSearchParams(m)}`).then((r) => r.arrayBuffer());
      await fetch(`${appUrl}/health`).then((r) => r.arrayBuffer());
      await sleep(700, signal);
    }),
  ]);
}
