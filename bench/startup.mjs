// Start-up and footprint (issue 18): what a preload adds to a process, in wall time, CPU
// time and peak memory, against the same process without it, for
//   - a process that does nothing (`-e 0`): agentmeter's `--require` and `--import`
//     preloads, and what an app does with prom-client 15 or @prometheus-io/client 0.16
//     (collectDefaultMetrics() and a /metrics server, bench/lib/prom-preload.cjs), plus the
//     OpenTelemetry preload used by bench/http.mjs for reference;
//   - an app that loads openai, express and pg (bench/lib/app-libs.cjs): what the preload
//     adds on top of loading those libraries (agentmeter then loads their instrumentations).
// Whole processes, cases interleaved, N rounds after one warm-up round; medians of wall
// time and peak RSS (process.resourceUsage().maxRSS at exit, via bench/lib/maxrss.cjs,
// which every case loads alike), mean CPU time (user + system of the waited-for child,
// Linux /proc/self/stat cutime + cstime). The preloads' metrics servers listen on a free
// port and are unref'd, so the process exits at once.
//   node bench/startup.mjs [--small] [--node=/path/to/node] [--rounds=N]
// --node runs the children with another Node (docs/performance.md reports 22, 24 and 26).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ROOT, fmt, header, median, pick, result, table } from './lib/common.mjs';

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const N = Number(arg('rounds') ?? pick(21, 2));
const NODE = arg('node') ?? process.execPath;
const lib = (f) => fileURLToPath(new URL(`./lib/${f}`, import.meta.url));
const MAXRSS = lib('maxrss.cjs');
const APP = lib('app-libs.cjs');
const OTEL_PRELOAD = lib('otel-http-preload.cjs');
const PROM_PRELOAD = lib('prom-preload.cjs');

const PRELOADS = {
  none: [],
  'agentmeter --require': ['--require', '@agentmeter/sdk/register'],
  'agentmeter --import': ['--import', '@agentmeter/sdk/register'],
  'prom-client': ['--require', PROM_PRELOAD],
  '@prometheus-io/client': ['--require', PROM_PRELOAD],
  'OTel sdk-metrics + instrumentation-http': ['--require', OTEL_PRELOAD],
};
const PROM_ENV = { 'prom-client': { BENCH_PROM_LIB: 'prom-client' }, '@prometheus-io/client': { BENCH_PROM_LIB: '@prometheus-io/client' } };
const SCENARIOS = {
  'node -e 0': ['-e', '0'],
  'app: openai + express + pg': [APP],
};
const APP_PRELOADS = ['none', 'agentmeter --require', 'agentmeter --import', 'prom-client', '@prometheus-io/client'];

const version = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
header('Start-up', `Node ${version}; whole processes, ${N} interleaved rounds after a warm-up: wall time and peak RSS (maxRSS at exit) medians, CPU time (user + system) mean.`);

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
delete env.NODE_OPTIONS;
const cases = [];
for (const [scenario, tail] of Object.entries(SCENARIOS)) {
  for (const p of scenario === 'node -e 0' ? Object.keys(PRELOADS) : APP_PRELOADS) cases.push({ scenario, preload: p, args: ['--require', MAXRSS, ...PRELOADS[p], ...tail], env: { ...env, ...PROM_ENV[p] } });
}
const wall = new Map(), cpu = new Map(), rss = new Map();
for (let i = 0; i < N + 1; i++) {
  for (const c of cases) {
    const cpu0 = childrenCpuMs();
    const t0 = performance.now();
    const r = spawnSync(NODE, c.args, { cwd: ROOT, env: c.env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000, encoding: 'utf8' });
    const dt = performance.now() - t0;
    const dc = childrenCpuMs() - cpu0;
    if (r.status !== 0) throw new Error(`${c.scenario} with ${c.preload} exited ${r.status} ${r.signal ?? ''}: ${r.stderr}`);
    const kb = Number(/BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1]);
    if (i === 0) continue; // the first round warms the file cache
    for (const [m, v] of [[wall, dt], [cpu, dc], [rss, kb / 1024]]) {
      if (!m.has(c)) m.set(c, []);
      m.get(c).push(v);
    }
  }
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fig = new Map(cases.map((c) => [c, { wall: median(wall.get(c)), cpu: mean(cpu.get(c)), rss: median(rss.get(c)) }]));
const baseOf = (c) => fig.get(cases.find((b) => b.scenario === c.scenario && b.preload === 'none'));
const added = (c) => {
  const f = fig.get(c), b = baseOf(c);
  return { wall: f.wall - b.wall, cpu: f.cpu - b.cpu, rss: f.rss - b.rss };
};
const sign = (n, d = 1) => (n >= 0 ? '+' : '') + fmt(n, d);
for (const scenario of Object.keys(SCENARIOS)) {
  table(
    scenario,
    ['preload', 'wall ms', 'added', 'CPU ms', 'added', 'peak RSS MiB', 'added'],
    cases
      .filter((c) => c.scenario === scenario)
      .map((c) => {
        const f = fig.get(c), a = added(c), base = c.preload === 'none';
        return [c.preload, fmt(f.wall, 1), base ? '-' : sign(a.wall), fmt(f.cpu, 1), base ? '-' : sign(a.cpu), fmt(f.rss, 1), base ? '-' : sign(a.rss)];
      }),
  );
}

const find = (scenario, preload) => cases.find((c) => c.scenario === scenario && c.preload === preload);
const goals = [];
for (const scenario of Object.keys(SCENARIOS)) {
  const prom = ['prom-client', '@prometheus-io/client'].map((p) => ({ p, a: added(find(scenario, p)) }));
  const best = (k) => Math.min(...prom.map((x) => x.a[k]));
  const promText = (k, unit) => prom.map((x) => `${x.p} ${sign(x.a[k])}${unit}`).join(', ');
  for (const flag of ['--require', '--import']) {
    const a = added(find(scenario, `agentmeter ${flag}`));
    const app = scenario !== 'node -e 0';
    goals.push({
      goal: `start-up added by ${flag} (${scenario}), wall`,
      measured: `${sign(a.wall)} ms (CPU ${sign(a.cpu)} ms) vs ${promText('wall', ' ms')}`,
      target: app ? 'reported (prom-client instruments none of these libraries)' : `<= prom-client's (aim +40 ms)`,
      met: app ? true : a.wall <= best('wall'),
    });
    goals.push({
      goal: `start-up added by ${flag} (${scenario}), peak memory`,
      measured: `${sign(a.rss)} MiB vs ${promText('rss', ' MiB')}`,
      target: app ? 'reported' : `<= prom-client's`,
      met: app ? true : a.rss <= best('rss'),
    });
  }
}
result('startup', {
  values: { node: version, rounds: N, cases: cases.map((c) => ({ scenario: c.scenario, preload: c.preload, ...fig.get(c), added: added(c) })) },
  goals,
});
