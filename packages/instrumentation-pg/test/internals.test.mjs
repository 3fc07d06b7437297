// The internals of @opentelemetry/instrumentation-pg that src/otel-pg.ts relies on (its
// subclass replaces init()'s version check, recordOperationDuration() and wraps
// _getClientQueryPatch(), recording into _operationDuration). A new version of
// instrumentation-pg may rename or drop any of them without a semver major: each test
// names what changed and what to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Registry } from '@agentmeter/core';

const require = createRequire(import.meta.url);
const NAME = '@opentelemetry/instrumentation-pg';
const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const pinned = own.dependencies[NAME];
const WHAT_TO_DO =
  `src/otel-pg.ts subclasses ${NAME}'s PgInstrumentation and relies on its internals ` +
  `(see OtelPgInternals in src/internal-types.ts). Read the new version's dist/instrumentation.cjs, ` +
  `adapt src/otel-pg.ts (and this test), run test/e2e/active-requests-and-pool.test.mjs, then pin the version you checked.`;

function installedVersion() {
  // its package.json is not in its "exports": walk up from the entry point
  let dir = dirname(require.resolve(NAME));
  for (;;) {
    try {
      const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pj.name === NAME) return pj.version;
    } catch {
      // not here
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`${NAME}: package.json not found above ${require.resolve(NAME)}`);
    dir = up;
  }
}

const { PgInstrumentation } = require(NAME);

test(`${NAME} is pinned to an exact version, and that version is installed`, () => {
  assert.match(pinned ?? '', /^\d+\.\d+\.\d+$/, `package.json must pin ${NAME} to an exact version (found ${JSON.stringify(pinned)}): ${WHAT_TO_DO}`);
  const installed = installedVersion();
  assert.equal(installed, pinned, `${NAME} ${installed} is installed but ${pinned} is pinned (the version whose internals were checked). ${WHAT_TO_DO}`);
});

test(`${NAME}: PgInstrumentation.prototype has _getClientQueryPatch and recordOperationDuration`, () => {
  assert.equal(typeof PgInstrumentation, 'function', `${NAME} no longer exports the class PgInstrumentation. ${WHAT_TO_DO}`);
  for (const m of ['_getClientQueryPatch', 'recordOperationDuration', 'init', '_updateMetricInstruments']) {
    assert.equal(typeof PgInstrumentation.prototype[m], 'function', `${NAME}: PgInstrumentation.prototype.${m} is no longer a function (the subclass overrides or relies on it). ${WHAT_TO_DO}`);
  }
  const inst = new PgInstrumentation({ enabled: false });
  const patch = inst._getClientQueryPatch();
  assert.equal(typeof patch, 'function', `${NAME}: _getClientQueryPatch() no longer returns a patch function (original query => patched query). ${WHAT_TO_DO}`);
  assert.equal(typeof patch(function query() {}), 'function', `${NAME}: the function _getClientQueryPatch() returns no longer returns the patched query. ${WHAT_TO_DO}`);
});

test(`${NAME}: init() returns module definitions, the 'pg' one with patch, supportedVersions and files`, () => {
  const inst = new PgInstrumentation({ enabled: false });
  const defs = inst.init();
  assert.ok(Array.isArray(defs), `${NAME}: init() no longer returns an array of module definitions (the subclass replaces their version check). ${WHAT_TO_DO}`);
  const pg = defs.find((d) => d?.name === 'pg');
  assert.ok(pg, `${NAME}: init() no longer returns a definition named 'pg' (found ${JSON.stringify(defs.map((d) => d?.name))}). ${WHAT_TO_DO}`);
  assert.equal(typeof pg.patch, 'function', `${NAME}: the 'pg' module definition has no patch function. ${WHAT_TO_DO}`);
  assert.ok(Array.isArray(pg.supportedVersions), `${NAME}: the 'pg' module definition has no supportedVersions array. ${WHAT_TO_DO}`);
  assert.ok(Array.isArray(pg.files ?? []), `${NAME}: the 'pg' module definition's files is not an array. ${WHAT_TO_DO}`);
  for (const f of pg.files ?? []) assert.equal(typeof f.patch, 'function', `${NAME}: the 'pg' file definition ${f.name} has no patch function. ${WHAT_TO_DO}`);
});

test(`${NAME}: an enabled instance has _operationDuration with a record function`, (t) => {
  const inst = new PgInstrumentation({ enabled: false });
  inst.setMeterProvider(new Registry());
  inst.enable();
  t.after(() => inst.disable());
  assert.equal(typeof inst._operationDuration?.record, 'function', `${NAME}: an enabled PgInstrumentation has no _operationDuration histogram (created by _updateMetricInstruments) to record db.client.operation.duration into. ${WHAT_TO_DO}`);
});
