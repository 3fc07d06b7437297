// Digital Actors with agentmeter: game characters answering players over WebSocket (and
// HTTP), an LLM reply plus text-to-speech per message. Run:
//   AGENTMETER_METRICS_TOKEN=change-me-please node --import @agentmeter/sdk/register server.mjs
// /metrics (port AGENTMETER_METRICS_PORT, default 9464) then needs `Authorization: Bearer change-me-please`.
import http from 'node:http';
import { setHttpRoute } from '@agentmeter/sdk';
import { metrics } from '@opentelemetry/api';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import pg from 'pg';
import { WebSocketServer } from 'ws';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';

// The fake LLM server stands in for the paid APIs: in this process, or at LLM_URL (the
// one-command runner starts it there); set OPENAI_BASE_URL / ANTHROPIC_BASE_URL for real ones.
const llm = process.env.OPENAI_BASE_URL || process.env.LLM_URL ? undefined : await startFakeLlm();
const llmUrl = process.env.LLM_URL ?? llm?.url;
const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY ?? 'fake', baseURL: process.env.OPENAI_BASE_URL ?? `${llmUrl}/v1`, maxRetries: 0 });
const anthropic = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY ?? 'fake', baseURL: process.env.ANTHROPIC_BASE_URL ?? llmUrl, maxRetries: 0 });

// Optional Postgres (PG_URL): each character's memory of the dialogue. Its query time by
// operation comes from agentmeter's pg instrumentation.
// host / port / database spelled out so the pool metrics' db.client.connection.pool.name reads host:port/database
const pgUrl = process.env.PG_URL ? new URL(process.env.PG_URL) : undefined;
const pool = pgUrl
  ? new pg.Pool({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432), database: pgUrl.pathname.slice(1) || 'postgres', user: decodeURIComponent(pgUrl.username) || undefined, password: decodeURIComponent(pgUrl.password) || undefined, max: 5 })
  : undefined;
pool?.on('error', (e) => console.error('pg pool:', e.message)); // an idle client's error must not crash the app
await pool?.query('CREATE TABLE IF NOT EXISTS dialogue (id serial PRIMARY KEY, scene text, character text, line text)');

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

// the guide's "Adding Custom Metrics" examples, in the catalogue's style
const customOperation = meter.createHistogram('digital_actors.custom_operation.duration', { unit: 's', description: 'Time taken for custom operation (the memory lookup).', advice: { explicitBucketBoundaries: [0.1, 0.5, 1, 5, 10] } });
const customEvents = meter.createCounter('digital_actors.custom_events', { unit: '{event}', description: 'Total number of custom events.' });

const CHARACTERS = { tavern: ['innkeeper', 'bard'], forest: ['ranger'] };
// the ranger speaks through Claude, the others through OpenAI
const PROVIDER = { ranger: 'anthropic' };

async function reply(character, text, model) {
  if (PROVIDER[character] === 'anthropic') {
    const m = await anthropic.messages.create({ model: model ?? 'claude-haiku-4-5', max_tokens: 100, system: `You are the ${character}.`, messages: [{ role: 'user', content: text }] });
    return m.content[0].text;
  }
  const r = await openai.chat.completions.create({ model: model ?? 'gpt-4o-mini', messages: [{ role: 'system', content: `You are the ${character}.` }, { role: 'user', content: text }] });
  return r.choices[0].message.content;
}

async function remember(scene, character, line) {
  if (!pool) return;
  const t0 = performance.now();
  await pool.query('INSERT INTO dialogue (scene, character, line) VALUES ($1, $2, $3)', [scene, character, line]);
  await pool.query('SELECT line FROM dialogue WHERE scene = $1 AND character = $2 ORDER BY id DESC LIMIT 5', [scene, character]);
  customOperation.record((performance.now() - t0) / 1000);
}

async function handleMessage({ scene, character, text, model, ttsModel = 'tts-1' }) {
  const t0 = performance.now();
  let status = 'ok';
  try {
    if (!CHARACTERS[scene]?.includes(character)) {
      status = 'validation_error';
      return { error: `unknown character ${character} in ${scene}` };
    }
    customEvents.add(1, { event_type: 'player_action' });
    let said;
    try {
      said = await reply(character, String(text ?? ''), model);
    } catch (e) {
      status = 'llm_error';
      return { error: e.constructor.name };
    }
    await remember(scene, character, said);
    try {
      const audio = await openai.audio.speech.create({ model: ttsModel, voice: 'alloy', input: said });
      return { reply: said, audioBytes: (await audio.arrayBuffer()).byteLength };
    } catch (e) {
      status = 'tts_error';
      return { error: e.constructor.name };
    }
  } catch (e) {
    status = 'internal_error';
    return { error: e.constructor.name };
  } finally {
    const attrs = { scene: String(scene), character: String(character), status };
    requests.add(1, attrs);
    responseTime.record((performance.now() - t0) / 1000, attrs);
  }
}

// The app's routes, so that http_server_request_duration_seconds carries http_route
// (plain node:http matches no route by itself; setHttpRoute is agentmeter's call for that).
const ROUTES = new Set(["/health", "/talk"]);
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (ROUTES.has(url.pathname)) setHttpRoute(req, url.pathname);
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
const stop = () =>
  server.close(async () => {
    await pool?.end();
    await llm?.close();
    process.exit(0);
  });
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
