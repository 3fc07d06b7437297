// Digital Actors with agentmeter: game characters answering players over WebSocket (and
// HTTP), an LLM reply plus text-to-speech per message. Run:
//   AGENTMETER_METRICS_TOKEN=change-me-please node --import @agentmeter/sdk/register server.mjs
// /metrics (port AGENTMETER_METRICS_PORT, default 9464) then needs `Authorization: Bearer change-me-please`.
import http from 'node:http';
import { metrics } from '@opentelemetry/api';
import OpenAI from 'openai';
import { WebSocketServer } from 'ws';
import { startFakeLlm } from '../../test/helpers/fake-llm.mjs';

// The fake LLM server stands in for the paid API (set OPENAI_BASE_URL to use a real one).
const llm = process.env.OPENAI_BASE_URL ? undefined : await startFakeLlm();
const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY ?? 'fake', baseURL: process.env.OPENAI_BASE_URL ?? `${llm.url}/v1`, maxRetries: 0 });

// App-defined metrics: the seed's requests by scene / character / status and the whole
// response time (LLM + TTS). LLM and TTS latency, WebSocket sessions and HTTP come from
// agentmeter's instrumentations.
const meter = metrics.getMeter('digital-actors');
const requests = meter.createCounter('digital_actors.requests', { unit: '{request}', description: 'Player messages handled, by scene, character and status.' });
const responseTime = meter.createHistogram('digital_actors.response.duration', {
  unit: 's',
  description: 'Whole response time of a player message: LLM reply plus speech.',
  advice: { explicitBucketBoundaries: [0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
});

const CHARACTERS = { tavern: ['innkeeper', 'bard'], forest: ['ranger'] };

async function handleMessage({ scene, character, text, model = 'gpt-4o-mini' }) {
  const t0 = performance.now();
  let status = 'ok';
  try {
    if (!CHARACTERS[scene]?.includes(character)) {
      status = 'validation_error';
      return { error: `unknown character ${character} in ${scene}` };
    }
    const r = await openai.chat.completions.create({ model, messages: [{ role: 'system', content: `You are the ${character}.` }, { role: 'user', content: String(text ?? '') }] });
    const reply = r.choices[0].message.content;
    const audio = await openai.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: reply });
    const bytes = (await audio.arrayBuffer()).byteLength;
    return { reply, audioBytes: bytes };
  } catch (e) {
    status = 'llm_error';
    return { error: e.constructor.name };
  } finally {
    const attrs = { scene: String(scene), character: String(character), status };
    requests.add(1, attrs);
    responseTime.record((performance.now() - t0) / 1000, attrs);
  }
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/health') return res.writeHead(200).end('ok');
  if (url.pathname === '/talk') {
    const out = await handleMessage(Object.fromEntries(url.searchParams));
    return res.writeHead(out.error ? 400 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
  }
  res.writeHead(404).end();
});
// one WebSocket session per player
new WebSocketServer({ server }).on('connection', (ws) => {
  ws.on('message', async (data) => {
    let msg;
    try {
      msg = JSON.parse(String(data));
    } catch {
      return ws.send(JSON.stringify({ error: 'bad json' }));
    }
    ws.send(JSON.stringify(await handleMessage(msg)));
  });
});
server.listen(Number(process.env.PORT ?? 8888), '127.0.0.1', () => console.log(`ready ${server.address().port}`));
const stop = () => server.close(() => llm?.close().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
