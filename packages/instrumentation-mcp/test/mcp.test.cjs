// In-process CommonJS consumer: a real MCP Client and McpServer over the SDK's
// InMemoryTransport, both recorded by one instrumentation into one Registry.
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const exposition = require('@agentmeter/test-utils/exposition');
const { Registry, serializeAsync } = require('@agentmeter/core');
const { setDiagnosticWarnings } = require('@agentmeter/api');
const { McpInstrumentation } = require('@agentmeter/instrumentation-mcp');

setDiagnosticWarnings(false);
const registry = new Registry();
const instrumentation = new McpInstrumentation({ meterProvider: registry });
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { InMemoryTransport } = require('@modelcontextprotocol/sdk/inMemory.js');
const { buildServer, exercise } = require('./fixtures/tools.cjs');

/** Value of the series of `metric` with exactly these labels; undefined when there is none. */
const value = (text, metric, labels) => exposition.value(text, metric, labels, { exact: true });

let out;
before(async () => {
  const server = buildServer({ McpServer });
  const client = new Client({ name: 'agentmeter-test-client', version: '1.0.0' });
  const [ct, st] = InMemoryTransport.createLinkedPair();
  await server.connect(st);
  await client.connect(ct);
  out = await exercise(client);
  await client.close();
  await server.close();
  await new Promise((r) => setImmediate(r));
});

test('the app sees the results unchanged', () => {
  assert.deepEqual(out.slice(0, 5), ['2', '3', '4', true, true]);
  assert.deepEqual(out.slice(5), ['unknown:true', 'resources:-32601', 'hello a', 'hello b']);
});

test('client and server operations: exact counts by method, tool, prompt and error.type', async () => {
  const text = await serializeAsync(registry);
  const V = '2025-11-25';
  for (const side of ['client', 'server']) {
    const m = `mcp_${side}_operation_duration_seconds_count`;
    const op = (labels) => value(text, m, { mcp_protocol_version: V, ...labels });
    assert.equal(op({ mcp_method_name: 'initialize' }), 1, `${side} initialize\n${text}`);
    assert.equal(op({ mcp_method_name: 'tools/list' }), 1, side);
    assert.equal(op({ mcp_method_name: 'tools/call', gen_ai_tool_name: 'add' }), 3, side);
    assert.equal(op({ mcp_method_name: 'tools/call', gen_ai_tool_name: 'fail', error_type: 'tool_error' }), 1, side);
    assert.equal(op({ mcp_method_name: 'tools/call', gen_ai_tool_name: 'throws', error_type: 'tool_error' }), 1, side);
    assert.equal(op({ mcp_method_name: 'tools/call', gen_ai_tool_name: 'no-such-tool', error_type: 'tool_error' }), 1, side);
    assert.equal(op({ mcp_method_name: 'resources/list', error_type: '-32601' }), 1, side);
    assert.equal(op({ mcp_method_name: 'prompts/get', gen_ai_prompt_name: 'greet' }), 2, side);
    assert.equal(op({ mcp_method_name: 'ping' }), 1, side);
    assert.equal(value(text, `mcp_${side}_session_duration_seconds_count`, { mcp_protocol_version: V }), 1, `${side} session`);
  }
  assert.match(text, /^mcp_client_operation_duration_seconds_bucket\{.*le="300"\} /m, 'MCP bucket advice applied');
  assert.doesNotMatch(text, /network_transport=/, 'in-memory transport has no network.transport');
});

test('disable() restores the SDK methods and records nothing; enable() patches again', async () => {
  const proto = Object.getPrototypeOf(Client.prototype);
  instrumentation.disable();
  assert.notEqual(proto.connect.name, 'agentmeterMcpConnect');
  const run = async (name) => {
    const server = buildServer({ McpServer });
    const client = new Client({ name, version: '1.0.0' });
    const [ct, st] = InMemoryTransport.createLinkedPair();
    await server.connect(st);
    await client.connect(ct);
    await client.callTool({ name: 'add', arguments: { a: 1, b: 1 } });
    await client.close();
  };
  const before = value(await serializeAsync(registry), 'mcp_client_operation_duration_seconds_count', { mcp_protocol_version: '2025-11-25', mcp_method_name: 'tools/call', gen_ai_tool_name: 'add' });
  await run('disabled');
  assert.equal(value(await serializeAsync(registry), 'mcp_client_operation_duration_seconds_count', { mcp_protocol_version: '2025-11-25', mcp_method_name: 'tools/call', gen_ai_tool_name: 'add' }), before);
  instrumentation.enable();
  assert.equal(proto.connect.name, 'agentmeterMcpConnect');
  await run('enabled');
  assert.equal(value(await serializeAsync(registry), 'mcp_client_operation_duration_seconds_count', { mcp_protocol_version: '2025-11-25', mcp_method_name: 'tools/call', gen_ai_tool_name: 'add' }), before + 1);
});

test('a version outside the supported range gets one diagnostic naming package, version and range', () => {
  const { checkSupportedVersion, satisfiesRange, DIAGNOSTIC_CHANNEL } = require('@agentmeter/api');
  const dc = require('node:diagnostics_channel');
  assert.equal(satisfiesRange('1.32.2', '>=1.0.0 <2'), true);
  assert.equal(satisfiesRange('2.0.0', '>=1.0.0 <2'), false);
  assert.equal(satisfiesRange('0.9.9', '>=1.0.0 <2'), false);
  assert.equal(satisfiesRange('2.32.0', '>=2.0.0 <3 || >=3.0.0 <4'), true);
  const seen = [];
  const on = (d) => seen.push(d);
  dc.subscribe(DIAGNOSTIC_CHANNEL, on);
  try {
    assert.equal(checkSupportedVersion('@modelcontextprotocol/sdk', '2.1.0', '>=1.0.0 <2'), false);
    assert.equal(checkSupportedVersion('@modelcontextprotocol/sdk', '1.32.2', '>=1.0.0 <2'), true);
  } finally {
    dc.unsubscribe(DIAGNOSTIC_CHANNEL, on);
  }
  assert.equal(seen.length, 1);
  assert.equal(seen[0].code, 'AGENTMETER_UNSUPPORTED_VERSION');
  assert.match(seen[0].message, /@modelcontextprotocol\/sdk 2\.1\.0 is outside the supported range >=1\.0\.0 <2/);
});

test('a client request that times out is recorded with error.type -32001 (RequestTimeout); the cancelled server side records nothing', async () => {
  const server = new McpServer({ name: 'slow', version: '1.0.0' });
  server.registerTool('sleepy', { description: 'slow' }, async (extra) => {
    await new Promise((resolve) => {
      const t = setTimeout(resolve, 2000);
      extra.signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
    return { content: [{ type: 'text', text: 'late' }] };
  });
  const client = new Client({ name: 'impatient', version: '1.0.0' });
  const [ct, st] = InMemoryTransport.createLinkedPair();
  await server.connect(st);
  await client.connect(ct);
  await assert.rejects(client.callTool({ name: 'sleepy', arguments: {} }, undefined, { timeout: 50 }), (e) => e.code === -32001);
  await new Promise((r) => setTimeout(r, 50));
  await client.close();
  await server.close();
  const text = await serializeAsync(registry);
  const labels = { mcp_protocol_version: '2025-11-25', mcp_method_name: 'tools/call', gen_ai_tool_name: 'sleepy' };
  assert.equal(value(text, 'mcp_client_operation_duration_seconds_count', { ...labels, error_type: '-32001' }), 1);
  assert.equal(value(text, 'mcp_server_operation_duration_seconds_count', labels), undefined);
});
