// Start-up: wall time of `node --require @agentmeter/sdk/register -e 0` vs `node -e 0`
// (and, for reference, the OpenTelemetry preload used by bench/http.mjs), median of N runs,
// interleaved. The preload's metrics server listens on a free port and is unref'd, so the
// process exits at once.
//   node bench/startup.mjs [--small]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ROOT, fmt, header, median, pick, result, table } from './lib/common.mjs';

const N = pick(25, 3);
const OTEL_PRELOAD = fileURLToPath(new URL('./lib/otel-http-preload.cjs', import.meta.url));
const CASES = {
  'node -e 0': [],
  'node --require @agentmeter/sdk/register -e 0': ['--require', '@agentmeter/sdk/register'],
  'node --import @agentmeter/sdk/register -e 0': ['--import', '@agentmeter/sdk/register'],
  'node --require <OTel sdk-metrics + instrumentation-http preload> -e 0': ['--require', OTEL_PRELOAD],
};

header('Start-up', `wall time of a process that does nothing, median of ${N} runs per case, cases interleaved.`);

const env = { ...process.env, AGENTMETER_METRICS_PORT: '0' };
const times = {};
for (let i = 0; i < N + 1; i++) {
  for (const [name, args] of Object.entries(CASES)) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [...args, '-e', '0'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
    const dt = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${name} exited ${r.status} ${r.signal ?? ''}: ${r.stderr}`);
    if (i > 0) (times[name] ??= []).push(dt); // first round warms the file cache
  }
}
const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
const base = med['node -e 0'];
table(
  'Process start-up',
  ['command', 'ms (median)', 'added vs node -e 0'],
  Object.entries(med).map(([k, v]) => [k, fmt(v, 1), k === 'node -e 0' ? '-' : '+' + fmt(v - base, 1) + ' ms']),
);
const added = med['node --require @agentmeter/sdk/register -e 0'] - base;
const addedImport = med['node --import @agentmeter/sdk/register -e 0'] - base;
result('startup', {
  values: med,
  goals: [
    { goal: '5. start-up added by --require @agentmeter/sdk/register', measured: `+${fmt(added, 1)} ms (${fmt(base, 1)} -> ${fmt(base + added, 1)} ms)`, target: '<= +100 ms', met: added <= 100 },
    { goal: '5. start-up added by --import @agentmeter/sdk/register', measured: `+${fmt(addedImport, 1)} ms`, target: '<= +100 ms', met: addedImport <= 100 },
  ],
});
