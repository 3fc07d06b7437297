// A coding agent (the Victor AI seed) with agentmeter started from code, enabled and
// placed by environment variables, on a standalone metrics server:
//   AGENTMETER_ENABLED=true AGENTMETER_METRICS_PORT=9090 node agent.cjs
// It works through coding tasks in a loop: LLM steps, tool executions, a tool-selection
// cache, some rate-limited and timed-out calls. With PORT set it also serves the seed's
// request API: POST /chat {"task": "..."} runs one task (HTTP metrics come from agentmeter). CommonJS: `start()` runs before `require('openai')`,
// so the OpenAI client is instrumented without a preload flag.
const { start, setHttpRoute } = require('@agentmeter/sdk');

const agentmeter = start({ serviceName: 'coding-agent' }); // AGENTMETER_ENABLED, AGENTMETER_METRICS_PORT, ... from env

const http = require('node:http');
const OpenAI = require('openai');
const { trackAgentRun, trackTool } = require('@agentmeter/tools');
const { instrumentCache } = require('@agentmeter/cache');

const TOOLS = {
  read_file: async (p) => `// contents of ${p}`,
  run_tests: async () => {
    if (Math.random() < 0.2) throw new Error('tests failed');
    return 'ok';
  },
  write_file: async () => 'written',
};
class TimeoutError extends Error {}
TimeoutError.prototype.name = 'TimeoutError';
const toolSelection = instrumentCache(new Map(), { name: 'tool_selection' });

async function main() {
  const { startFakeLlm } = await import('@agentmeter/test-utils/fake-llm');
  // the fake LLM server: at LLM_URL (the one-command runner starts it there), else in this process
  const llm = process.env.LLM_URL ? undefined : await startFakeLlm();
  const openai = new OpenAI({ apiKey: 'fake', baseURL: `${process.env.LLM_URL ?? llm.url}/v1`, maxRetries: 0 });

  let steps = 0;
  async function step(task, i) {
    // every 7th step hits a rate limit: gen_ai_client_inference_duration_seconds{error_type="rate_limit"};
    // every 11th waits for a slow model past the step's 100 ms budget (a timeout)
    const n = ++steps;
    const model = n % 7 === 0 ? 'gpt-4o-rate-limit' : n % 11 === 0 ? 'gpt-4o-slow' : 'gpt-4o';
    await openai.chat.completions.create({ model, messages: [{ role: 'user', content: task }] }, n % 11 === 0 ? { timeout: 100 } : undefined);
    const key = `${task}:${i % 3}`;
    let tool = toolSelection.get(key);
    if (!tool) {
      tool = Object.keys(TOOLS)[i % 3];
      toolSelection.set(key, tool);
    }
    await trackTool({ toolName: tool, toolType: 'function' }, () => TOOLS[tool](`src/${task}.ts`));
  }

  async function runTask(task) {
    // one agent run: its duration, inference calls (iterations) and tool calls
    let failure;
    await trackAgentRun({ agentName: 'coder' }, async () => {
      for (let i = 0; i < 3; i++) await step(task, i).catch((e) => (failure ??= e));
    });
    // the seed's "coordinator executions" as an agent of its own (one in ten fails)
    await trackAgentRun({ agentName: 'ToolCoordinator' }, () =>
      trackTool({ toolName: 'plan', toolType: 'function' }, async () => {
        if (Math.random() < 0.1) throw new TimeoutError('planning took too long');
        return 'plan';
      }),
    ).catch(() => undefined);
    if (failure) throw failure;
  }

  const addr = await agentmeter.ready;
  console.log(`metrics ${addr ? addr.port : 0}`);
  let server;
  if (process.env.PORT) {
    server = http.createServer((req, res) => {
      const json = (status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.url === '/api/status' || req.url === '/chat') setHttpRoute(req, req.url); // unmatched paths get no http_route
      if (req.url === '/api/status') return json(200, { ok: true, steps });
      if (req.url !== '/chat' || req.method !== 'POST') return json(404, { error: 'not found' });
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', async () => {
        let task;
        try {
          task = String(JSON.parse(body || '{}').task ?? 'fix-bug');
        } catch {
          return json(400, { error: 'bad json' });
        }
        try {
          await runTask(task);
          json(200, { ok: true });
        } catch (e) {
          json(e.status === 429 ? 429 : /timeout/i.test(e.constructor.name) ? 504 : 502, { error: e.constructor.name });
        }
      });
    });
    await new Promise((r) => server.listen(Number(process.env.PORT), '127.0.0.1', r));
  }
  // "ready <port>": the request API's port when serving one, else the metrics port
  console.log(`ready ${server ? server.address().port : addr ? addr.port : 0}`);
  let n = 0;
  const timer = setInterval(() => runTask(['fix-bug', 'add-feature', 'refactor'][n++ % 3]).catch(() => undefined), Number(process.env.TASK_INTERVAL_MS ?? 200));
  const stop = async () => {
    clearInterval(timer);
    server?.close();
    await llm?.close();
    await agentmeter.shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
main();
