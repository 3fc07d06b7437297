// AliceMultiverse's media pipeline with agentmeter: image and text generation across
// providers, each behind an opossum circuit breaker whose state and health agentmeter
// reports; cost per request (with a price override for the image model); assets
// processed, their quality scores and published events as app-defined metrics.
// No metrics code for HTTP, LLM calls or cost: run it under the agentmeter CLI:
//   AGENTMETER_PRICES_FILE=prices.json npm exec --no -- agentmeter run --host 0.0.0.0 --port 9090 -- node server.mjs
import http from 'node:http';
import { setHttpRoute } from '@agentmeter/sdk';
import { metrics } from '@opentelemetry/api';
import OpenAI from 'openai';
import CircuitBreaker from 'opossum';
import pg from 'pg';
import { withLlmMetrics } from '@agentmeter/llm';
import { instrumentOpossumBreaker, runHealthChecks } from '@agentmeter/health';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';

// the fake LLM server: at LLM_URL (the one-command runner starts it there), else in this process
const llm = process.env.LLM_URL ? undefined : await startFakeLlm();
const llmUrl = process.env.LLM_URL ?? llm.url;
const openai = new OpenAI({ apiKey: 'fake', baseURL: `${llmUrl}/v1`, maxRetries: 0 });

// Optional Postgres (PG_URL): the asset catalogue; query time by type and the pool's
// connections come from agentmeter's pg instrumentation.
// host / port / database spelled out so the pool metrics' db.client.connection.pool.name reads host:port/database
const pgUrl = process.env.PG_URL ? new URL(process.env.PG_URL) : undefined;
const pool = pgUrl
  ? new pg.Pool({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432), database: pgUrl.pathname.slice(1) || 'postgres', user: decodeURIComponent(pgUrl.username) || undefined, password: decodeURIComponent(pgUrl.password) || undefined, max: 20 })
  : undefined;
pool?.on('error', (e) => console.error('pg pool:', e.message)); // an idle client's error must not crash the app
await pool?.query('CREATE TABLE IF NOT EXISTS assets (id serial PRIMARY KEY, media_type text, source text, quality real, created timestamptz DEFAULT now())');
async function catalogue(mediaType, provider, quality) {
  if (!pool) return;
  const { rows } = await pool.query('INSERT INTO assets (media_type, source) VALUES ($1, $2) RETURNING id', [mediaType, provider]);
  await pool.query('UPDATE assets SET quality = $1 WHERE id = $2', [quality, rows[0].id]);
  await pool.query('SELECT count(*) FROM assets WHERE media_type = $1', [mediaType]);
  if (rows[0].id % 20 === 0) await pool.query("DELETE FROM assets WHERE created < now() - interval '10 minutes'");
}

const meter = metrics.getMeter('media-pipeline');
const assetsProcessed = meter.createCounter('media.assets.processed', { unit: '{asset}', description: 'Assets processed by media type, source provider and status.' });
const assetQuality = meter.createHistogram('media.asset.quality_score', {
  unit: '{score}',
  description: 'Asset quality score (0..100) by media type and assessment.',
  advice: { explicitBucketBoundaries: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] },
});
const eventsPublished = meter.createCounter('media.events.published', { unit: '{event}', description: 'Pipeline events published, by type.' });

// Providers. "falai" is a stand-in provider whose API is down (the fake server answers
// 500 to its model), so its breaker opens; its calls are tracked with withLlmMetrics,
// the seed's duration / status / cost decorator.
const providers = {
  openai: {
    image: () => openai.images.generate({ model: 'gpt-image-1', prompt: 'a lighthouse at dusk' }),
    text: () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'caption this' }] }),
  },
  falai: {
    image: withLlmMetrics({ provider: 'falai', model: 'flux-schnell', operation: 'generate_content' }, async () => {
      const r = await fetch(`${llmUrl}/v1/images/generations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'flux-server-error' }) });
      if (!r.ok) throw Object.assign(new Error(`fal.ai ${r.status}`), { status: r.status });
      return r.json();
    }),
  },
};
const breakers = {};
for (const [name, ops] of Object.entries(providers)) {
  for (const [op, fn] of Object.entries(ops)) {
    const b = new CircuitBreaker(fn, { timeout: 10_000, resetTimeout: 30_000, volumeThreshold: 3, errorThresholdPercentage: 50 });
    instrumentOpossumBreaker(b, { provider: name, reportHealth: true });
    breakers[`${name}:${op}`] = b;
  }
}

async function generate(provider, mediaType) {
  const breaker = breakers[`${provider}:${mediaType}`];
  if (!breaker) return { status: 404, body: { error: 'no such provider/media type' } };
  try {
    await breaker.fire();
    assetsProcessed.add(1, { media_type: mediaType, source: provider, status: 'success' });
    const quality = 60 + Math.random() * 40;
    assetQuality.record(quality, { media_type: mediaType, quality_type: 'brisque' });
    await catalogue(mediaType, provider, quality);
    eventsPublished.add(1, { event_type: 'asset.created' });
    return { status: 200, body: { ok: true } };
  } catch (e) {
    assetsProcessed.add(1, { media_type: mediaType, source: provider, status: 'error' });
    eventsPublished.add(1, { event_type: 'asset.failed' });
    return { status: 502, body: { error: breaker.opened ? 'circuit open' : e.message } };
  }
}

// The app's routes, so that http_server_request_duration_seconds carries http_route
// (plain node:http matches no route by itself; setHttpRoute is agentmeter's call for that).
const ROUTES = new Set(["/generate", "/api/health"]);
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (ROUTES.has(url.pathname)) setHttpRoute(req, url.pathname);
  if (url.pathname === '/generate') {
    const { status, body } = await generate(url.searchParams.get('provider') ?? 'openai', url.searchParams.get('type') ?? 'image');
    return res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
  if (url.pathname === '/api/health') {
    // probes report gen_ai_provider_health too
    const report = await runHealthChecks({ openai: () => !breakers['openai:image'].opened, falai: () => !breakers['falai:image'].opened }, { timeoutMs: 2000 });
    return res.writeHead(report.healthy ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report));
  }
  res.writeHead(404).end();
});
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => console.log(`ready ${server.address().port}`));
const stop = () => {
  for (const b of Object.values(breakers)) b.shutdown();
  server.close(async () => {
    await pool?.end();
    await llm?.close();
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
