// Server CPU per message of a ws echo server, with and without WsInstrumentation
// (issue 4 goal: <= 1.05x). Each run is a fresh server process; clients run here.
//   node packages/instrumentation-ws/bench/echo-cpu.mjs [messagesPerRun=200000] [rounds=5]
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = fileURLToPath(import.meta.url);

if (process.argv[2] === '--server') {
  const mode = process.argv[3];
  if (mode === 'agentmeter') {
    const { Registry } = require('@agentmeter/core');
    const { WsInstrumentation } = require('@agentmeter/instrumentation-ws');
    new WsInstrumentation().setMeterProvider(new Registry());
  }
  const { WebSocketServer } = require('ws');
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  await once(wss, 'listening');
  let cpu0;
  process.on('message', (m) => {
    if (m === 'start') {
      cpu0 = process.cpuUsage();
      process.send('started');
    } else if (m === 'stop') {
      const d = process.cpuUsage(cpu0);
      process.send({ cpuUs: d.user + d.system });
      process.exit(0);
    }
  });
  process.send({ port: wss.address().port });
} else {
  const total = Number(process.argv[2] ?? 200_000);
  const rounds = Number(process.argv[3] ?? 5);
  const CLIENTS = 20;
  const { WebSocket } = require('ws');
  async function run(mode) {
    const child = fork(here, ['--server', mode]);
    const [{ port }] = await once(child, 'message');
    const clients = await Promise.all(Array.from({ length: CLIENTS }, async () => {
      const c = new WebSocket(`ws://127.0.0.1:${port}`);
      await once(c, 'open');
      return c;
    }));
    child.send('start');
    await once(child, 'message');
    const per = Math.floor(total / CLIENTS);
    const payload = 'x'.repeat(64);
    await Promise.all(clients.map((c) => new Promise((resolve) => {
      let n = 0;
      c.on('message', () => (++n === per ? resolve() : c.send(payload)));
      c.send(payload);
    })));
    child.send('stop');
    const [{ cpuUs }] = await once(child, 'message');
    for (const c of clients) c.terminate();
    return (cpuUs * 1000) / (per * CLIENTS); // ns per echoed message (1 received + 1 sent)
  }
  const res = { baseline: [], agentmeter: [] };
  for (let r = 0; r < rounds; r++) {
    for (const mode of r % 2 ? ['agentmeter', 'baseline'] : ['baseline', 'agentmeter']) res[mode].push(await run(mode));
  }
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const b = median(res.baseline);
  const a = median(res.agentmeter);
  console.log(`ws echo server CPU per message (median of ${rounds} runs, ${total} echoes each, ${CLIENTS} clients)`);
  console.log(`uninstrumented: ${(b / 1000).toFixed(2)} µs`);
  console.log(`agentmeter:     ${(a / 1000).toFixed(2)} µs  ratio ${(a / b).toFixed(3)}x`);
  console.log(JSON.stringify({ baseline: res.baseline.map(Math.round), agentmeter: res.agentmeter.map(Math.round), ratio: a / b }));
}
