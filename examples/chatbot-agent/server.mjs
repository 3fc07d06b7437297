// The self-hosted chatbot agent with agentmeter: a FastAPI-style query endpoint running an
// agent (LLM reasoning steps + tools, one of them SQL through a pg Pool), its own cost
// tracker with per-model prices, running totals and a monthly estimate.
//   PG_URL=postgres://... AGENTMETER_COST=false node --import @agentmeter/sdk/register server.mjs
// AGENTMETER_COST=false turns off the SDK's built-in cost tracker: this app attaches its
// own (below) to read totals from it; it records the same gen_ai.client.cost metric.
import http from 'node:http';
import { setHttpRoute } from '@agentmeter/sdk';
import OpenAI from 'openai';
import pg from 'pg';
import { trackAgentRun, trackTool } from '@agentmeter/tools';
import { CostTracker } from '@agentmeter/cost';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';

// the fake LLM server: at LLM_URL (the one-command runner starts it there), else in this process
const llm = process.env.LLM_URL ? undefined : await startFakeLlm();
const llmUrl = process.env.LLM_URL ?? llm.url;
const openai = new OpenAI({ apiKey: 'fake', baseURL: `${llmUrl}/v1`, maxRetries: 0 });
// host / port / database spelled out (not only a connection string) so the pool metrics'
// db.client.connection.pool.name reads `host:port/database`
const pgUrl = new URL(process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const pool = new pg.Pool({
  host: pgUrl.hostname,
  port: Number(pgUrl.port || 5432),
  database: pgUrl.pathname.slice(1) || 'postgres',
  user: decodeURIComponent(pgUrl.username) || undefined,
  password: decodeURIComponent(pgUrl.password) || undefined,
  max: Number(process.env.PG_POOL_SIZE ?? 5),
});
pool.on('error', (e) => console.error('pg pool:', e.message)); // an idle client's error must not crash the app

// per-model prices: the shipped table plus this deployment's contract price
const costs = new CostTracker({ prices: { 'gpt-4o': { input: 2.0 } } });
costs.attach();

const tools = {
  sql_query: () => pool.query('SELECT count(*)::int AS n FROM pg_stat_activity'),
  search_docs: async (q) => {
    // the docs index is flaky: one search in ten fails (the agent answers without docs)
    if (process.env.FLAKY_DOCS === '1' && Math.random() < 0.1) throw new Error('docs index unavailable');
    return [`doc about ${q}`];
  },
};

async function answer(question, model) {
  return trackAgentRun({ agentName: 'chatbot' }, async () => {
    // reasoning step 1: decide; step 2: answer with the tool results
    await openai.chat.completions.create({ model, messages: [{ role: 'user', content: `plan: ${question}` }] });
    const rows = await trackTool({ toolName: 'sql_query', toolType: 'datastore' }, () => tools.sql_query());
    const docs = await trackTool({ toolName: 'search_docs', toolType: 'function' }, () => tools.search_docs(question)).catch(() => []);
    const r = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: `${question} ${JSON.stringify(rows.rows)} ${docs}` }] });
    return r.choices[0].message.content;
  });
}

// The app's routes, so that http_server_request_duration_seconds carries http_route
// (plain node:http matches no route by itself; setHttpRoute is agentmeter's call for that).
const ROUTES = new Set(["/query", "/stats", "/estimate"]);
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (ROUTES.has(url.pathname)) setHttpRoute(req, url.pathname);
  const json = (status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  try {
    if (url.pathname === '/query') return json(200, { answer: await answer(url.searchParams.get('q') ?? 'hello', url.searchParams.get('model') ?? 'gpt-4o') });
    if (url.pathname === '/stats') return json(200, costs.totals());
    if (url.pathname === '/estimate')
      return json(
        200,
        costs.estimateMonthlyCost({
          model: url.searchParams.get('model') ?? 'gpt-4o',
          requestsPerDay: Number(url.searchParams.get('requestsPerDay') ?? 1000),
          inputTokens: Number(url.searchParams.get('inputTokens') ?? 500),
          outputTokens: Number(url.searchParams.get('outputTokens') ?? 200),
        }),
      );
    json(404, { error: 'not found' });
  } catch (e) {
    json(500, { error: e.constructor.name });
  }
});
server.listen(Number(process.env.PORT ?? 8000), '127.0.0.1', () => console.log(`ready ${server.address().port}`));
const stop = () => server.close(async () => {
  await pool.end();
  await llm?.close();
  process.exit(0);
});
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
