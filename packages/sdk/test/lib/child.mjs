// What the sdk's start-up tests share: run a Node child from the repository root and read
// its "key value" lines; write a one-file ESM app inside the repository (so that it
// resolves the workspace's packages by bare specifiers) for the length of a callback.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('../../../..', import.meta.url).pathname;

/** Run `node ...args` (metrics on a free port); the child must exit 0. Returns its "key value" lines as `out`, and its stderr. */
export function runLines(args, extraEnv = {}) {
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, AGENTMETER_METRICS_PORT: '0', ...extraEnv }, timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.split(' ')[0], l.slice(l.indexOf(' ') + 1)]));
  return { out, stderr: r.stderr };
}

/** The start of an ESM app's source: `require` from the repository root. */
export const ESM_APP_HEAD = `import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(join(root, 'package.json'))});
`;

/** Write `source` as app.mjs in a temporary directory inside the repository, call `fn(path)`, then remove it. */
export function withEsmApp(source, fn) {
  const dir = mkdtempSync(join(root, '.tmp-app-'));
  try {
    const app = join(dir, 'app.mjs');
    writeFileSync(app, ESM_APP_HEAD + source);
    return fn(app);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
