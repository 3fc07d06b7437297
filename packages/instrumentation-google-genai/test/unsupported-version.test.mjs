// A loaded library version outside an instrumentation's declared range is left unpatched
// and gets one process warning naming the package, the version and the range. The three
// packages (@google/genai, @aws-sdk/client-bedrock-runtime, @modelcontextprotocol/sdk) are
// stand-ins with an old version number in a temporary node_modules, loaded by a child
// process with the real instrumentations active.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { runNode } from '@agentmeter/test-utils/proc';

const require = createRequire(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'agentmeter-ranges-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function pkg(name, version, files) {
  const root = join(dir, 'node_modules', ...name.split('/'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
}
pkg('@google/genai', '1.9.0', { 'index.js': 'class Models { generateContentInternal() { return 1; } }\nmodule.exports = { Models };\n' });
pkg('@aws-sdk/client-bedrock-runtime', '3.400.0', { 'index.js': 'class BedrockRuntimeClient { send() { return 1; } }\nmodule.exports = { BedrockRuntimeClient };\n' });
pkg('@modelcontextprotocol/sdk', '0.6.0', {
  'index.js': 'module.exports = {};\n',
  'dist/cjs/shared/protocol.js': 'class Protocol { connect() {} request() {} _onrequest() {} _onclose() {} }\nmodule.exports = { Protocol };\n',
});

const script = `
const { GoogleGenAIInstrumentation } = require(${JSON.stringify(require.resolve('@agentmeter/instrumentation-google-genai'))});
const { BedrockInstrumentation } = require(${JSON.stringify(require.resolve('@agentmeter/instrumentation-aws-bedrock'))});
const { McpInstrumentation } = require(${JSON.stringify(require.resolve('@agentmeter/instrumentation-mcp'))});
new GoogleGenAIInstrumentation(); new BedrockInstrumentation(); new McpInstrumentation();
const g = require('@google/genai');
const b = require('@aws-sdk/client-bedrock-runtime');
const p = require('@modelcontextprotocol/sdk/dist/cjs/shared/protocol.js');
console.log(JSON.stringify([g.Models.prototype.generateContentInternal.name, b.BedrockRuntimeClient.prototype.send.name, p.Protocol.prototype.connect.name]));
`;

test('out-of-range @google/genai, Bedrock client and MCP SDK: not patched, one warning each', async () => {
  const r = await runNode(['-e', script], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), ['generateContentInternal', 'send', 'connect'], 'originals left in place');
  for (const [name, version, range] of [
    ['@google/genai', '1.9.0', '>=2.15.0 <4'],
    ['@aws-sdk/client-bedrock-runtime', '3.400.0', '>=3.825.0 <4'],
    ['@modelcontextprotocol/sdk', '0.6.0', '>=1.25.0 <2'],
  ]) {
    const lines = r.stderr.split('\n').filter((l) => l.includes(`${name} ${version} is outside the supported range ${range}`));
    assert.equal(lines.length, 1, `${name}:\n${r.stderr}`);
    assert.match(lines[0], /AgentmeterWarning/);
  }
});
