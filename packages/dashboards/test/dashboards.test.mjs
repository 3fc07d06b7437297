// The generated dashboard and rules: up to date, valid for promtool, alerting as the unit
// tests say, and using only the catalogue's Prometheus names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { sanitizeLabelName as serializerLabel } from '@agentmeter/core';
import { label } from '@agentmeter/dashboards';
import {
  renderGeneratedFiles,
  GENERATED_FILES,
  buildOverviewDashboard,
  buildRecordingRules,
  buildAlertRules,
  panelQueries,
  variableQueries,
  knownSeriesNames,
  knownLabelNames,
  metricNamesIn,
  labelNamesIn,
  toYaml,
  prom,
} from '@agentmeter/dashboards';
import { PROMTOOL_BIN } from '@agentmeter/test-utils/prometheus';

const pkg = new URL('..', import.meta.url).pathname;
const generated = join(pkg, 'generated');
const ruleFiles = [GENERATED_FILES.recordingRules, GENERATED_FILES.alertRules].map((f) => join(generated, f));
const legacyRuleFiles = [GENERATED_FILES.recordingRulesLegacy, GENERATED_FILES.alertRulesLegacy].map((f) => join(generated, f));
const LEGACY = { genAiMetrics: 'legacy' };

test('(a) the committed generated files are what the code generates', () => {
  const files = renderGeneratedFiles();
  assert.ok(Object.keys(files).length >= 3);
  for (const [rel, content] of Object.entries(files)) {
    const committed = readFileSync(join(generated, rel), 'utf8');
    assert.equal(committed, content, `generated/${rel} is stale: run \`npx tsc -b packages/dashboards && node packages/dashboards/scripts/generate.mjs\``);
  }
  // nothing else lives in generated/
  const onDisk = ['dashboards', 'rules'].flatMap((d) => readdirSync(join(generated, d)).map((f) => `${d}/${f}`)).sort();
  assert.deepEqual(onDisk, Object.keys(files).sort());
});

test('the YAML writer round-trips the rule files exactly', () => {
  assert.deepEqual(YAML.parse(readFileSync(ruleFiles[0], 'utf8')), JSON.parse(JSON.stringify(buildRecordingRules())));
  assert.deepEqual(YAML.parse(readFileSync(ruleFiles[1], 'utf8')), JSON.parse(JSON.stringify(buildAlertRules())));
  assert.deepEqual(YAML.parse(readFileSync(legacyRuleFiles[0], 'utf8')), JSON.parse(JSON.stringify(buildRecordingRules(LEGACY))));
  assert.deepEqual(YAML.parse(readFileSync(legacyRuleFiles[1], 'utf8')), JSON.parse(JSON.stringify(buildAlertRules({}, LEGACY))));
  const tricky = { a: ["it's", 'yes', '5', '{{ $value }}', 'x: y', '#c', '-1', ''], b: { 'k.v': 1.5, n: true } };
  assert.deepEqual(YAML.parse(toYaml(tricky)), tricky);
});

test('(b) promtool check rules accepts the rule files, current and legacy', () => {
  for (const files of [ruleFiles, legacyRuleFiles]) {
    const r = spawnSync(PROMTOOL_BIN, ['check', 'rules', ...files], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS: \d+ rules found/);
  }
});

for (const [file, options] of [['rules.promtool.yml', {}], ['rules.legacy.promtool.yml', LEGACY]]) {
  test(`(c) promtool test rules ${file}: input series in catalogue names -> expected alerts`, () => {
    const r = spawnSync(PROMTOOL_BIN, ['test', 'rules', file], { cwd: join(pkg, 'test'), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS/);
    // every alert the rules define has at least one firing expectation in the unit tests
    const tests = YAML.parse(readFileSync(join(pkg, 'test', file), 'utf8'));
    const covered = new Set(tests.tests.flatMap((t) => (t.alert_rule_test ?? []).filter((a) => a.exp_alerts?.length).map((a) => a.alertname)));
    const alerts = buildAlertRules({}, options).groups.flatMap((g) => g.rules.map((r) => r.alert));
    assert.deepEqual(alerts.filter((a) => !covered.has(a)), []);
    // and every GenAI recording rule is evaluated or feeds an alert that is
    if (!options.genAiMetrics) {
      const tested = new Set(tests.tests.flatMap((t) => (t.promql_expr_test ?? []).map((e) => e.expr)));
      for (const r of ['job_provider_model:gen_ai_client_inference_prompt_cache_hit:ratio_rate5m', 'job_provider_model:gen_ai_client_inference_reasoning_output:ratio_rate5m', 'job:gen_ai_client_inference_errors:ratio_rate5m']) assert.ok(tested.has(r), r);
    }
  });
}

test('the legacy rule files are the rules agentmeter shipped before the current GenAI names (same records, alerts, expressions)', () => {
  const rec = buildRecordingRules(LEGACY).groups[0].rules;
  assert.equal(rec[0].record, 'job_provider_model:gen_ai_client_operations:rate5m');
  assert.equal(rec[0].expr, 'sum by (job, gen_ai_provider_name, gen_ai_request_model) (rate(gen_ai_client_operation_duration_seconds_count{gen_ai_operation_name=~"chat|text_completion|generate_content|embeddings"}[5m]))');
  assert.ok(rec.some((r) => r.record === 'job_model_type:gen_ai_client_token_usage:rate5m'));
  const cur = buildRecordingRules().groups[0].rules.map((r) => r.record);
  assert.ok(!cur.some((r) => /gen_ai_client_operation|token_usage/.test(r)), cur.join());
  // same alert names either way: a switch of variant keeps silences and routes
  const names = (o) => buildAlertRules({}, o).groups.flatMap((g) => g.rules.map((r) => r.alert));
  assert.deepEqual(names(LEGACY), names());
});

test('the seeds\' alerts are all answered', () => {
  const alerts = new Set(buildAlertRules().groups.flatMap((g) => g.rules.map((r) => r.alert)));
  for (const a of ['LlmHighErrorRate', 'LlmRateLimited', 'LlmHighLatency', 'LlmCostBudgetBurn', 'ProviderUnhealthy', 'CircuitBreakerOpen', 'LowCacheHitRatio', 'HighMemoryUsage', 'HighEventLoopDelay', 'DbPoolSaturated', 'TargetDown', 'HttpHighLatency'])
    assert.ok(alerts.has(a), a);
});

// read from the committed files (both variants): what users import and load
function allExpressions() {
  return [allExpressionsOf(ruleFiles, GENERATED_FILES.overviewDashboard), allExpressionsOf(legacyRuleFiles, GENERATED_FILES.overviewDashboardLegacy)].reduce((a, b) => ({ exprs: [...a.exprs, ...b.exprs], recorded: new Set([...a.recorded, ...b.recorded]) }));
}
function allExpressionsOf(files, dashboardFile) {
  const recording = YAML.parse(readFileSync(files[0], 'utf8'));
  const alerting = YAML.parse(readFileSync(files[1], 'utf8'));
  const d = JSON.parse(readFileSync(join(generated, dashboardFile), 'utf8'));
  const recorded = new Set(recording.groups.flatMap((g) => g.rules.map((r) => r.record)));
  const exprs = [
    ...panelQueries(d).map((q) => ({ where: `panel "${q.panel}" ${q.refId}`, expr: q.expr })),
    ...variableQueries(d).map((q) => ({ where: 'variable', expr: q.replace(/^label_values\((.*),\s*\w+\)$/, '$1') })),
    ...recording.groups.flatMap((g) => g.rules.map((r) => ({ where: `record ${r.record}`, expr: r.expr }))),
    ...alerting.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
  ];
  return { exprs, recorded };
}

test('(d) every series name in every panel query and rule is a catalogue Prometheus name (or up, target_info, a recorded rule)', () => {
  const known = knownSeriesNames();
  const { exprs, recorded } = allExpressions();
  assert.ok(exprs.length > 60, `only ${exprs.length} expressions`);
  const unknown = [];
  let names = 0;
  for (const { where, expr } of exprs) {
    const used = metricNamesIn(expr);
    assert.ok(used.length > 0, `${where}: no metric name found in ${expr}`);
    for (const n of used) {
      names++;
      if (!known.has(n) && !recorded.has(n)) unknown.push(`${where}: ${n}`);
    }
  }
  assert.deepEqual(unknown, []);
  assert.ok(names > 80);
  // each recorded series is defined over catalogue names only
  for (const g of buildRecordingRules().groups) for (const r of g.rules) for (const n of metricNamesIn(r.expr)) assert.ok(known.has(n) || recorded.has(n), `${r.record}: ${n}`);
});

test('(d) every label a query matches or groups on is a catalogue attribute (or le, job, instance)', () => {
  const known = knownLabelNames();
  const { exprs } = allExpressions();
  const unknown = [];
  for (const { where, expr } of exprs) for (const l of labelNamesIn(expr)) if (!known.has(l)) unknown.push(`${where}: ${l}`);
  assert.deepEqual(unknown, []);
});

test("the dashboards' label names are the serializer's (one function)", () => {
  assert.equal(label, serializerLabel);
  assert.equal(label('gen_ai.provider.name'), 'gen_ai_provider_name');
});

test('the name checks catch a renamed metric or label', () => {
  assert.deepEqual(metricNamesIn('sum by (gen_ai_provider_name, le) (rate(gen_ai_client_operation_duration_second_bucket{job=~"$job"}[$__rate_interval])) / scalar(up) > 1e9 offset 5m'), [
    'gen_ai_client_operation_duration_second_bucket',
    'up',
  ]);
  assert.ok(!knownSeriesNames().has('gen_ai_client_operation_duration_second_bucket'));
  assert.ok(knownSeriesNames().has(`${prom('gen_ai.client.operation.duration')}_bucket`));
  assert.deepEqual(labelNamesIn('sum by (gen_ai_provider) (x{gen_ai_token_type="input",error_type!=""})').sort(), ['error_type', 'gen_ai_provider', 'gen_ai_token_type']);
  assert.ok(!knownLabelNames().has('gen_ai_provider'));
  assert.throws(() => prom('gen_ai.client.no_such_metric'), /not in the semconv CATALOGUE/);
});

test('the dashboard has the panels the seeds ask for', () => {
  const d = buildOverviewDashboard();
  const titles = panelQueries(d).map((q) => q.panel);
  for (const re of [/LLM requests/, /LLM latency p50 \/ p95 \/ p99/, /Tokens \/ s/, /Cost per hour/, /error ratio by error type/, /Rate-limited/, /first chunk/, /Tool calls/, /Agent iterations/, /Cache hit ratio/, /Cache size/, /Provider health/, /Circuit breakers/, /HTTP requests/, /HTTP latency/, /in-flight/, /WebSocket connections/, /WebSocket messages/, /Query latency/, /Connection pool/, /CPU/, /Memory/, /Event loop/])
    assert.ok(titles.some((t) => re.test(t)), `no panel matching ${re}`);
  assert.equal(d.uid, 'agentmeter-ai-overview');
  const q = panelQueries(d);
  assert.ok(q.every((x) => x.expr.includes('job=~"$job"')), 'every panel query filters by $job');
  // the current names' panels: prompt-cache hit ratio and reasoning share, no legacy GenAI family
  for (const re of [/Prompt cache hit ratio/, /Reasoning token share/]) assert.ok(titles.some((t) => re.test(t)), `no panel matching ${re}`);
  const genAiLegacy = /gen_ai_client_token_usage|gen_ai_client_operation_time_to_first_chunk|gen_ai_client_operation_duration_seconds_(count|bucket)\{[^}]*gen_ai_operation_name=~"chat/;
  assert.deepEqual(q.filter((x) => genAiLegacy.test(x.expr)).map((x) => x.panel), []);
  const legacy = buildOverviewDashboard(LEGACY);
  assert.equal(legacy.uid, 'agentmeter-ai-overview-legacy');
  const lq = panelQueries(legacy);
  assert.ok(lq.some((x) => x.expr.includes('gen_ai_client_token_usage_sum')));
  assert.ok(!lq.some((x) => /gen_ai_client_inference_/.test(x.expr)));
});
