// Runs every bench script in sequence (each in its own process) and prints the goals of
// issue 4 with their measured values.
//   node bench/run-all.mjs            full size (npm run bench), a few minutes
//   node bench/run-all.mjs --small    tiny sizes, seconds: checks the scripts run (CI)
//   node bench/run-all.mjs --only=scrape,http    a subset
//   node bench/run-all.mjs --json=out.json       also write the results as JSON
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ROOT, SMALL, table, versionOf } from './lib/common.mjs';
import { SCRIPTS_LIST } from './lib/scripts.mjs';

const SCRIPTS = SCRIPTS_LIST;

const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const jsonOut = process.argv.find((a) => a.startsWith('--json='))?.slice(7);
const scripts = only ? SCRIPTS.filter((s) => only.includes(s)) : SCRIPTS;

const machine = {
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  versions: Object.fromEntries(
    ['@opentelemetry/api', '@opentelemetry/sdk-metrics', '@opentelemetry/exporter-prometheus', '@opentelemetry/instrumentation-http', 'prom-client', '@prometheus-io/client', 'ws', 'mitata', 'autocannon'].map((p) => [p, versionOf(p)]),
  ),
};
console.log(`# agentmeter benchmarks${SMALL ? ' (--small)' : ''}`);
console.log(`node ${machine.node}, ${machine.cpus} CPUs (${machine.cpu}); ${Object.entries(machine.versions).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);

function run(name) {
  return new Promise((resolve) => {
    const file = fileURLToPath(new URL(`./${name}.mjs`, import.meta.url));
    const t0 = performance.now();
    const child = spawn(process.execPath, [file, ...(SMALL ? ['--small'] : [])], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      out += d;
      // the tables as they come; the machine-readable line is kept for the summary
      process.stdout.write(
        d
          .split('\n')
          .filter((l) => !l.startsWith('BENCH_RESULT '))
          .join('\n'),
      );
    });
    child.on('close', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      let res;
      try {
        res = line ? JSON.parse(line.slice('BENCH_RESULT '.length)) : undefined;
      } catch {
        res = undefined;
      }
      const seconds = (performance.now() - t0) / 1000;
      console.log(`\nbench/${name}.mjs: exit ${code}${signal ? ' ' + signal : ''}, ${seconds.toFixed(1)} s\n`);
      resolve({ name, code, signal, seconds, result: res });
    });
  });
}

const t0 = performance.now();
const runs = [];
for (const s of scripts) runs.push(await run(s));
const total = (performance.now() - t0) / 1000;

const rows = [];
for (const r of runs) {
  for (const g of r.result?.goals ?? []) rows.push([g.goal, g.measured, g.target, g.met ? 'met' : 'NOT met', `${r.name}.mjs`]);
  if (!r.result) rows.push([`(bench/${r.name}.mjs produced no result)`, '-', '-', 'failed', `${r.name}.mjs`]);
}
table(`Goals of issue 4${SMALL ? ' (--small: sizes too small for the verdicts to mean anything)' : ''}`, ['goal', 'measured', 'target', 'verdict', 'script'], rows);
console.log(`\nall scripts: ${total.toFixed(1)} s`);
for (const r of runs) console.log(`BENCH_SCRIPT ${r.name} exit=${r.code} seconds=${r.seconds.toFixed(1)} table=${r.result ? 'yes' : 'no'}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine, small: SMALL, totalSeconds: total, runs }, null, 2));
process.exit(runs.every((r) => r.code === 0 && r.result) ? 0 : 1);
