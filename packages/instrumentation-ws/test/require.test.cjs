// CommonJS consumers: require() of the instrumentation and of ws.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { once } = require('node:events');
const { WsInstrumentation } = require('@agentmeter/instrumentation-ws');
const { PACKAGE_NAME } = require('../dist/version.js');
const { Registry, serializeAsync } = require('@agentmeter/core');

const instrumentation = new WsInstrumentation();
const registry = new Registry();
instrumentation.setMeterProvider(registry);
const WebSocket = require('ws');

test('require() works: a CJS ws server is instrumented', async () => {
  assert.equal(PACKAGE_NAME, '@agentmeter/instrumentation-ws');
  const wss = new WebSocket.Server({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (s) => s.send('hello'));
  await once(wss, 'listening');
  const port = wss.address().port;
  const c = new WebSocket(`ws://127.0.0.1:${port}`);
  await once(c, 'message');
  let text = await serializeAsync(registry);
  assert.ok(text.includes(`websocket_server_active_connections{server_port="${port}"} 1`), text);
  assert.ok(text.includes(`websocket_server_messages_total{server_port="${port}",websocket_message_direction="sent",websocket_message_type="text"} 1`), text);
  const [s] = wss.clients;
  await Promise.all([once(s, 'close'), c.close(1000)]);
  text = await serializeAsync(registry);
  assert.ok(text.includes(`websocket_server_active_connections{server_port="${port}"} 0`), text);
  await new Promise((r) => wss.close(r));
});
