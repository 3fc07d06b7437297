// LangGraph's prebuilt createReactAgent is an agent run too (CommonJS, instrumentation created
// before LangChain is required, as the preload does).
const { test } = require('node:test');
const assert = require('node:assert/strict');
// This in-process test reads the v1.41 metric names (AGENTMETER_GENAI_METRICS=legacy).
require('@agentmeter/llm').setGenAiMetrics('legacy');
const { Registry, serializeAsync } = require('@agentmeter/core');
const { setDiagnosticWarnings } = require('@agentmeter/api');
const { OpenAIInstrumentation } = require('@agentmeter/instrumentation-openai');
const { LangChainInstrumentation } = require('@agentmeter/instrumentation-langchain');

setDiagnosticWarnings(false);
const registry = new Registry();
new OpenAIInstrumentation({ meterProvider: registry });
new LangChainInstrumentation({ meterProvider: registry });
const { ChatOpenAI } = require('@langchain/openai');
const { createReactAgent } = require('@langchain/langgraph/prebuilt');
const { tool } = require('@langchain/core/tools');
const { z } = require('zod');

test('createReactAgent: agent run with its model and tool calls, model calls once', async () => {
  const { startFakeLlm } = await import('@agentmeter/test-utils/fake-llm');
  const llm = await startFakeLlm();
  try {
    const weather = tool(async ({ city }) => `${city}: 21C`, { name: 'weather', description: 'weather of a city', schema: z.object({ city: z.string() }) });
    const model = new ChatOpenAI({ model: 'fw-react', apiKey: 'k', configuration: { baseURL: llm.url + '/v1' }, maxRetries: 0 });
    const agent = createReactAgent({ llm: model, tools: [weather], name: 'react-agent' });
    await agent.invoke({ messages: [{ role: 'user', content: 'weather?' }] });
    const out = await serializeAsync(registry);
    assert.match(out, /^gen_ai_invoke_agent_duration_seconds_count\{gen_ai_agent_name="react-agent"\} 1$/m);
    assert.match(out, /^gen_ai_invoke_agent_inference_calls_sum\{gen_ai_agent_name="react-agent"\} 2$/m);
    assert.match(out, /^gen_ai_invoke_agent_tool_calls_sum\{gen_ai_agent_name="react-agent"\} 1$/m);
    assert.match(out, /^gen_ai_execute_tool_duration_seconds_count\{gen_ai_agent_name="react-agent",gen_ai_tool_name="weather",gen_ai_tool_type="function"\} 1$/m);
    assert.match(out, /^gen_ai_client_operation_duration_seconds_count\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="fw-react",[^}]*\} 2$/m);
    assert.equal(llm.requests.length, 2);
  } finally {
    await llm.close();
  }
});
