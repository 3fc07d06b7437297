#!/usr/bin/env node
// The version matrix: for every library an agentmeter package instruments (package.json
// "agentmeter": { "instruments": { name: range }, "versionTests": [test files] }), install
// the oldest release in the supported range and the newest release of each major in it
// into a temp directory, point node_modules/<name> at that copy, and run the package's
// version tests against it. "agentmeter.versionProbe" names the module to load for the
// out-of-range check when the package has no main entry; "agentmeter.versionBelowSkip" lists
// the preloads under which that check does not apply (ai 5/6, the newest releases below the
// range, are measured through their spans with their own warning; @langchain/core 0.3 under
// --import is a known gap). The workspace's own copy is put back afterwards, also on
// failure or Ctrl+C.
//   node scripts/test-versions.mjs [filter]     e.g. `openai` or `ws`
//   VERSIONS_LIST=1 node scripts/test-versions.mjs   print the matrix only
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(join(root, 'package.json'));
const semver = require('semver');
const filter = process.argv[2];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Oldest release in range, and the newest release of every major the range covers. */
export function pickVersions(all, range) {
  const inRange = all.filter((v) => !semver.prerelease(v) && semver.satisfies(v, range)).sort(semver.compare);
  if (inRange.length === 0) return [];
  const picks = new Set([inRange[0]]);
  const byMajor = new Map();
  for (const v of inRange) byMajor.set(semver.major(v) === 0 ? `0.${semver.minor(v)}` : semver.major(v), v);
  // 0.x: every minor is a major; keep only the newest 0.x minor to bound the matrix
  const majors = [...byMajor.keys()];
  const zero = majors.filter((k) => String(k).startsWith('0.'));
  for (const k of majors) if (!String(k).startsWith('0.') || k === zero[zero.length - 1]) picks.add(byMajor.get(k));
  return [...picks].sort(semver.compare);
}

const rows = [];
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const pj = join(root, 'packages', dir, 'package.json');
  if (!existsSync(pj)) continue;
  const pkg = JSON.parse(readFileSync(pj, 'utf8'));
  const am = pkg.agentmeter;
  if (!am?.instruments) continue;
  for (const [lib, range] of Object.entries(am.instruments)) {
    if (filter && !lib.includes(filter) && !pkg.name.includes(filter)) continue;
    if (am.versionTests?.[lib] === 'aliases') {
      // the package's own tests install the oldest and newest releases as npm aliases
      console.log(`${lib} (${range}, ${pkg.name}): tested by the package's own tests through npm aliases`);
      continue;
    }
    const tests = (am.versionTests?.[lib] ?? []).map((t) => join('packages', dir, t));
    if (tests.length === 0) {
      console.error(`${pkg.name}: no agentmeter.versionTests for ${lib}`);
      process.exit(1);
    }
    const all = JSON.parse(execFileSync(npm, ['view', lib, 'versions', '--json'], { encoding: 'utf8' }));
    const below = semver.maxSatisfying(all.filter((v) => !semver.prerelease(v)), `<${semver.minVersion(range)}`);
    rows.push({ pkg: pkg.name, lib, range, tests, probe: am.versionProbe?.[lib] ?? lib, belowSkip: am.versionBelowSkip?.[lib] ?? [], versions: process.env.VERSIONS_ONLY_BELOW ? [] : pickVersions(all, range), below });
  }
}
for (const r of rows) console.log(`${r.lib} (${r.range}, ${r.pkg}): ${r.versions.join(', ')}; out of range: ${r.below ?? 'none'}`);
if (process.env.VERSIONS_LIST) process.exit(0);

const results = [];
let restore = () => {};
process.on('SIGINT', () => { restore(); process.exit(130); });
process.on('SIGTERM', () => { restore(); process.exit(143); });
for (const r of rows) {
  for (const v of r.versions) {
    const tmp = mkdtempSync(join(tmpdir(), `agentmeter-versions-`));
    const t0 = Date.now();
    const inst = install(tmp, `${r.lib}@${v}`);
    if (inst.status !== 0) {
      results.push({ ...r, v, ok: false, why: `npm install failed: ${inst.stderr.trim().split('\n').slice(-3).join(' ')}` });
      rmSync(tmp, { recursive: true, force: true });
      continue;
    }
    const target = join(root, 'node_modules', r.lib);
    const saved = `${target}.agentmeter-saved`;
    const had = existsSync(target) || isLink(target);
    if (had) renameSync(target, saved);
    restore = () => {
      try { if (isLink(target) || existsSync(target)) unlinkSync(target); } catch { rmSync(target, { recursive: true, force: true }); }
      if (had && existsSync(saved)) renameSync(saved, target);
      restore = () => {};
    };
    try {
      symlinkSync(join(tmp, 'node_modules', r.lib), target, 'dir');
      const got = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')).version;
      console.log(`\n== ${r.lib}@${got}: ${r.tests.join(' ')}`);
      const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=120000', ...r.tests], {
        cwd: root, stdio: 'inherit', env: { ...process.env, AGENTMETER_TEST: '1', AGENTMETER_TEST_LIB_VERSION: got },
      });
      results.push({ ...r, v: got, ok: run.status === 0, why: run.status === 0 ? '' : `tests failed (exit ${run.status})`, s: ((Date.now() - t0) / 1000).toFixed(1) });
    } finally {
      restore();
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}
// Out of range: the newest release below the range is loaded under both preloads; it must be
// left unpatched with one warning naming the package, its version and the supported range.
for (const r of rows) {
  if (!r.below) continue;
  const tmp = mkdtempSync(join(tmpdir(), `agentmeter-versions-`));
  try {
    const inst = install(tmp, `${r.lib}@${r.below}`);
    if (inst.status !== 0) {
      results.push({ ...r, v: `${r.below} (out of range)`, ok: false, why: 'npm install failed' });
      continue;
    }
    // (the probe is the module an app loads: the package, or an entry of its for packages without a main)
    writeFileSync(join(tmp, 'app.cjs'), `require(${JSON.stringify(r.probe)});\n`);
    writeFileSync(join(tmp, 'app.mjs'), `await import(${JSON.stringify(r.probe)});\n`);
    const sdk = join(root, 'packages', 'sdk');
    for (const [flag, preload, app] of [['--require', join(sdk, 'dist', 'register.js'), 'app.cjs'], ['--import', pathToFileURL(join(sdk, 'register.mjs')).href, 'app.mjs']]) {
      if (r.belowSkip.includes(flag)) {
        console.log(`\n== ${r.lib}@${r.below} (out of range) under ${flag}: skipped (package.json agentmeter.versionBelowSkip)`);
        continue;
      }
      const run = spawnSync(process.execPath, [flag, preload, app], {
        cwd: tmp, encoding: 'utf8', timeout: 60_000,
        env: { ...process.env, AGENTMETER_METRICS_PORT: '0' },
      });
      const expected = `${r.lib} ${r.below} is outside the supported range ${r.range}`;
      const n = run.stderr.split(expected).length - 1;
      const ok = run.status === 0 && n === 1 && run.stderr.includes('AGENTMETER_UNSUPPORTED_VERSION');
      console.log(`\n== ${r.lib}@${r.below} (out of range) under ${flag}: ${ok ? 'one warning' : 'FAILED'}`);
      if (!ok) console.log(run.stderr);
      results.push({ ...r, v: `${r.below} (out of range, ${flag})`, ok, why: ok ? 'warned once, not patched' : `expected exactly one warning "${expected}", got ${n} (exit ${run.status})` });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
console.log('\nversion matrix:');
for (const x of results) console.log(`${x.ok ? 'ok  ' : 'FAIL'} ${x.lib}@${x.v} (${x.range}) ${x.s ?? ''}s ${x.why}`);
const failed = results.filter((x) => !x.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

/** npm install into a temp prefix, with the package's peer dependencies (without them only if npm cannot resolve them). */
function install(prefix, spec) {
  const args = ['i', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', '--silent', spec];
  const r = spawnSync(npm, args, { encoding: 'utf8' });
  return r.status === 0 ? r : spawnSync(npm, [...args, '--legacy-peer-deps'], { encoding: 'utf8' });
}

function isLink(p) {
  try { return lstatSync(p).isSymbolicLink(); } catch { return false; }
}
