// Smoke test of the benchmark suite: every script runs at --small size, exits 0 and prints
// its table. Not a timed test: no performance assertion is made here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SCRIPTS_LIST } from './lib/scripts.mjs';

const RUN_ALL = fileURLToPath(new URL('./run-all.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

test('bench/run-all.mjs --small runs every script and prints its table', { timeout: 200_000 }, () => {
  const r = spawnSync(process.execPath, [RUN_ALL, '--small'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000, maxBuffer: 1 << 26 });
  const out = r.stdout ?? '';
  assert.equal(r.status, 0, `run-all exited ${r.status} ${r.signal ?? ''}\n${out.slice(-4000)}\n${r.stderr}`);
  let from = 0;
  for (const name of SCRIPTS_LIST) {
    const status = out.indexOf(`\nbench/${name}.mjs: exit `, from);
    assert.ok(status >= 0, `no exit line for bench/${name}.mjs`);
    const section = out.slice(from, status);
    from = status + 1;
    assert.match(out.slice(status, out.indexOf('\n', status + 1)), /: exit 0,/, `bench/${name}.mjs did not exit 0`);
    assert.match(section, /^\|(---\|)+$/m, `bench/${name}.mjs printed no table`);
    const line = out.split('\n').find((l) => l.startsWith(`BENCH_SCRIPT ${name} `));
    assert.match(line ?? '', /exit=0 .*table=yes/, `bench/${name}.mjs: ${line}`);
  }
  assert.match(out, /### Goals of issue 4/);
});

test('bench/gc-observer.mjs --small (outside run-all) runs and reports a cost per GC for the observer', { timeout: 60_000 }, () => {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('./gc-observer.mjs', import.meta.url)), '--small'], { cwd: ROOT, encoding: 'utf8', timeout: 50_000 });
  assert.equal(r.status, 0, r.stderr);
  const row = r.stdout.split('\n').find((l) => l.startsWith('| observer |'));
  // | observer | CPU ms | GCs seen | µs per GC |: the child saw GCs, so the cost is a number
  const cells = (row ?? '').split('|').map((c) => c.trim());
  assert.ok(Number(cells[3].replace(/,/g, '')) > 0, `no GC seen: ${row}`);
  assert.ok(Number.isFinite(Number(cells[4].replace(/,/g, ''))), `no cost per GC: ${row}`);
});
