// Installable packages: `npm pack` every public package, install the tarballs (and nothing
// from this repository) into a temp app, load each with require and import, and type-check
// every ```ts snippet of the docs and README against the installed packages under
// `tsc --strict`, with `module: nodenext` and with `moduleResolution: bundler`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const npm = 'npm';
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const pkgs = readdirSync(join(root, 'packages'))
  .map((d) => ({ dir: d, json: JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')) }))
  .filter((p) => !p.json.private);
let tmp;
let app;
let packed;

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'agentmeter-pack-'));
  const out = execFileSync(npm, ['pack', '--json', '--pack-destination', tmp, ...pkgs.flatMap((p) => ['-w', `packages/${p.dir}`])], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  packed = JSON.parse(out.slice(out.indexOf('[')));
  app = join(tmp, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pack-test-app', private: true, version: '1.0.0' }));
  // the peer API and the clients the docs' snippets import, at the workspace's versions
  const v = (n) => `${n}@${JSON.parse(readFileSync(join(root, 'node_modules', n, 'package.json'), 'utf8')).version}`;
  execFileSync(npm, ['i', '--no-audit', '--no-fund', '--prefer-offline', '--silent', ...packed.map((p) => join(tmp, p.filename)), v('@opentelemetry/api'), v('openai'), v('@anthropic-ai/sdk')], { cwd: app, stdio: ['ignore', 'ignore', 'pipe'] });
});
after(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

test('every package tarball holds README.md, LICENSE, package.json and its built entry point', () => {
  assert.equal(packed.length, pkgs.length);
  for (const p of packed) {
    const files = new Set(p.files.map((f) => f.path));
    for (const f of ['README.md', 'LICENSE', 'package.json']) assert.ok(files.has(f), `${p.name}: ${f} missing from the tarball`);
    const main = JSON.parse(readFileSync(join(root, 'packages', pkgs.find((x) => x.json.name === p.name).dir, 'package.json'), 'utf8')).main;
    if (main) assert.ok(files.has(main.replace(/^\.\//, '')), `${p.name}: ${main} missing`);
    assert.ok(![...files].some((f) => f.startsWith('test/')), `${p.name}: tests packed`);
  }
});

test('installed from the tarballs alone, every package loads with require and with import', () => {
  for (const p of pkgs) {
    const name = p.json.name;
    for (const [flag, code] of [['--input-type=commonjs', `require(${JSON.stringify(name)})`], ['--input-type=module', `await import(${JSON.stringify(name)})`]]) {
      const r = spawnSync(process.execPath, [flag, '-e', code], { cwd: app, encoding: 'utf8', env: { ...process.env, AGENTMETER_METRICS_PORT: '0' } });
      assert.equal(r.status, 0, `${name} (${flag}): ${r.stderr}`);
    }
    // nothing resolves back into this repository
    const resolved = createRequire(join(app, 'index.js')).resolve(name);
    assert.ok(resolved.startsWith(app), `${name} resolved to ${resolved}`);
  }
});

function snippets() {
  const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
  const out = [];
  for (const doc of docs) {
    const re = /```ts\n([\s\S]*?)```/g;
    let m;
    let i = 0;
    while ((m = re.exec(readFileSync(join(root, doc), 'utf8')))) out.push({ name: `${doc.replace(/[/.]/g, '_')}-${++i}.mts`, code: m[1] });
  }
  return out;
}

for (const [label, opts] of [
  ['nodenext', ['--module', 'nodenext', '--moduleResolution', 'nodenext']],
  ['bundler', ['--module', 'esnext', '--moduleResolution', 'bundler']],
]) {
  test(`the documented TypeScript usage compiles under tsc --strict (${label})`, () => {
    const files = snippets();
    assert.ok(files.length >= 3, `found ${files.length} ts snippets`);
    for (const f of files) writeFileSync(join(app, f.name), f.code);
    const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--skipLibCheck', 'false', '--types', 'node', '--typeRoots', join(root, 'node_modules/@types'), ...opts, ...files.map((f) => f.name)], { cwd: app, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
}
