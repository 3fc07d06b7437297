const { test } = require('node:test');
const assert = require('node:assert/strict');

test('@agentmeter/tools loads with require', () => {
  const tools = require('@agentmeter/tools');
  for (const name of ['trackTool', 'recordToolCall', 'trackAgentRun', 'recordAgentRun', 'currentAgentRun', 'ToolMetrics', 'errorTypeOf']) {
    assert.equal(typeof tools[name], 'function', name);
  }
  assert.equal(tools.GEN_AI_TOOL_TYPE_VALUES.FUNCTION, 'function');
  assert.equal(tools.trackTool({ toolName: 'x' }, () => 7), 7);
});
