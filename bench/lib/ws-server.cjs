// `ws` echo server for bench/ws.mjs. BENCH_MODE none | agentmeter (started by the
// --require preload). IPC like http-server.cjs: -> {port}; <- 'start' | 'stop' | 'exit'.
'use strict';
const { WebSocketServer } = require('ws');

const mode = process.env.BENCH_MODE || 'none';
let messages = 0;
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => process.send({ port: wss.address().port }));
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    messages++;
    ws.send(data, { binary: isBinary });
  });
});

async function recorded() {
  if (mode !== 'agentmeter') return null;
  const handle = globalThis[Symbol.for('agentmeter.sdk.handle')];
  if (!handle) return 0;
  const text = await handle.metrics();
  let n = 0;
  for (const line of text.split('\n')) if (/^websocket_server_messages[a-z_]*[{ ]/.test(line)) n += Number(line.split(' ').pop());
  return n;
}

let cpu0 = process.cpuUsage();
process.on('message', (m) => {
  if (m === 'start') {
    messages = 0;
    cpu0 = process.cpuUsage();
  } else if (m === 'stop') {
    const d = process.cpuUsage(cpu0);
    const n = messages;
    recorded().then((r) => process.send({ cpuMicros: d.user + d.system, messages: n, recorded: r }));
  } else if (m === 'exit') {
    for (const c of wss.clients) c.terminate();
    wss.close();
    process.exit(0);
  }
});
