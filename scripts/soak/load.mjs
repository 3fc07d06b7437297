// Soak load generator (a separate process): autocannon against GET / and GET /json, plus
// WS_CLIENTS WebSocket clients each sending a message every WS_INTERVAL_MS and checking the
// echo. Runs SECONDS, closes every client, prints one JSON line with the results.
//   node scripts/soak/load.mjs <port> [seconds=10] [connections=20] [wsClients=200]
import autocannon from 'autocannon';
import WebSocket from 'ws';

const [port, seconds = '10', connections = '20', wsClients = '200'] = process.argv.slice(2);
const SECONDS = Number(seconds);
const WS_INTERVAL_MS = Number(process.env.WS_INTERVAL_MS ?? 50);
const base = `http://127.0.0.1:${port}`;

const ws = { opened: 0, sent: 0, received: 0, mismatched: 0, errors: 0, errorSamples: [], closedEarly: 0 };
let stopping = false;
const clients = [];
function openClient(i) {
  return new Promise((resolve) => {
    const c = new WebSocket(`ws://127.0.0.1:${port}/`);
    let n = 0;
    let timer;
    const expect = [];
    c.on('open', () => {
      ws.opened++;
      timer = setInterval(() => {
        if (c.readyState !== WebSocket.OPEN) return;
        const msg = `c${i}-m${n++}-${'x'.repeat(n % 64)}`;
        expect.push(msg);
        ws.sent++;
        c.send(msg);
      }, WS_INTERVAL_MS);
      resolve();
    });
    c.on('message', (d) => {
      const want = expect.shift();
      if (d.toString() === want) ws.received++;
      else ws.mismatched++;
    });
    c.on('error', (e) => {
      ws.errors++;
      if (ws.errorSamples.length < 5) ws.errorSamples.push(String(e.message));
      resolve();
    });
    c.on('close', () => {
      clearInterval(timer);
      if (!stopping) ws.closedEarly++;
    });
    clients.push({ c, stop: () => clearInterval(timer), pending: () => expect.length });
  });
}

const t0 = Date.now();
await Promise.all(Array.from({ length: Number(wsClients) }, (_, i) => openClient(i)));
const http = await autocannon({
  url: base,
  connections: Number(connections),
  duration: SECONDS,
  requests: [{ method: 'GET', path: '/' }, { method: 'GET', path: '/json' }],
});
// stop sending, let the last echoes arrive, then close
for (const cl of clients) cl.stop();
const drainEnd = Date.now() + 5000;
while (Date.now() < drainEnd && clients.some((cl) => cl.pending() > 0)) await new Promise((r) => setTimeout(r, 50));
stopping = true;
await Promise.all(
  clients.map(
    ({ c }) =>
      new Promise((r) => {
        if (c.readyState === WebSocket.CLOSED) return r();
        c.once('close', r);
        c.close(1000, 'done');
      }),
  ),
);
process.stdout.write(
  JSON.stringify({
    seconds: (Date.now() - t0) / 1000,
    http: { requests: http.requests.total, rps: http.requests.average, errors: http.errors, timeouts: http.timeouts, non2xx: http.non2xx, p99ms: http.latency.p99, '2xx': http['2xx'] },
    ws,
  }) + '\n',
);
