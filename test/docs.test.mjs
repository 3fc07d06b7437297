// Executes every ```mjs, ```cjs and ```ts code block in docs/*.md and README.md: each must
// exit 0 (```ts runs as .mts through Node's type stripping; a ```ts block whose first line is
// `// type-checked only` is only type-checked, by test/pack.test.mjs). Blocks fenced as
// ```js or ```bash are shown only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, '.docs-snippets');
mkdirSync(outDir, { recursive: true });
const docs = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
];
for (const doc of docs) {
  const text = readFileSync(join(root, doc), 'utf8');
  const re = /```(mjs|cjs|ts)\n([\s\S]*?)```/g;
  let m;
  let i = 0;
  while ((m = re.exec(text))) {
    const n = ++i;
    const [, fence, code] = m;
    if (fence === 'ts' && code.startsWith('// type-checked only')) continue;
    const lang = fence === 'ts' ? 'mts' : fence;
    test(`${doc} snippet ${n} (${lang}) runs`, () => {
      const file = join(outDir, `${doc.replace(/[/.]/g, '_')}-${n}.${lang}`);
      writeFileSync(file, code);
      const r = spawnSync(process.execPath, [file], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, AGENTMETER_METRICS_PORT: '0' },
      });
      assert.equal(r.status, 0, `${doc} snippet ${n} failed:\n${r.stdout}\n${r.stderr}`);
    });
  }
}
