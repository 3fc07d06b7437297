// Issue 12: PM2 cluster mode (real PM2 from npm, its daemon with PM2_HOME in a temp dir):
// `pm2 start app -i 2 --node-args="--require @agentmeter/sdk/register"` gives one /metrics
// with exact sums; `pm2 reload` (which replaces the process serving the port too) and a
// killed worker cause no counter reset in a real Prometheus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';
import { freePort, waitFor } from '@agentmeter/test-utils/net';
import { startPrometheus } from '@agentmeter/test-utils/prometheus';
import { chat, expectCalls, fixture, LLM_CALLS, ROOT, scrape, totalResets } from '@agentmeter/test-utils/multiprocess';
import { sum } from '@agentmeter/test-utils/exposition';

const PM2 = join(ROOT, 'node_modules/pm2/bin/pm2');

/** The tail of every PM2 log (the apps' stdout and stderr, agentmeter's warnings among them): a failure says what the processes saw. */
function pm2Logs(home) {
  const dir = join(home, 'logs');
  if (!existsSync(dir)) return '(no PM2 logs)';
  return readdirSync(dir)
    .map((f) => `--- ${f}\n${readFileSync(join(dir, f), 'utf8').split('\n').slice(-40).join('\n')}`)
    .join('\n');
}

test('PM2 cluster mode -i 2: exact sums; pm2 reload and a killed worker give resets() = 0', async () => {
  const home = mkdtempSync(join(tmpdir(), 'agentmeter-pm2-'));
  const llm = await startFakeLlm();
  const metricsPort = await freePort();
  const appPort = await freePort();
  const env = { ...process.env, PM2_HOME: home, LLM_URL: llm.url, APP_PORT: String(appPort), AGENTMETER_METRICS_PORT: String(metricsPort), OTEL_SERVICE_NAME: 'pm2-app' };
  const pm2 = (...args) => {
    const r = spawnSync(process.execPath, [PM2, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`pm2 ${args.join(' ')}: ${r.status}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const pids = () => JSON.parse(pm2('jlist')).filter((p) => p.name === 'app' && p.pid && p.pm2_env.status === 'online').map((p) => ({ pid: p.pid, instance: p.pm2_env.NODE_APP_INSTANCE }));
  let prom;
  // the aggregated member count, or an error saying what a scrape saw
  const aggregated = async (want) => {
    const n = sum(await scrape(metricsPort), 'agentmeter_aggregation_members');
    if (n !== want) throw new Error(`agentmeter_aggregation_members = ${n}`);
    return true;
  };
  try {
    pm2('start', fixture('pm2-app.cjs'), '--name', 'app', '-i', '2', '--node-args=--require @agentmeter/sdk/register');
    await waitFor(() => pids().length === 2, { timeout: 90_000, what: 'two PM2 instances online' });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${appPort}/pid`)).status === 200, { timeout: 90_000, what: 'app listening' });
    await waitFor(() => aggregated(2), { timeout: 90_000, what: 'both instances aggregated' });
    prom = await startPrometheus([{ job: 'app', port: metricsPort }]);
    for (let i = 0; i < 7; i++) await chat(appPort, 1);
    await expectCalls(prom, 7);

    // five calls, then at once (no scrape in between) the reload: PM2 sends SIGINT to the
    // old instances, which hand their last values over before they go
    for (let i = 0; i < 5; i++) await chat(appPort, 1);
    const before = pids().map((p) => p.pid);
    pm2('reload', 'app');
    await waitFor(() => {
      const now = pids();
      return now.length === 2 && now.every((p) => !before.includes(p.pid));
    }, { timeout: 90_000, what: 'both instances replaced by the reload' });
    await waitFor(() => aggregated(2), { timeout: 90_000, what: 'aggregated again after reload' });
    await expectCalls(prom, 12);

    const victim = pids()[0].pid;
    process.kill(victim, 'SIGKILL');
    await waitFor(() => {
      const now = pids();
      return now.length === 2 && !now.some((p) => p.pid === victim);
    }, { timeout: 90_000, what: 'PM2 restarted the killed worker' });
    for (let i = 0; i < 3; i++) await chat(appPort, 1);
    await expectCalls(prom, 15);
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(await prom.value(LLM_CALLS), 15);
    const resets = await totalResets(prom);
    assert.equal(resets.total, 0, resets.where.join(', '));
    // gauges carry PM2's instance number: two values, however many restarts
    const workers = await prom.query('count by (agentmeter_worker) (count_over_time(process_uptime_seconds{job="app"}[10m]))');
    assert.deepEqual(workers.map((w) => w.metric.agentmeter_worker).sort(), ['0', '1']);
  } catch (e) {
    e.message += `\n${pm2Logs(home)}`;
    throw e;
  } finally {
    await prom?.stop();
    spawnSync(process.execPath, [PM2, 'kill'], { cwd: ROOT, env, timeout: 60_000 });
    await llm.close();
    rmSync(home, { recursive: true, force: true });
  }
});
