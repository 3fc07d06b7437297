// WebSocket: server CPU time per message of a `ws` echo server (child process),
// uninstrumented vs agentmeter's preload (WsInstrumentation: websocket.server.* metrics,
// plus the rest of the default auto-instrumentation). Clients: this process, ping-pong on
// several connections over 127.0.0.1, bounded in time.
//   node bench/ws.mjs [--small]
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import WebSocket from 'ws';
import { fmt, header, median, pick, ratio, result, table, sleep } from './lib/common.mjs';

const SERVER = fileURLToPath(new URL('./lib/ws-server.cjs', import.meta.url));
const DURATION = pick(3, 0.5) * 1000;
const WARMUP = pick(1.5, 0.25) * 1000;
const ROUNDS = pick(5, 1);
const CONNECTIONS = 8;
const PAYLOAD = JSON.stringify({ type: 'delta', text: 'hello world, a token or two of a streamed reply' });

const MODES = {
  uninstrumented: { env: { BENCH_MODE: 'none' }, execArgv: [] },
  agentmeter: {
    env: { BENCH_MODE: 'agentmeter', AGENTMETER_METRICS_PORT: '0', OTEL_SERVICE_NAME: 'bench-ws' },
    execArgv: ['--require', '@agentmeter/sdk/register'],
  },
};
// attribution: the same preload with only the ws instrumentation, and with none at all
if (process.env.BENCH_WS_ATTRIBUTION === '1') {
  MODES['agentmeter, ws instrumentation only'] = { env: { ...MODES.agentmeter.env, AGENTMETER_INSTRUMENTATIONS: 'ws' }, execArgv: MODES.agentmeter.execArgv };
  MODES['agentmeter, no instrumentation'] = { env: { ...MODES.agentmeter.env, AGENTMETER_INSTRUMENTATIONS: 'none', BENCH_NO_VERIFY: '1' }, execArgv: MODES.agentmeter.execArgv };
}

header('WebSocket', `\`ws\` echo server in a child process; ${CONNECTIONS} client connections from this process, each sending its next message when the echo arrives; ${DURATION / 1000} s measured after ${WARMUP / 1000} s warm-up; server CPU per message received and echoed; median of ${ROUNDS} interleaved rounds.`);

/** Ping-pong on every connection for `ms`; resolves with the number of echoes received. */
async function load(url, ms) {
  const sockets = await Promise.all(
    Array.from({ length: CONNECTIONS }, () => {
      const ws = new WebSocket(url);
      return once(ws, 'open').then(() => ws);
    }),
  );
  let running = true;
  let echoes = 0;
  for (const ws of sockets) {
    ws.on('message', () => {
      echoes++;
      if (running) ws.send(PAYLOAD);
    });
    ws.send(PAYLOAD);
  }
  await sleep(ms);
  running = false;
  await sleep(20);
  await Promise.all(sockets.map((ws) => (ws.close(1000), once(ws, 'close'))));
  return echoes;
}

async function runOnce(name, mode) {
  const child = fork(SERVER, [], { env: { ...process.env, ...mode.env }, execArgv: mode.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(child, 'exit');
  try {
    const [{ port }] = await Promise.race([once(child, 'message'), exited.then(([c]) => Promise.reject(new Error(`${name} server exited ${c}`)))]);
    const url = `ws://127.0.0.1:${port}/`;
    await load(url, WARMUP);
    child.send('start');
    await sleep(20);
    const echoes = await load(url, DURATION);
    child.send('stop');
    const [stats] = await once(child, 'message');
    return { usPerMsg: stats.cpuMicros / stats.messages, msgPerSec: stats.messages / (DURATION / 1000), echoes, recorded: stats.recorded };
  } finally {
    child.send('exit');
    await Promise.race([exited, sleep(3000).then(() => child.kill())]);
  }
}

const res = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, mode] of Object.entries(MODES)) {
    const r = await runOnce(name, mode);
    if (r.recorded !== null && !(r.recorded > 0) && !mode.env.BENCH_NO_VERIFY) throw new Error(`${name}: the ws instrumentation recorded no message`);
    (res[name] ??= []).push(r);
  }
}
/** Min-max over rounds of this mode's CPU/unit divided by the same round's uninstrumented one. */
function roundRange(rs) {
  const r = rs.map((x, i) => x.usPerMsg / res.uninstrumented[i].usPerMsg);
  return Math.min(...r).toFixed(2) + '-' + Math.max(...r).toFixed(2) + 'x';
}
const med = {};
for (const [name, rs] of Object.entries(res)) {
  med[name] = { usPerMsg: median(rs.map((x) => x.usPerMsg)), msgPerSec: median(rs.map((x) => x.msgPerSec)), recorded: rs.at(-1).recorded, range: roundRange(rs) };
}
const base = med.uninstrumented.usPerMsg;
table(
  'Server CPU per message',
  ['server', 'CPU µs/message (median)', 'vs uninstrumented', 'per-round ratio range', 'messages/s', 'websocket.server.messages recorded (last run)'],
  Object.entries(med).map(([k, v]) => [k, fmt(v.usPerMsg, 2), ratio(v.usPerMsg, base), v.range, fmt(v.msgPerSec, 0), v.recorded === null ? '-' : fmt(v.recorded, 0)]),
);
const a = med.agentmeter.usPerMsg;
result('ws', {
  values: med,
  goals: [{ goal: '2. ws echo server CPU per message vs uninstrumented', measured: `${fmt(a, 2)} µs vs ${fmt(base, 2)} µs (${ratio(a, base)})`, target: '<= 1.05x', met: a <= 1.05 * base }],
});
