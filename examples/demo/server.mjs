// agentmeter quick-start demo: a tiny chat API. It has no metrics code of its own beyond
// a tool wrapper and a cache wrapper; the preload (`--import @agentmeter/sdk/register`)
// gives it HTTP, LLM (through the real `openai` client), token, cost, tool, cache and
// runtime metrics on /metrics. The LLM is a local fake OpenAI-compatible server, so the
// demo needs no API key and no network.
import http from 'node:http';
import OpenAI from 'openai';
import { trackTool } from '@agentmeter/tools';
import { instrumentCache } from '@agentmeter/cache';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';

const llm = await startFakeLlm();
const openai = new OpenAI({ apiKey: 'demo', baseURL: `${llm.url}/v1`, maxRetries: 0 });
const answers = instrumentCache(new Map(), { name: 'answers' });

const lookupWeather = (city) => trackTool({ toolName: 'weather', toolType: 'function' }, async () => ({ city, forecast: 'sunny' }));

async function chat(question, model) {
  const cached = answers.get(question);
  if (cached) return cached;
  await lookupWeather('Paris');
  const r = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: question }] });
  const answer = r.choices[0].message.content;
  answers.set(question, answer);
  return answer;
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/chat') {
    try {
      const answer = await chat(url.searchParams.get('q') ?? 'hello', url.searchParams.get('model') ?? 'gpt-4o-mini');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ answer }));
    } catch (e) {
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: e.constructor.name }));
    }
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' }).end('agentmeter demo: try /chat?q=hi\n');
});

const port = Number(process.env.DEMO_PORT ?? 3000);
server.listen(port, '127.0.0.1', async () => {
  const appUrl = `http://127.0.0.1:${server.address().port}`;
  // A little traffic so /metrics has something to show at once: hits, misses, an error.
  for (const q of ['hi', 'hi', 'weather?']) await fetch(`${appUrl}/chat?q=${encodeURIComponent(q)}`).then((r) => r.text());
  await fetch(`${appUrl}/chat?q=x&model=gpt-4o-rate-limit`).then((r) => r.text());
  const metricsPort = process.env.AGENTMETER_METRICS_PORT ?? '9464';
  console.log(`agentmeter demo app:   ${appUrl}/chat?q=hello`);
  console.log(`agentmeter /metrics:   http://127.0.0.1:${metricsPort}/metrics`);
  console.log('Press Ctrl+C to stop.');
  if (process.env.DEMO_EXIT_AFTER_START === '1') {
    server.close();
    await llm.close();
  }
});
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
