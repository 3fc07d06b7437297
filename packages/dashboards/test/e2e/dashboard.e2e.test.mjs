// The generated dashboard and rules against a real Prometheus scraping an instrumented app:
// every panel query parses and evaluates, the core panels return data, the rules load and
// evaluate without errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { GENERATED_FILES, panelQueries, RECORDED } from '@agentmeter/dashboards';
import { freePort, waitFor } from '@agentmeter/test-utils/net';
import { startNode } from '@agentmeter/test-utils/proc';
import { startPostgres } from '@agentmeter/test-utils/postgres';
import { PROMETHEUS_BIN } from '@agentmeter/test-utils/prometheus';
import { readFileSync } from 'node:fs';

const pkg = new URL('../..', import.meta.url).pathname;
const generated = join(pkg, 'generated');
const JOB = 'ai-app';

async function startPrometheusWithRules(metricsPort) {
  const dir = mkdtempSync(join(tmpdir(), 'agentmeter-dash-'));
  const rules = [GENERATED_FILES.recordingRules, GENERATED_FILES.alertRules].map((f) => join(generated, f));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n${rules.map((r) => `  - ${JSON.stringify(r)}`).join('\n')}\nscrape_configs:\n  - job_name: ${JOB}\n    static_configs:\n      - targets: ['127.0.0.1:${metricsPort}']\n`,
  );
  const port = await freePort();
  const proc = spawn(PROMETHEUS_BIN, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  const api = async (path) => (await fetch(`${url}${path}`)).json();
  const query = async (expr) => api(`/api/v1/query?query=${encodeURIComponent(expr)}`);
  const stop = async () => {
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  };
  await waitFor(async () => (await query('up')).status === 'success', { what: `prometheus (${stderr})` });
  return { url, api, query, stop, get stderr() { return stderr; } };
}

/** What Grafana substitutes before sending a panel query. */
const substitute = (expr) => expr.replaceAll('$job', JOB).replaceAll('$instance', '.*').replaceAll('$__rate_interval', '20s').replaceAll('$__range', '5m');

test('every dashboard panel query evaluates against a real Prometheus with the generated rules loaded', { timeout: 120_000 }, async (t) => {
  const pgsql = await startPostgres();
  t.after(() => pgsql.stop());
  const metricsPort = await freePort();
  const app = startNode(['--import', '@agentmeter/sdk/register', join(pkg, 'test/e2e/fixtures/overview-app.mjs')], {
    env: { AGENTMETER_METRICS_PORT: String(metricsPort), OTEL_SERVICE_NAME: 'overview-app', PG_URL: pgsql.connectionString },
  });
  t.after(() => app.stop());
  const [, appPort] = await app.ready;
  const prom = await startPrometheusWithRules(metricsPort);
  t.after(() => prom.stop());

  // traffic, for long enough that rate() over 20 s windows has several samples
  const ws = new WebSocket(`ws://127.0.0.1:${appPort}`);
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const base = `http://127.0.0.1:${appPort}`;
  const end = Date.now() + 8_000;
  let i = 0;
  while (Date.now() < end) {
    i++;
    const reqs = [
      fetch(`${base}/chat?q=q${i % 5}`),
      fetch(`${base}/chat?q=s${i}&stream=1`),
      fetch(`${base}/chat?q=r${i}&model=gpt-4o-rate-limit`),
      fetch(`${base}/missing`),
    ];
    if (i % 4 === 0) reqs.push(fetch(`${base}/speak`));
    await Promise.all(reqs.map((p) => p.then((r) => r.text())));
    ws.send(`hello ${i}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  ws.close();
  await waitFor(async () => (await prom.query(`up{job="${JOB}"}`)).data.result[0]?.value[1] === '1', { what: 'target up' });

  const dashboard = JSON.parse(readFileSync(join(generated, GENERATED_FILES.overviewDashboard), 'utf8'));
  const queries = panelQueries(dashboard);
  assert.ok(queries.length > 40);
  const results = new Map();
  for (const q of queries) {
    const r = await prom.query(substitute(q.expr));
    assert.equal(r.status, 'success', `panel "${q.panel}" ${q.refId} failed: ${JSON.stringify(r)}\n${q.expr}`);
    results.set(`${q.panel}/${q.refId}`, r.data.result);
  }
  const withData = (panel, refId = 'A') => {
    const r = results.get(`${panel}/${refId}`);
    assert.ok(r, `no panel ${panel}/${refId}`);
    return r.filter((s) => Number.isFinite(Number(s.value[1])));
  };
  // the core panels
  const llm = withData('LLM requests / s by provider and model');
  assert.ok(llm.some((s) => s.metric.gen_ai_request_model === 'gpt-4o-mini' && Number(s.value[1]) > 0), JSON.stringify(llm));
  // input, output and cache-read token rates (gpt-4o-mini chat: 11 input of which 3 cached, 7 output)
  for (const refId of ['A', 'B', 'C']) assert.ok(withData('Tokens / s by type and model', refId).some((s) => s.metric.gen_ai_request_model === 'gpt-4o-mini' && Number(s.value[1]) > 0), refId);
  const hit = withData('Prompt cache hit ratio by model').find((s) => s.metric.gen_ai_request_model === 'gpt-4o-mini');
  assert.ok(hit && Math.abs(Number(hit.value[1]) - 3 / 11) < 1e-9, JSON.stringify(hit));
  assert.ok(results.has('Reasoning token share by model/A'));
  const http = withData('HTTP requests / s by route and status');
  assert.ok(http.some((s) => s.metric.http_response_status_code === '200' && Number(s.value[1]) > 0));
  assert.ok(http.some((s) => s.metric.http_response_status_code === '404'));
  // per-route panels (the fixture names its routes with setHttpRoute; /missing has none)
  assert.ok(http.some((s) => s.metric.http_route === '/chat' && Number(s.value[1]) > 0));
  assert.ok(!http.some((s) => s.metric.http_response_status_code === '404' && s.metric.http_route));
  assert.ok(withData('HTTP latency p50 / p95 / p99 by route', 'B').some((s) => s.metric.http_route === '/chat'));
  assert.ok(withData('HTTP 5xx ratio, overall and by route', 'B').some((s) => s.metric.http_route === '/chat' && Number(s.value[1]) > 0));
  // and the rest of what the fixture exercises
  assert.ok(withData('LLM latency p50 / p95 / p99', 'B').length > 0);
  assert.ok(withData('LLM error ratio by error type').some((s) => s.metric.error_type === 'rate_limit' && Number(s.value[1]) > 0.1));
  assert.ok(withData('Rate-limited and unpriced calls / s').some((s) => s.metric.gen_ai_provider_name === 'openai'));
  assert.ok(withData('Cost per hour by model (USD)').some((s) => Number(s.value[1]) > 0));
  assert.ok(withData('Time to first chunk p50 / p95 (streaming)').length > 0);
  assert.ok(withData('Speech latency p95 (text to speech, speech to text)').length >= 1);
  assert.ok(withData('Tool calls / s by tool and status').some((s) => s.metric.gen_ai_tool_name === 'sql_query'));
  assert.ok(withData('Agent iterations per run (inference and tool calls)').length > 0);
  assert.ok(withData('Cache hit ratio').length > 0 && withData('Cache hit ratio', 'B').length > 0);
  assert.equal(withData('Provider health').find((s) => s.metric.gen_ai_provider_name === 'anthropic')?.value[1], '0');
  assert.equal(withData('Circuit breakers').find((s) => s.metric.gen_ai_provider_name === 'anthropic')?.value[1], '1');
  assert.ok(withData('WebSocket messages / s').length > 0);
  assert.ok(withData('Query latency p50 / p95 / p99', 'B').length > 0);
  assert.ok(withData('Connection pool', 'B').length > 0);
  assert.ok(withData('Memory').length > 0 && withData('CPU utilization').length > 0);
  assert.equal(withData('Targets up')[0].value[1], '1');

  // the rules loaded, evaluate without error, and the recording rules produce series
  const rules = await waitFor(
    async () => {
      const r = await prom.api('/api/v1/rules');
      const all = r.data.groups.flatMap((g) => g.rules);
      return all.length > 0 && all.every((x) => x.lastEvaluation && !x.lastEvaluation.startsWith('0001')) ? r.data.groups : undefined;
    },
    { timeout: 45_000, what: 'every rule evaluated once' },
  );
  assert.deepEqual(rules.map((g) => g.name).sort(), ['agentmeter.genai', 'agentmeter.recording', 'agentmeter.service']);
  for (const g of rules) for (const r of g.rules) assert.equal(r.health, 'ok', `${r.name}: ${r.lastError}`);
  // a recording rule over rate() needs two scrapes inside its window after its first
  // evaluation: wait for it rather than reading it once
  const recorded = await waitFor(
    async () => {
      const r = await prom.query(RECORDED.llmCalls);
      return r.data.result.some((s) => s.metric.job === JOB && Number(s.value[1]) > 0) ? r : undefined;
    },
    { timeout: 30_000, what: `${RECORDED.llmCalls} > 0` },
  );
  assert.ok(recorded.data.result.length > 0);
  // the breaker was open all along: its alert is pending or firing
  const alerts = (await prom.api('/api/v1/alerts')).data.alerts;
  assert.ok(alerts.some((a) => a.labels.alertname === 'CircuitBreakerOpen' && a.labels.gen_ai_provider_name === 'anthropic'), JSON.stringify(alerts));
});
