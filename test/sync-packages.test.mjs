// Issue 11: adding an instrumentation is one package and one row of the sdk's table; the
// wiring (workspaces, tsconfig references, the sdk's dependency) is derived and checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (dir, ...a) => spawnSync(process.execPath, [join(dir, 'scripts/sync-packages.mjs'), ...a], { encoding: 'utf8' });

test('the repository is in sync', () => {
  const r = run(root, '--check');
  assert.equal(r.status, 0, r.stderr);
});

test('a new package and a table row: --check names what is missing, a plain run adds it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'am-sync-'));
  try {
    mkdirSync(join(dir, 'scripts'));
    cpSync(join(root, 'scripts/sync-packages.mjs'), join(dir, 'scripts/sync-packages.mjs'));
    for (const f of ['package.json', 'tsconfig.json']) cpSync(join(root, f), join(dir, f));
    for (const d of readdirSync(join(root, 'packages'))) {
      for (const f of ['package.json', 'tsconfig.json', 'src/instrumentation-table.ts']) {
        if (!existsSync(join(root, 'packages', d, f))) continue;
        mkdirSync(join(dir, 'packages', d, 'src'), { recursive: true });
        cpSync(join(root, 'packages', d, f), join(dir, 'packages', d, f));
      }
    }
    // the newcomer's package and row
    mkdirSync(join(dir, 'packages/instrumentation-redis'));
    writeFileSync(join(dir, 'packages/instrumentation-redis/package.json'), JSON.stringify({ name: '@agentmeter/instrumentation-redis', version: '0.1.0' }));
    writeFileSync(join(dir, 'packages/instrumentation-redis/tsconfig.json'), '{}');
    const tablePath = join(dir, 'packages/sdk/src/instrumentation-table.ts');
    writeFileSync(tablePath, readFileSync(tablePath, 'utf8').replace("] as const satisfies", "  {\n    name: 'redis',\n    package: '@agentmeter/instrumentation-redis',\n  },\n] as const satisfies"));
    const r1 = run(dir, '--check');
    assert.equal(r1.status, 1);
    for (const m of ['package.json workspaces: packages/instrumentation-redis', 'tsconfig.json references: packages/instrumentation-redis', 'packages/sdk/package.json dependencies: @agentmeter/instrumentation-redis@0.1.0', 'packages/sdk/tsconfig.json references: ../instrumentation-redis'])
      assert.ok(r1.stderr.includes(m), `${m}\n${r1.stderr}`);
    assert.equal(run(dir).status, 0);
    assert.equal(run(dir, '--check').status, 0);
    assert.equal(JSON.parse(readFileSync(join(dir, 'packages/sdk/package.json'), 'utf8')).dependencies['@agentmeter/instrumentation-redis'], '0.1.0');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
