// Every package is usable with import and with require, with explicit named exports
// (no default-only module), and both faces expose the same names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const root = new URL('../packages/', import.meta.url);
// private packages (@agentmeter/test-utils) are not published and have no main entry point
const names = readdirSync(root)
  .map((d) => JSON.parse(readFileSync(new URL(`${d}/package.json`, root), 'utf8')))
  .filter((p) => !p.private)
  .map((p) => p.name);

test('the workspace has the expected packages', () => {
  for (const n of ['@agentmeter/sdk', '@agentmeter/core', '@agentmeter/semconv', '@agentmeter/api', '@agentmeter/llm', '@agentmeter/cost'])
    assert.ok(names.includes(n), n);
});

for (const name of names) {
  test(`${name}: import and require give the same named exports`, async () => {
    const cjs = require(name);
    const esm = await import(name);
    const cjsNames = Object.keys(cjs).filter((k) => k !== '__esModule' && k !== 'default').sort();
    const esmNames = Object.keys(esm).filter((k) => k !== 'default' && k !== 'module.exports' && k !== '__esModule').sort();
    assert.ok(cjsNames.length > 0, `${name} has no named exports`);
    assert.deepEqual(esmNames, cjsNames);
    for (const k of cjsNames) assert.equal(esm[k], cjs[k], `${name}.${k}`);
  });
}
