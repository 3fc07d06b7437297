// Issue 11 item 6: every published package's public surface is recorded in etc/api/ and
// checked here, so a change of an export is a reviewed diff; applications (docs, README,
// examples) never import an internal package or entry point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiReports } from '../scripts/api-report.mjs';

const root = new URL('..', import.meta.url).pathname;

test('etc/api/*.api.txt is the public surface of every package (node scripts/api-report.mjs)', () => {
  const reports = apiReports();
  assert.ok(reports.size >= 20, `${reports.size} packages`);
  for (const [name, text] of reports) {
    const f = join(root, 'etc/api', `${name.replace('@agentmeter/', '')}.api.txt`);
    assert.ok(existsSync(f), `${f} missing: run node scripts/api-report.mjs`);
    assert.equal(readFileSync(f, 'utf8'), text, `${name}'s public API changed: review, then run node scripts/api-report.mjs`);
    assert.match(text, /^- (class|function|const|interface|type) /m, `${name} exports something`);
  }
});

test('docs, README and examples never import an internal package or entry point', () => {
  const files = [join(root, 'README.md'), ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(root, 'docs', f))];
  for (const ex of readdirSync(join(root, 'examples'), { withFileTypes: true })) {
    if (!ex.isDirectory()) continue;
    for (const f of readdirSync(join(root, 'examples', ex.name))) if (/\.(mjs|cjs|js)$/.test(f)) files.push(join(root, 'examples', ex.name, f));
  }
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    if (f.endsWith('architecture.md')) continue; // describes the internal packages
    assert.doesNotMatch(text, /(from |require\()['"]@agentmeter\/api['"]/, `${f} imports @agentmeter/api`);
    assert.doesNotMatch(text, /['"]@agentmeter\/[a-z-]+\/internal['"]/, `${f} imports an internal entry point`);
  }
});
