// The MCP 2.x split packages (@modelcontextprotocol/client and /server 2.4.0): CommonJS in
// process (require hook) and ESM in a child under the --import preload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { runNode } from '@agentmeter/test-utils/proc';
import { freePort } from '@agentmeter/test-utils/net';
import * as exposition from '@agentmeter/test-utils/exposition';

const require = createRequire(import.meta.url);
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Value of the series of `metric` with exactly these labels; undefined when there is none. */
const value = (text, metric, labels) => exposition.value(text, metric, labels, { exact: true });

function assertCounts(text) {
  for (const side of ['client', 'server']) {
    const m = `mcp_${side}_operation_duration_seconds_count`;
    const V = { mcp_protocol_version: '2025-11-25' };
    assert.equal(value(text, m, { ...V, mcp_method_name: 'initialize' }), 1, `${side} initialize\n${text}`);
    assert.equal(value(text, m, { ...V, mcp_method_name: 'tools/call', gen_ai_tool_name: 'add' }), 2, side);
    assert.equal(value(text, m, { ...V, mcp_method_name: 'tools/call', gen_ai_tool_name: 'fail', error_type: 'tool_error' }), 1, side);
    assert.equal(value(text, `mcp_${side}_session_duration_seconds_count`, V), 1, `${side} session`);
  }
}

test('CommonJS: require() of the 2.x client and server packages is instrumented', async () => {
  const { Registry, serializeAsync } = require('@agentmeter/core');
  const { setDiagnosticWarnings } = require('@agentmeter/api');
  const { McpInstrumentation } = require('@agentmeter/instrumentation-mcp');
  setDiagnosticWarnings(false);
  const registry = new Registry();
  const inst = new McpInstrumentation({ meterProvider: registry });
  try {
    const { Client, InMemoryTransport } = require('@modelcontextprotocol/client');
    const { McpServer } = require('@modelcontextprotocol/server');
    const { z } = require('zod');
    const server = new McpServer({ name: 'v2', version: '1.0.0' });
    server.registerTool('add', { description: 'adds', inputSchema: z.object({ a: z.number(), b: z.number() }) }, async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }));
    server.registerTool('fail', { description: 'fails' }, async () => ({ isError: true, content: [{ type: 'text', text: 'no' }] }));
    const client = new Client({ name: 'v2-client', version: '1.0.0' });
    const [ct, st] = InMemoryTransport.createLinkedPair();
    await server.connect(st);
    await client.connect(ct);
    assert.equal((await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })).content[0].text, '3');
    await client.callTool({ name: 'add', arguments: { a: 2, b: 2 } });
    assert.equal((await client.callTool({ name: 'fail', arguments: {} })).isError, true);
    await client.close();
    await server.close();
    await new Promise((r) => setTimeout(r, 20));
    assertCounts(await serializeAsync(registry));
  } finally {
    inst.disable();
  }
});

test('ESM: import of the 2.x packages under the --import preload is instrumented', async () => {
  const port = await freePort();
  const r = await runNode(['--import', '@agentmeter/sdk/register', 'v2-app.mjs'], { cwd: fixtures, env: { NODE_NO_WARNINGS: '1', AGENTMETER_METRICS_PORT: String(port) } });
  assert.equal(r.status, 0, r.stderr);
  assertCounts(JSON.parse(r.stdout.trim().split('\n').pop()));
});
