// A coding agent (the Victor AI seed) with agentmeter started from code, enabled and
// placed by environment variables, on a standalone metrics server:
//   AGENTMETER_ENABLED=true AGENTMETER_METRICS_PORT=9090 node agent.cjs
// It works through coding tasks in a loop: LLM steps, tool executions, a tool-selection
// cache, some rate-limited calls. CommonJS: `start()` runs before `require('openai')`,
// so the OpenAI client is instrumented without a preload flag.
const { start } = require('@agentmeter/sdk');

const agentmeter = start({ serviceName: 'coding-agent' }); // AGENTMETER_ENABLED, AGENTMETER_METRICS_PORT, ... from env

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
const toolSelection = instrumentCache(new Map(), { name: 'tool_selection' });

async function main() {
  const { startFakeLlm } = await import('../../test/helpers/fake-llm.mjs');
  const llm = await startFakeLlm();
  const openai = new OpenAI({ apiKey: 'fake', baseURL: `${llm.url}/v1`, maxRetries: 0 });

  let steps = 0;
  async function step(task, i) {
    // every 7th step hits a rate limit: gen_ai_client_inference_duration_seconds{error_type="rate_limit"}
    const model = ++steps % 7 === 0 ? 'gpt-4o-rate-limit' : 'gpt-4o';
    await openai.chat.completions.create({ model, messages: [{ role: 'user', content: task }] });
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
    await trackAgentRun({ agentName: 'coder' }, async () => {
      for (let i = 0; i < 3; i++) await step(task, i).catch(() => undefined);
    });
    // the seed's "coordinator executions" as an agent of its own
    await trackAgentRun({ agentName: 'ToolCoordinator' }, () => trackTool({ toolName: 'plan', toolType: 'function' }, async () => 'plan'));
  }

  const addr = await agentmeter.ready;
  console.log(`ready ${addr ? addr.port : 0}`);
  let n = 0;
  const timer = setInterval(() => runTask(['fix-bug', 'add-feature', 'refactor'][n++ % 3]).catch(() => undefined), Number(process.env.TASK_INTERVAL_MS ?? 200));
  const stop = async () => {
    clearInterval(timer);
    await llm.close();
    await agentmeter.shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
main();
