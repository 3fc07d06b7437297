// MCP client + server pairs with only the preload, through a real Prometheus:
// stdio (client CommonJS --require, server ESM --import) and streamable HTTP (server
// CommonJS --require, client ESM --import). Exact operation counts, error types,
// network.transport and protocol version; session durations; nothing on the stdio
// server's stdout but JSON-RPC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startNode } from '@agentmeter/test-utils/proc';
import { freePort, waitFor } from '@agentmeter/test-utils/net';
import { startPrometheus } from '@agentmeter/test-utils/prometheus';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const env = { NODE_NO_WARNINGS: '1' };
const V = '2025-11-25';
const EXPECTED_OUT = ['2', '3', '4', true, true, 'unknown:true', 'resources:-32601', 'hello a', 'hello b'];

async function assertOperations(prom, side, job, transport) {
  const count = (labels) =>
    prom.waitForValue(`sum(mcp_${side}_operation_duration_seconds_count{job="${job}",network_transport="${transport}",mcp_protocol_version="${V}",${labels}})`, (v) => v !== undefined);
  assert.equal(await count('mcp_method_name="initialize"'), 1);
  assert.equal(await count('mcp_method_name="tools/list"'), 1);
  assert.equal(await count('mcp_method_name="tools/call",gen_ai_tool_name="add",error_type=""'), 3);
  assert.equal(await count('mcp_method_name="tools/call",error_type="tool_error"'), 3);
  assert.equal(await count('mcp_method_name="tools/call",gen_ai_tool_name="fail",error_type="tool_error"'), 1);
  assert.equal(await count('mcp_method_name="resources/list",error_type="-32601"'), 1);
  assert.equal(await count('mcp_method_name="prompts/get",gen_ai_prompt_name="greet"'), 2);
  assert.equal(await count('mcp_method_name="ping"'), 1);
  assert.equal(await prom.value(`sum(mcp_${side}_operation_duration_seconds_count{job="${job}"})`), 12, `${side}: 12 requests in all`);
  assert.equal(await prom.value(`count(mcp_${side}_operation_duration_seconds_bucket{job="${job}",mcp_method_name="ping"})`), 15, 'MCP buckets: 14 bounds + +Inf');
}

test('stdio: a CommonJS client and an ESM server, each under the preload', async () => {
  const clientPort = await freePort();
  const serverPort = await freePort();
  const client = startNode(['--require', '@agentmeter/sdk/register', 'stdio-client.cjs'], {
    cwd: fixtures,
    env: { ...env, AGENTMETER_METRICS_PORT: String(clientPort), SERVER_METRICS_PORT: String(serverPort) },
    readyLine: /^ready (.*)$/m,
    timeout: 60_000,
  });
  let prom;
  try {
    const [, out] = await client.ready;
    assert.deepEqual(JSON.parse(out), EXPECTED_OUT, 'stdout of the server carried only JSON-RPC: every call returned');
    prom = await startPrometheus([
      { job: 'client', port: clientPort },
      { job: 'server', port: serverPort },
    ]);
    await assertOperations(prom, 'client', 'client', 'pipe');
    await assertOperations(prom, 'server', 'server', 'pipe');
    client.child.kill('SIGUSR2');
    await waitFor(() => /^closed /m.test(client.stdout), { what: 'client closed', timeout: 20_000 });
    assert.equal(
      await prom.waitForValue(`sum(mcp_client_session_duration_seconds_count{job="client",network_transport="pipe",mcp_protocol_version="${V}"})`, (v) => v !== undefined),
      1,
    );
  } finally {
    await client.stop();
    await prom?.stop();
  }
});

test('stdio: a server under the --import preload writes nothing to stdout itself', () => {
  const r = spawnSync(process.execPath, ['--import', '@agentmeter/sdk/register', 'stdio-server.mjs'], {
    cwd: fixtures,
    input: '',
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, AGENTMETER_METRICS_PORT: '0' },
  });
  assert.equal(r.stdout, '');
});

test('streamable HTTP: a CommonJS server and an ESM client, each under the preload', async () => {
  const clientPort = await freePort();
  const serverPort = await freePort();
  const server = startNode(['--require', '@agentmeter/sdk/register', 'http-server.cjs'], { cwd: fixtures, env: { ...env, AGENTMETER_METRICS_PORT: String(serverPort) } });
  let client;
  let prom;
  try {
    const [, port] = await server.ready;
    client = startNode(['--import', '@agentmeter/sdk/register', 'http-client.mjs', `http://127.0.0.1:${port}/mcp`], {
      cwd: fixtures,
      env: { ...env, AGENTMETER_METRICS_PORT: String(clientPort) },
      readyLine: /^ready (.*)$/m,
      timeout: 60_000,
    });
    const [, out] = await client.ready;
    assert.deepEqual(JSON.parse(out), EXPECTED_OUT);
    prom = await startPrometheus([
      { job: 'client', port: clientPort },
      { job: 'server', port: serverPort },
    ]);
    await assertOperations(prom, 'client', 'client', 'tcp');
    await assertOperations(prom, 'server', 'server', 'tcp');
    for (const side of ['client', 'server'])
      assert.equal(
        await prom.waitForValue(`sum(mcp_${side}_session_duration_seconds_count{job="${side}",network_transport="tcp",mcp_protocol_version="${V}"})`, (v) => v !== undefined),
        1,
        `${side} session`,
      );
  } finally {
    await client?.stop();
    await server.stop();
    await prom?.stop();
  }
});
