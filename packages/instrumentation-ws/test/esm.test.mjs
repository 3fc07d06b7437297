// An ESM consumer in a child process, with the import-in-the-middle hook registered by
// an --import preload (as @agentmeter/sdk/register does): ws is patched, exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { value as sample } from '@agentmeter/test-utils/exposition';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

function run(...args) {
  const r = spawnSync(process.execPath, ['--import', './esm-preload.mjs', 'esm-app.mjs', ...args], {
    cwd: fixtures,
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 0, `child failed:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

for (const mode of ['esm', 'mixed']) {
  test(`ESM import of ws (${mode}) is instrumented and every message counted once`, () => {
    const { port, text } = run(mode);
    const m = (d, t) => sample(text, 'websocket_server_messages_total', { server_port: port, websocket_message_direction: d, websocket_message_type: t });
    assert.equal(m('received', 'text'), 3);
    assert.equal(m('received', 'binary'), 2);
    assert.equal(m('sent', 'text'), 3);
    assert.equal(m('sent', 'binary'), 2);
    assert.equal(sample(text, 'websocket_server_active_connections', { server_port: port }), 0);
    assert.equal(sample(text, 'websocket_server_connection_duration_seconds_count', { server_port: port }), 1);
    const c = (d, t) => sample(text, 'websocket_client_messages_total', { server_port: port, websocket_message_direction: d, websocket_message_type: t });
    assert.equal(c('sent', 'text'), 3);
    assert.equal(c('received', 'binary'), 2);
  });
}
