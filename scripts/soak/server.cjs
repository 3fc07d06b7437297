// Soak target: an HTTP + WebSocket (ws) echo server, started with
//   node --expose-gc --require @agentmeter/sdk/register scripts/soak/server.cjs
// GET /         -> "ok"
// GET /json     -> a small JSON document
// GET /__heap   -> runs global.gc() and answers { heapUsed } (admin, for leak checks)
// GET /__stats  -> { errors, wsConnections, wsMessages }
// ws            -> echoes every message
// Prints "ready <port>" once listening.
const http = require('node:http');
const { WebSocketServer } = require('ws');

const stats = { errors: 0, errorSamples: [], wsConnections: 0, wsMessages: 0 };
const fail = (where, e) => {
  stats.errors++;
  if (stats.errorSamples.length < 10) stats.errorSamples.push(`${where}: ${e?.stack ?? e}`);
};
process.on('uncaughtException', (e) => fail('uncaughtException', e));
process.on('unhandledRejection', (e) => fail('unhandledRejection', e));

const doc = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ id: i, name: `item-${i}` })) });
const server = http.createServer((req, res) => {
  try {
    if (req.url === '/') return res.end('ok');
    if (req.url === '/json') return res.writeHead(200, { 'content-type': 'application/json' }).end(doc);
    if (req.url === '/__heap') {
      for (let i = 0; i < 4; i++) global.gc?.();
      return res.end(JSON.stringify({ heapUsed: process.memoryUsage().heapUsed, gc: typeof global.gc === 'function' }));
    }
    if (req.url === '/__stats') return res.end(JSON.stringify(stats));
    res.writeHead(404).end();
  } catch (e) {
    fail('handler', e);
    res.destroy();
  }
});
server.on('clientError', (e, socket) => {
  if (e.code !== 'ECONNRESET') fail('clientError', e);
  socket.destroy();
});
const wss = new WebSocketServer({ server });
wss.on('error', (e) => fail('wss', e));
wss.on('connection', (ws) => {
  stats.wsConnections++;
  ws.on('error', (e) => fail('ws', e));
  ws.on('message', (data, isBinary) => {
    stats.wsMessages++;
    ws.send(data, { binary: isBinary });
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`ready ${server.address().port}`));
process.on('SIGTERM', () => {
  for (const c of wss.clients) c.terminate();
  server.close();
  server.closeAllConnections();
  wss.close();
});
