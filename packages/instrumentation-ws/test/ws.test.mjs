import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { Registry, serializeAsync } from '@agentmeter/core';
import { WsInstrumentation } from '@agentmeter/instrumentation-ws';
import { value as sample, samples } from '@agentmeter/test-utils/exposition';
import { listen, connect, until } from './helpers.mjs';

const { SUPPORTED_WS_VERSIONS } = createRequire(import.meta.url)('../dist/types.js');

// The instrumentation is enabled before `ws` is required, as the agentmeter preload does.
const instrumentation = new WsInstrumentation();
const require = createRequire(import.meta.url);
const { WebSocketServer, WebSocket } = require('ws');

let registry;
const fresh = () => {
  registry = new Registry();
  instrumentation.setMeterProvider(registry);
  return registry;
};
const scrape = () => serializeAsync(registry);

const ACTIVE = 'websocket_server_active_connections';
const DURATION_COUNT = 'websocket_server_connection_duration_seconds_count';
const MESSAGES = 'websocket_server_messages_total';

async function echoServer(options = {}) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  wss.on('connection', (s) => s.on('message', (data, isBinary) => s.send(data, { binary: isBinary })));
  const port = await listen(wss);
  return { wss, port, url: `ws://127.0.0.1:${port}` };
}

function closeServer(wss) {
  for (const c of wss.clients) c.terminate();
  return new Promise((r) => wss.close(() => r()));
}

test('declares the supported ws versions and patches the installed 8.x', () => {
  assert.deepEqual([...SUPPORTED_WS_VERSIONS], ['>=8.2.0 <9']);
  assert.match(JSON.parse(readFileSync(join(dirname(require.resolve('ws')), 'package.json'), 'utf8')).version, /^8\./);
  assert.equal(WebSocket.prototype[Symbol.for('agentmeter.ws.patched')], instrumentation);
});

test('text and binary messages both ways, normal close: exact server and client counts', async () => {
  fresh();
  const { wss, port, url } = await echoServer();
  const c = await connect(WebSocket, url);
  let got = 0;
  c.on('message', () => got++);
  c.send('hello');
  c.send('again');
  c.send(Buffer.from([1, 2, 3]));
  await until(() => got === 3, 5000, 'echoes');

  let text = await scrape();
  assert.equal(sample(text, ACTIVE, { server_port: port }), 1);
  const m = (direction, type) => sample(text, MESSAGES, { server_port: port, websocket_message_direction: direction, websocket_message_type: type });
  assert.equal(m('received', 'text'), 2);
  assert.equal(m('received', 'binary'), 1);
  assert.equal(m('sent', 'text'), 2);
  assert.equal(m('sent', 'binary'), 1);
  // the client socket is counted in websocket.client.*, never in websocket.server.*
  const cm = (direction, type) =>
    sample(text, 'websocket_client_messages_total', { server_address: '127.0.0.1', server_port: port, websocket_message_direction: direction, websocket_message_type: type });
  assert.equal(cm('sent', 'text'), 2);
  assert.equal(cm('sent', 'binary'), 1);
  assert.equal(cm('received', 'text'), 2);
  assert.equal(cm('received', 'binary'), 1);
  assert.equal(sample(text, 'websocket_client_active_connections', { server_port: port }), 1);

  const [serverSide] = wss.clients;
  const closed = Promise.all([once(serverSide, 'close'), once(c, 'close')]);
  c.close(1000, 'bye');
  await closed;
  text = await scrape();
  assert.equal(sample(text, ACTIVE, { server_port: port }), 0);
  assert.equal(sample(text, 'websocket_client_active_connections', { server_port: port }), 0);
  assert.equal(sample(text, DURATION_COUNT, { server_port: port }), 1);
  assert.ok(!text.includes('error_type='), 'a 1000 close carries no error.type');
  const sum = sample(text, 'websocket_server_connection_duration_seconds_sum', { server_port: port });
  assert.ok(sum > 0 && sum < 10, `duration ${sum}`);
  await closeServer(wss);
});

test('abnormal closes carry error.type (close code), 1001 and 1005 do not', async () => {
  fresh();
  const { wss, port, url } = await echoServer();
  const closeOf = async (fn) => {
    const c = await connect(WebSocket, url);
    await until(() => wss.clients.size > 0);
    const s = [...wss.clients].at(-1);
    const closed = once(s, 'close');
    fn(c, s);
    const [code] = await closed;
    await until(() => c.readyState === WebSocket.CLOSED);
    return code;
  };
  assert.equal(await closeOf((c) => c.terminate()), 1006); // no close frame
  assert.equal(await closeOf((c) => c.close(4001)), 4001); // application-defined code
  assert.equal(await closeOf((c) => c.close(1001)), 1001); // going away: normal
  assert.equal(await closeOf((c) => c.close()), 1005); // no status: normal
  assert.equal(await closeOf((c, s) => s.close(1011)), 1011); // server-side internal error
  const text = await scrape();
  assert.equal(sample(text, DURATION_COUNT, { server_port: port, error_type: '1006' }), 1);
  assert.equal(sample(text, DURATION_COUNT, { server_port: port, error_type: '4001' }), 1);
  assert.equal(sample(text, DURATION_COUNT, { server_port: port, error_type: '1011' }), 1);
  const noError = samples(text, DURATION_COUNT).filter((s) => !('error_type' in s.labels));
  assert.deepEqual(noError, [{ name: DURATION_COUNT, labels: { server_port: String(port) }, value: 2 }]);
  assert.equal(sample(text, ACTIVE, { server_port: port }), 0);
  await closeServer(wss);
});

test('a socket error (protocol violation) closes abnormally and decrements once', async () => {
  fresh();
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 16 });
  const errors = [];
  const codes = [];
  wss.on('connection', (s) => {
    s.on('error', (e) => errors.push(e.code)); // the app handles it
    s.on('close', (code) => codes.push(code));
  });
  const port = await listen(wss);
  const c = await connect(WebSocket, `ws://127.0.0.1:${port}`);
  c.on('error', () => {});
  c.send('x'.repeat(100)); // exceeds maxPayload: the server socket errors and closes
  await until(() => codes.length === 1, 5000, 'server close');
  assert.deepEqual(errors, ['WS_ERR_UNSUPPORTED_MESSAGE_LENGTH']);
  assert.ok(![1000, 1001, 1005].includes(codes[0]), `abnormal close code ${codes[0]}`);
  const text = await scrape();
  assert.equal(sample(text, DURATION_COUNT, { server_port: port, error_type: String(codes[0]) }), 1);
  assert.equal(samples(text, DURATION_COUNT).length, 1);
  assert.equal(sample(text, ACTIVE, { server_port: port }), 0);
  assert.equal(sample(text, MESSAGES, { websocket_message_direction: 'received' }), undefined, 'the oversized message was never received');
  c.terminate();
  await closeServer(wss);
});

test('200 concurrent connections: all counted, back to 0 after', async () => {
  fresh();
  const { wss, port, url } = await echoServer();
  const N = 200;
  const clients = await Promise.all(Array.from({ length: N }, () => connect(WebSocket, url)));
  await until(() => wss.clients.size === N, 10000, 'all server sockets');
  let text = await scrape();
  assert.equal(sample(text, ACTIVE, { server_port: port }), N);
  assert.equal(sample(text, 'websocket_client_active_connections', { server_port: port }), N);
  let echoes = 0;
  for (const c of clients) {
    c.on('message', () => echoes++);
    c.send('ping');
  }
  await until(() => echoes === N, 10000, 'echoes');
  await Promise.all(clients.map((c, i) => {
    const p = once(c, 'close');
    if (i % 2) c.close(1000);
    else c.terminate();
    return p;
  }));
  await until(() => wss.clients.size === 0, 10000, 'server sockets closed');
  text = await scrape();
  assert.equal(sample(text, ACTIVE, { server_port: port }), 0);
  assert.equal(sample(text, MESSAGES, { server_port: port, websocket_message_direction: 'received', websocket_message_type: 'text' }), N);
  assert.equal(sample(text, MESSAGES, { server_port: port, websocket_message_direction: 'sent', websocket_message_type: 'text' }), N);
  assert.equal(sample(text, DURATION_COUNT, { server_port: port }), N / 2);
  assert.equal(sample(text, DURATION_COUNT, { server_port: port, error_type: '1006' }), N / 2);
  await closeServer(wss);
});

test('noServer + handleUpgrade on an http server, and the server option', async () => {
  fresh();
  const http = createServer((req, res) => res.end('ok'));
  const noServer = new WebSocketServer({ noServer: true });
  const attached = new WebSocketServer({ server: createServer(), clientTracking: true });
  http.on('upgrade', (req, socket, head) => {
    noServer.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (d) => ws.send(`echo ${d}`));
    });
  });
  http.listen(0, '127.0.0.1');
  const port = await listen(http);
  attached.options.server.listen(0, '127.0.0.1');
  const port2 = await listen(attached.options.server);
  attached.on('connection', (ws) => ws.send('welcome'));

  const c = await connect(WebSocket, `ws://127.0.0.1:${port}/chat`);
  c.send('hi');
  const [reply] = await once(c, 'message');
  assert.equal(String(reply), 'echo hi');
  const c2 = new WebSocket(`ws://127.0.0.1:${port2}`);
  const [welcome] = await once(c2, 'message');
  assert.equal(String(welcome), 'welcome');

  let text = await scrape();
  assert.equal(sample(text, ACTIVE, { server_port: port }), 1);
  assert.equal(sample(text, ACTIVE, { server_port: port2 }), 1);
  assert.equal(sample(text, MESSAGES, { server_port: port, websocket_message_direction: 'received' }), 1);
  assert.equal(sample(text, MESSAGES, { server_port: port, websocket_message_direction: 'sent' }), 1);
  assert.equal(sample(text, MESSAGES, { server_port: port2, websocket_message_direction: 'sent' }), 1);
  assert.equal(sample(text, MESSAGES, { server_port: port2, websocket_message_direction: 'received' }), undefined);

  await Promise.all([once(c, 'close'), once(c2, 'close'), c.close(1000), c2.close(1000)]);
  await until(async () => sample(await scrape(), ACTIVE, { server_port: port }) === 0 && sample(await scrape(), ACTIVE, { server_port: port2 }) === 0);
  text = await scrape();
  assert.equal(sample(text, DURATION_COUNT, { server_port: port }), 1);
  assert.equal(sample(text, DURATION_COUNT, { server_port: port2 }), 1);
  await new Promise((r) => attached.close(r));
  attached.options.server.close();
  http.close();
});

test('require and import share one patch: every message counted exactly once', async () => {
  fresh();
  const esm = await import('ws');
  assert.equal(esm.WebSocket, WebSocket, 'the ESM wrapper re-exports the CJS class');
  instrumentation.manuallyInstrument(esm); // as the ESM hook would: a no-op, already patched
  instrumentation.manuallyInstrument(require('ws'));
  const wss = new esm.WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (s) => s.on('message', (d) => s.send(d)));
  const port = await listen(wss);
  const c = await connect(WebSocket, `ws://127.0.0.1:${port}`);
  for (let i = 0; i < 5; i++) c.send('m' + i);
  let n = 0;
  c.on('message', () => n++);
  await until(() => n === 5);
  const text = await scrape();
  assert.equal(sample(text, MESSAGES, { server_port: port, websocket_message_direction: 'received' }), 5);
  assert.equal(sample(text, MESSAGES, { server_port: port, websocket_message_direction: 'sent' }), 5);
  assert.equal(sample(text, ACTIVE, { server_port: port }), 1);
  c.close();
  await closeServer(wss);
});

test('a second instrumentation instance replaces the first patch instead of stacking', async () => {
  const second = new WsInstrumentation({ clientMetrics: false });
  const r2 = new Registry();
  second.setMeterProvider(r2);
  second.manuallyInstrument(require('ws'));
  fresh();
  const { wss, port, url } = await echoServer();
  const c = await connect(WebSocket, url);
  c.send('one');
  await once(c, 'message');
  const t2 = await serializeAsync(r2);
  assert.equal(sample(t2, MESSAGES, { server_port: port, websocket_message_direction: 'received' }), 1);
  assert.equal(sample(t2, MESSAGES, { server_port: port, websocket_message_direction: 'sent' }), 1);
  assert.ok(!t2.includes('websocket_client_messages_total{'), 'clientMetrics: false');
  assert.equal(sample(await scrape(), MESSAGES, { server_port: port }), undefined, 'the first instance no longer records');
  c.close();
  await closeServer(wss);
  second.disable();
  instrumentation.manuallyInstrument(require('ws')); // back to the first one
  assert.equal(WebSocket.prototype[Symbol.for('agentmeter.ws.patched')], instrumentation);
});

test('disable() unpatches; sockets opened before still decrement on close', async () => {
  fresh();
  const { wss, port, url } = await echoServer();
  const c = await connect(WebSocket, url);
  await until(() => wss.clients.size === 1);
  instrumentation.disable();
  assert.equal(WebSocket.prototype[Symbol.for('agentmeter.ws.patched')], undefined);
  const c2 = await connect(WebSocket, url);
  let text = await scrape();
  assert.equal(sample(text, ACTIVE, { server_port: port }), 1, 'the socket opened after disable() is not counted');
  await Promise.all([once(c, 'close'), once(c2, 'close'), c.close(), c2.close()]);
  await until(() => wss.clients.size === 0);
  text = await scrape();
  assert.equal(sample(text, ACTIVE, { server_port: port }), 0);
  instrumentation.enable();
  assert.equal(WebSocket.prototype[Symbol.for('agentmeter.ws.patched')], instrumentation);
  await closeServer(wss);
});
