// Issue 11 item 3: one settings table (every option, its variable, default and meaning),
// one error type naming the setting, used by start(), the preloads and the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { SETTINGS, SETTING_ENV_VARS } = require('../dist/settings.js');
const { resolveConfig, ConfigError, start } = require('@agentmeter/sdk');
const { HELP } = require('../dist/cli.js');
const root = new URL('../../..', import.meta.url).pathname;

test('the table has a row for every option of start() and nothing else', () => {
  const dts = readFileSync(new URL('../dist/config.d.ts', import.meta.url), 'utf8');
  const body = dts.slice(dts.indexOf('export interface StartOptions'), dts.indexOf('}', dts.indexOf('export interface StartOptions')));
  const options = [...body.matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1]);
  assert.ok(options.length > 15, options.join());
  assert.deepEqual([...SETTINGS.map((s) => s.option)].sort(), [...options].sort());
});

test('every variable of the table is in the CLI help and in docs/configuration.md', () => {
  const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
  for (const v of SETTING_ENV_VARS) {
    assert.ok(HELP.replace(/\s+/g, ' ').includes(v), `help: ${v}`);
    assert.ok(doc.includes(`\`${v}\``), `docs: ${v}`);
  }
  for (const s of SETTINGS) assert.ok(doc.includes(`| \`${s.option}\` |`), `docs row: ${s.option}`);
});

test('one error type, naming the option or the variable it came from', () => {
  const cases = [
    [{ env: { AGENTMETER_METRICS_PORT: 'abc' } }, 'AGENTMETER_METRICS_PORT'],
    [{ port: 70000 }, 'port'],
    [{ env: { AGENTMETER_ENABLED: 'maybe' } }, 'AGENTMETER_ENABLED'],
    [{ enabled: 'no' }, 'enabled'],
    [{ env: { AGENTMETER_AGGREGATE_TIMEOUT: '0' } }, 'AGENTMETER_AGGREGATE_TIMEOUT'],
    [{ aggregateTimeoutMillis: 1.5 }, 'aggregateTimeoutMillis'],
    [{ env: { AGENTMETER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/v1/metrics', AGENTMETER_OTLP_INTERVAL: '5' } }, 'AGENTMETER_OTLP_INTERVAL'],
    [{ cardinalityLimit: 1 }, 'cardinalityLimit'],
    [{ env: { AGENTMETER_CARDINALITY_LIMIT: '1' } }, 'AGENTMETER_CARDINALITY_LIMIT'],
    [{ cardinalityLimits: { 'x.y': 0 } }, 'cardinalityLimits["x.y"]'],
    [{ buckets: { 'x.y': [2, 1] } }, 'buckets["x.y"]'],
    [{ host: 'a b' }, 'host'],
    [{ env: { AGENTMETER_METRICS_PATH: 'metrics' } }, 'AGENTMETER_METRICS_PATH'],
    [{ env: { AGENTMETER_INSTRUMENTATIONS: 'http,http-otel' } }, 'AGENTMETER_INSTRUMENTATIONS'],
    [{ genAiMetrics: 'newest' }, 'genAiMetrics'],
    [{ env: { AGENTMETER_EVENT_LOOP_DELAY_RESOLUTION: '0' } }, 'AGENTMETER_EVENT_LOOP_DELAY_RESOLUTION'],
    [{ eventLoopDelayResolutionMillis: 2.5 }, 'eventLoopDelayResolutionMillis'],
    [{ env: { AGENTMETER_GC_DURATION: 'sometimes' } }, 'AGENTMETER_GC_DURATION'],
  ];
  for (const [options, setting] of cases) {
    let err;
    try {
      resolveConfig({ env: {}, ...options });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigError, `${JSON.stringify(options)}: ${err}`);
    assert.equal(err.setting, setting, JSON.stringify(options));
    assert.equal(err.message, `agentmeter: invalid ${setting}: ${err.detail}`);
  }
});

test('an invalid price file fails start() as a ConfigError naming AGENTMETER_PRICES_FILE', () => {
  assert.throws(() => start({ port: 0, instrumentations: [], env: { AGENTMETER_PRICES_FILE: '/nonexistent/prices.json' } }), (e) => e instanceof ConfigError && e.setting === 'AGENTMETER_PRICES_FILE');
});

test('the CLI checks the settings before it starts the app, naming the flag', () => {
  const r = spawnSync(process.execPath, [require.resolve('@agentmeter/sdk/package.json').replace('package.json', 'bin/agentmeter.js'), 'run', '--port', 'abc', '--', 'node', '-e', 'console.log("app ran")'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /invalid --port \(AGENTMETER_METRICS_PORT\): expected an integer/);
  assert.doesNotMatch(r.stdout, /app ran/);
});
