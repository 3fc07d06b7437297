// Start-up: wall time of `node --require @agentmeter/sdk/register -e 0` vs `node -e 0`
// (and, for reference, the OpenTelemetry preload used by bench/http.mjs and what an app does
// with prom-client or @prometheus-io/client: collectDefaultMetrics() and a /metrics server),
// median of N runs, interleaved. The preloads' metrics servers listen on a free port and are
// unref'd, so the process exits at once. On Linux the CPU time of each child (user + system,
// from the cutime/cstime of /proc/self/stat) is reported too: on a loaded machine it moves
// much less than wall time.
//   node bench/startup.mjs [--small]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ROOT, fmt, header, median, pick, result, table } from './lib/common.mjs';

const N = pick(25, 3);
const OTEL_PRELOAD = fileURLToPath(new URL('./lib/otel-http-preload.cjs', import.meta.url));
const PROM_PRELOAD = fileURLToPath(new URL('./lib/prom-preload.cjs', import.meta.url));
const CASES = {
  'node -e 0': { args: [] },
  'node --require @agentmeter/sdk/register -e 0': { args: ['--require', '@agentmeter/sdk/register'] },
  'node --import @agentmeter/sdk/register -e 0': { args: ['--import', '@agentmeter/sdk/register'] },
  'node --require <OTel sdk-metrics + instrumentation-http preload> -e 0': { args: ['--require', OTEL_PRELOAD] },
  'node --require <prom-client collectDefaultMetrics + /metrics server> -e 0': { args: ['--require', PROM_PRELOAD], env: { BENCH_PROM_LIB: 'prom-client' } },
  'node --require <@prometheus-io/client collectDefaultMetrics + /metrics server> -e 0': { args: ['--require', PROM_PRELOAD], env: { BENCH_PROM_LIB: '@prometheus-io/client' } },
};

header('Start-up', `wall time of a process that does nothing, median of ${N} runs per case, cases interleaved; CPU time of the process (user + system), mean of the same runs.`);

/** Summed user + system CPU ms of this process's waited-for children (Linux), or undefined. */
function childrenCpuMs() {
  try {
    // fields after the ")" of the command name: state is field 3, cutime 16, cstime 17
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return ((Number(f[13]) + Number(f[14])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

const env = { ...process.env, AGENTMETER_METRICS_PORT: '0' };
const times = {}, cpu = {};
for (let i = 0; i < N + 1; i++) {
  for (const [name, c] of Object.entries(CASES)) {
    const cpu0 = childrenCpuMs();
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [...c.args, '-e', '0'], { cwd: ROOT, env: { ...env, ...c.env }, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
    const dt = performance.now() - t0;
    const dc = childrenCpuMs() - cpu0;
    if (r.status !== 0) throw new Error(`${name} exited ${r.status} ${r.signal ?? ''}: ${r.stderr}`);
    if (i > 0) {
      // first round warms the file cache
      (times[name] ??= []).push(dt);
      (cpu[name] ??= []).push(dc);
    }
  }
}
const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
const cpuMean = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length]));
const base = med['node -e 0'], baseCpu = cpuMean['node -e 0'];
table(
  'Process start-up',
  ['command', 'wall ms (median)', 'added vs node -e 0', 'CPU ms (mean)', 'CPU added'],
  Object.entries(med).map(([k, v]) => [k, fmt(v, 1), k === 'node -e 0' ? '-' : '+' + fmt(v - base, 1) + ' ms', fmt(cpuMean[k], 1), k === 'node -e 0' ? '-' : '+' + fmt(cpuMean[k] - baseCpu, 1) + ' ms']),
);
const R = 'node --require @agentmeter/sdk/register -e 0', I = 'node --import @agentmeter/sdk/register -e 0';
const added = med[R] - base;
const addedImport = med[I] - base;
const cpuNote = (k) => (Number.isNaN(cpuMean[k]) ? '' : `; CPU +${fmt(cpuMean[k] - baseCpu, 1)} ms`);
const promAdded = ['prom-client', '@prometheus-io/client'].map((l) => {
  const k = Object.keys(CASES).find((n) => n.includes(`<${l} `));
  return `${l} +${fmt(med[k] - base, 1)} ms`;
});
result('startup', {
  values: { wallMs: med, cpuMs: cpuMean },
  goals: [
    { goal: '5. start-up added by --require @agentmeter/sdk/register', measured: `+${fmt(added, 1)} ms (${fmt(base, 1)} -> ${fmt(base + added, 1)} ms${cpuNote(R)}); ${promAdded.join(', ')} (collectDefaultMetrics + /metrics server)`, target: '<= +100 ms', met: added <= 100 },
    { goal: '5. start-up added by --import @agentmeter/sdk/register', measured: `+${fmt(addedImport, 1)} ms${cpuNote(I)}`, target: '<= +100 ms', met: addedImport <= 100 },
  ],
});
