// Shared helpers for the bench scripts: size switch, tables, results, versions.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { measure, do_not_optimize } from 'mitata';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const require = createRequire(import.meta.url);
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `--small` or BENCH_SMALL=1: every script runs at a tiny size (CI smoke run, not timed). */
export const SMALL = process.argv.includes('--small') || process.env.BENCH_SMALL === '1';

/**
 * The Prometheus client libraries every bench compares with, same API: prom-client 15
 * (deprecated upstream) and its successor under the Prometheus organisation.
 */
export const PROM_LIBS = ['prom-client', '@prometheus-io/client'];

/** Load one of PROM_LIBS (both are CommonJS). */
export function loadProm(name) {
  return require(name);
}

/**
 * Ratios of `a` against each of PROM_LIBS, from a { lib: value } map, e.g. ['0.18x', '0.25x'];
 * with arrays of per-round values, the median of the per-round ratios.
 */
export function promRatios(a, byLib) {
  return PROM_LIBS.map((l) => ratioOf(a, byLib[l]));
}

function ratioOf(a, b) {
  return Array.isArray(a) ? roundRatio(a, b) : ratio(a, b);
}

/** "a vs b (r)" against every Prometheus client, for goal rows: "47 ns vs prom-client 265 ns (0.18x), @prometheus-io/client 250 ns (0.19x)". */
export function vsProm(a, byLib, unit = '', digits = 1) {
  const v = (x) => (Array.isArray(x) ? median(x) : x);
  return `${fmt(v(a), digits)}${unit} vs ` + PROM_LIBS.map((l) => `${l} ${fmt(v(byLib[l]), digits)}${unit} (${ratioOf(a, byLib[l])})`).join(', ');
}

export function pick(full, small) {
  return SMALL ? small : full;
}

export function median(xs) {
  const a = [...xs].sort((x, y) => x - y);
  if (a.length === 0) return NaN;
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/** "min–max" of the rounds of one case (how much a noisy machine moved it). */
export function range(xs, digits = 1) {
  return xs.length < 2 ? '-' : `${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)}`;
}

export function fmt(n, digits = 1) {
  if (n === undefined || n === null || Number.isNaN(n)) return 'n/a';
  if (typeof n === 'string') return n;
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(digits);
}

export function ratio(a, b) {
  if (!(b > 0) || !(a >= 0)) return 'n/a';
  return (a / b).toFixed(2) + 'x';
}

export function bytes(n) {
  if (n >= 1024 * 1024) return (n / 1024 / 1024).toFixed(2) + ' MiB';
  if (n >= 1024) return (n / 1024).toFixed(1) + ' KiB';
  return n + ' B';
}

/** Print a markdown table (header row + rows of cells). */
export function table(title, header, rows) {
  const out = [];
  if (title) out.push(`\n### ${title}\n`);
  out.push('| ' + header.join(' | ') + ' |');
  out.push('|' + header.map(() => '---').join('|') + '|');
  for (const r of rows) out.push('| ' + r.map((c) => (typeof c === 'number' ? fmt(c) : String(c))).join(' | ') + ' |');
  console.log(out.join('\n'));
}

/**
 * Emit a machine-readable result line for run-all (one per script): goals measured,
 * each { goal, measured, target, met }.
 */
export function result(script, data) {
  console.log('BENCH_RESULT ' + JSON.stringify({ script, small: SMALL, ...data }));
}

export function versionOf(pkg) {
  try {
    return JSON.parse(readFileSync(require.resolve(pkg + '/package.json'), 'utf8')).version;
  } catch {
    try {
      // packages without ./package.json in their exports map
      const main = require.resolve(pkg);
      let dir = dirname(main);
      for (let i = 0; i < 5; i++) {
        try {
          const j = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
          if (j.name === pkg) return j.version;
        } catch {
          // no readable package.json here: try the parent
        }
        dir = dirname(dir);
      }
    } catch {
      // not resolvable: 'unknown'
    }
    return 'unknown';
  }
}

export function header(name, what) {
  console.log(`## ${name}${SMALL ? ' (small size: smoke run, numbers not meaningful)' : ''}`);
  if (what) console.log(what);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function gc() {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
  for (let i = 0; i < 4; i++) globalThis.gc();
}

/** Interleaved rounds of measureCases (BENCH_ROUNDS overrides; 1 with --small). */
export const ROUNDS = Number(process.env.BENCH_ROUNDS) || pick(9, 1);

/**
 * Measure every case with mitata in ROUNDS interleaved rounds, each case a function doing
 * `ops` operations; `minCpuNs` is a third of the time each case gets in all (split over the
 * rounds: many short rounds follow a shared machine's load better than a few long ones).
 * Returns { [group]: { [name]: [ns per op, per round] } }; report the median of the rounds
 * and ratios as the median of the per-round ratios (roundRatio).
 */
export async function measureCases(cases, { ops, minCpuNs }) {
  const opts = SMALL ? { min_cpu_time: 5e6, max_samples: 200, warmup_samples: 2, min_samples: 5 } : { min_cpu_time: (3 * minCpuNs) / ROUNDS, max_samples: 1e9 };
  const ns = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [group, fns] of Object.entries(cases)) {
      for (const [name, fn] of Object.entries(fns)) {
        const stats = await measure(() => do_not_optimize(fn()), opts);
        ((ns[group] ??= {})[name] ??= []).push(stats.p50 / ops);
      }
    }
  }
  return ns;
}

/** Median over rounds of a[i] / b[i] (both measured in the same round). */
export function medianRatio(a, b) {
  return median(a.map((x, i) => x / b[i]).filter((x) => Number.isFinite(x)));
}

/** medianRatio as "0.18x". */
export function roundRatio(a, b) {
  const r = medianRatio(a, b);
  return Number.isNaN(r) ? 'n/a' : r.toFixed(2) + 'x';
}

/** True when `taskset` can pin a process to CPU `cpu` (Linux with util-linux and that CPU): the scripts then pin their children. */
export function canPin(cpu) {
  try {
    execFileSync('taskset', ['-c', String(cpu), 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The command and arguments that run `node ...argv`, on CPU `cpu` under taskset when `pin` (see canPin). */
export function nodeCommand(pin, cpu, argv) {
  return pin ? ['taskset', ['-c', String(cpu), process.execPath, ...argv]] : [process.execPath, argv];
}
