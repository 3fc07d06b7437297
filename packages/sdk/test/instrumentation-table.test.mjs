// Issue 11 (one typed table of instrumentations) and issue 18 (each loaded only when its
// library is): the table is the one source of names, defaults, hooked modules, the CLI
// help and the docs table; every row loads a class of the standard shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { INSTRUMENTATIONS, esmInclude } = require('../dist/instrumentation-table.js');
const { INSTRUMENTATION_NAMES, DEFAULT_INSTRUMENTATIONS } = require('@agentmeter/sdk');
const { HELP } = require('../dist/cli.js');

test('names and defaults come from the table', () => {
  assert.deepEqual([...INSTRUMENTATION_NAMES], INSTRUMENTATIONS.map((r) => r.name));
  assert.deepEqual([...DEFAULT_INSTRUMENTATIONS], INSTRUMENTATIONS.filter((r) => r.defaultOn).map((r) => r.name));
  assert.equal(new Set(INSTRUMENTATION_NAMES).size, INSTRUMENTATION_NAMES.length, 'unique names');
  assert.deepEqual(INSTRUMENTATIONS.filter((r) => !r.defaultOn).map((r) => r.name), ['http-otel']);
});

test('every row with a class loads one of the standard shape', () => {
  for (const row of INSTRUMENTATIONS) {
    if (!row.load) {
      assert.ok(['http', 'undici'].includes(row.name), `${row.name} has no class`);
      continue;
    }
    const Ctor = row.load();
    assert.equal(typeof Ctor, 'function', row.name);
    const inst = new Ctor({ enabled: false });
    for (const m of ['setMeterProvider', 'enable', 'disable']) assert.equal(typeof inst[m], 'function', `${row.name}.${m}`);
  }
});

test("a row hooks every library its package declares (package.json agentmeter.instruments)", () => {
  for (const row of INSTRUMENTATIONS) {
    if (!row.package.startsWith('@agentmeter/')) continue; // http-otel: OpenTelemetry's own package
    const pkg = require(`${row.package}/package.json`);
    const declared = Object.keys(pkg.agentmeter?.instruments ?? {});
    for (const lib of declared) assert.ok(row.modules.includes(lib), `${row.name}: ${row.package} instruments ${lib}, which the row does not hook`);
    // runtime, http and undici instrument Node itself: no library, on at start
    if (row.modules.length > 0) assert.ok(declared.length > 0, `${row.package} declares its libraries`);
    else assert.deepEqual(declared, [], `${row.name}: on at start, but ${row.package} declares libraries`);
  }
});

test('the ESM include list is derived from the rows', () => {
  const all = esmInclude(INSTRUMENTATION_NAMES);
  for (const row of INSTRUMENTATIONS) for (const m of row.modules) assert.ok(all.includes(m), m);
  assert.ok(all.includes('@langchain/core/callbacks/manager'));
  assert.ok(all.some((x) => x instanceof RegExp && x.test('/app/node_modules/@modelcontextprotocol/sdk/dist/esm/shared/protocol.js')));
  assert.deepEqual(esmInclude(['http', 'runtime']), []);
  assert.deepEqual(esmInclude(['openai']), ['openai']);
  const src = readFileSync(new URL('../register.mjs', import.meta.url), 'utf8');
  assert.doesNotMatch(src, /'@anthropic-ai\/sdk'/, 'register.mjs has no hard-coded module list');
});

test('the CLI help and docs/configuration.md list every instrumentation', () => {
  for (const n of INSTRUMENTATION_NAMES) assert.match(HELP, new RegExp(`\\b${n}\\b`), `help: ${n}`);
  const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
  for (const row of INSTRUMENTATIONS) assert.ok(doc.includes(`| \`${row.name}\` | ${row.records} | ${row.how} |`), `docs/configuration.md row of ${row.name}`);
});
