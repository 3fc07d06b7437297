// The Learning Voice Agent with agentmeter: a voice conversation over WebSocket. Each
// binary message is audio: Whisper (openai) transcribes it, Claude (@anthropic-ai/sdk)
// answers unless Redis has the answer cached, Postgres stores the exchange. Sessions,
// conversation exchanges by intent and quality scores are app-defined metrics; HTTP,
// WebSocket, LLM + STT calls, tokens, cost, Postgres and the Redis cache come from agentmeter.
//   PG_URL=postgres://... REDIS_URL=redis://127.0.0.1:6379 node --import @agentmeter/sdk/register server.mjs
import http from 'node:http';
import { setHttpRoute } from '@agentmeter/sdk';
import { metrics } from '@opentelemetry/api';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import Redis from 'ioredis';
import pg from 'pg';
import { WebSocketServer } from 'ws';
import { instrumentCache, cacheStats } from '@agentmeter/cache';
import { runHealthChecks } from '@agentmeter/health';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';

// the fake LLM server: at LLM_URL (the one-command runner starts it there), else in this process
const llm = process.env.LLM_URL ? undefined : await startFakeLlm();
const llmUrl = process.env.LLM_URL ?? llm.url;
const claude = new Anthropic({ apiKey: 'fake', baseURL: llmUrl, maxRetries: 0 });
const openai = new OpenAI({ apiKey: 'fake', baseURL: `${llmUrl}/v1`, maxRetries: 0 });
const redis = instrumentCache(new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 1 }), {
  name: 'responses',
  sizeOf: async (r) => Number(/used_memory:(\d+)/.exec(await r.info('memory'))?.[1] ?? 0),
});
const pgUrl = new URL(process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const pool = new pg.Pool({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432), database: pgUrl.pathname.slice(1) || 'postgres', user: decodeURIComponent(pgUrl.username) || undefined, password: decodeURIComponent(pgUrl.password) || undefined, max: 5 });
pool.on('error', (e) => console.error('pg pool:', e.message)); // an idle client's error must not crash the app
const CACHE_TTL_S = Number(process.env.CACHE_TTL_S ?? 3600);
await pool.query('CREATE TABLE IF NOT EXISTS exchanges (id serial PRIMARY KEY, session int, intent text, question text, answer text)');

// App-defined metrics (the seed's session and conversation metrics), in the catalogue's style.
const meter = metrics.getMeter('voice-agent');
const sessionsActive = meter.createUpDownCounter('voice_agent.sessions.active', { unit: '{session}', description: 'Open conversation sessions.' });
const sessionsCreated = meter.createCounter('voice_agent.sessions', { unit: '{session}', description: 'Sessions started.' });
const sessionDuration = meter.createHistogram('voice_agent.session.duration', { unit: 's', description: 'Session length.', advice: { explicitBucketBoundaries: [1, 10, 30, 60, 300, 900, 1800, 3600] } });
const exchanges = meter.createCounter('voice_agent.conversation.exchanges', { unit: '{exchange}', description: 'Question/answer exchanges by intent.' });
const quality = meter.createHistogram('voice_agent.conversation.quality_score', {
  unit: '{score}',
  description: 'Quality score (0..1) of an exchange, by intent.',
  advice: { explicitBucketBoundaries: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] },
});
const engagement = meter.createHistogram('voice_agent.user.engagement_score', {
  unit: '{score}',
  description: 'Per-session engagement (0..1): exchanges in the session, 10 or more = 1.',
  advice: { explicitBucketBoundaries: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] },
});
let active = 0;
let claudeHealthy = true; // the last Claude call's outcome, reported by /api/health

const intentOf = (text) => (/\?$/.test(text) ? 'question' : /explain|teach/i.test(text) ? 'learn' : 'chat');

async function exchange(session, audio, model) {
  const t = await openai.audio.transcriptions.create({ model: 'whisper-1', file: new File([audio], 'speech.wav', { type: 'audio/wav' }), response_format: 'verbose_json' });
  const question = t.text;
  const intent = intentOf(question);
  const key = `answer:${model}:${question}`; // answers differ per model
  let answer = await redis.get(key);
  if (!answer) {
    try {
      const m = await claude.messages.create({ model, max_tokens: 200, messages: [{ role: 'user', content: question }] });
      claudeHealthy = true;
      answer = m.content[0].text;
    } catch (e) {
      claudeHealthy = false;
      throw e;
    }
    await redis.set(key, answer, 'EX', CACHE_TTL_S);
  }
  await pool.query('INSERT INTO exchanges (session, intent, question, answer) VALUES ($1, $2, $3, $4)', [session, intent, question, answer]);
  // "learn" answers look up what the session covered so far: a slow analytics query
  if (intent === 'learn') await pool.query('SELECT pg_sleep(0.15), count(*) FROM exchanges WHERE session = $1', [session]);
  exchanges.add(1, { intent });
  quality.record(Math.min(1, answer.length / 20), { intent });
  return { intent, question, answer };
}

let nextSession = 0;
// The app's routes, so that http_server_request_duration_seconds carries http_route
// (plain node:http matches no route by itself; setHttpRoute is agentmeter's call for that).
const ROUTES = new Set(["/api/health", "/api/metrics"]);
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (ROUTES.has(url.pathname)) setHttpRoute(req, url.pathname);
  const json = (status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (url.pathname === '/api/health') {
    const report = await runHealthChecks(
      {
        database: () => pool.query('SELECT 1'),
        redis: async () => (await redis.ping()) === 'PONG',
        claude_api: () => claudeHealthy,
        whisper_api: () => true,
      },
      { timeoutMs: 2000 },
    );
    return json(report.healthy ? 200 : 503, { ...report, metrics: { active_sessions: active, uptime_seconds: Math.round(process.uptime()) } });
  }
  if (url.pathname === '/api/metrics') return json(200, { active_sessions: active, cache: cacheStats('responses') ?? null });
  json(404, { error: 'not found' });
});
new WebSocketServer({ server }).on('connection', (ws, req) => {
  const session = ++nextSession;
  // the Claude model of the session (the simulated users also pick the fake server's failing ones)
  const model = new URL(req.url ?? '/', 'http://x').searchParams.get('model') ?? 'claude-sonnet-5';
  let count = 0;
  const started = performance.now();
  active++;
  sessionsActive.add(1);
  sessionsCreated.add(1);
  ws.on('message', async (data, isBinary) => {
    if (!isBinary) return ws.send(JSON.stringify({ error: 'send audio as binary frames' }));
    try {
      const out = await exchange(session, data, model);
      count++;
      ws.send(JSON.stringify(out));
    } catch (e) {
      ws.send(JSON.stringify({ error: e.constructor.name }));
    }
  });
  ws.on('close', () => {
    active--;
    sessionsActive.add(-1);
    sessionDuration.record((performance.now() - started) / 1000);
    engagement.record(Math.min(1, count / 10));
  });
});
server.listen(Number(process.env.PORT ?? 8000), '127.0.0.1', () => console.log(`ready ${server.address().port}`));
const stop = () => server.close(async () => {
  redis.disconnect();
  await pool.end();
  await llm?.close();
  process.exit(0);
});
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
