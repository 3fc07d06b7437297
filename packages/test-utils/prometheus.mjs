// Starts a real Prometheus (Debian's package) on 127.0.0.1 with a temp storage dir.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './net.mjs';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

/**
 * targets: [{ job, port, path = '/metrics', token }]
 * Returns { url, query(expr), value(expr), waitForValue(expr, pred), stop() }.
 */
export async function startPrometheus(targets, { scrapeInterval = '1s' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'agentmeter-prom-'));
  const scrape = targets
    .map(
      (t) => `  - job_name: ${JSON.stringify(t.job)}
    scrape_interval: ${scrapeInterval}
    scrape_timeout: ${scrapeInterval}
    metrics_path: ${JSON.stringify(t.path ?? '/metrics')}
${t.token ? `    authorization:\n      type: Bearer\n      credentials: ${JSON.stringify(t.token)}\n` : ''}    static_configs:
      - targets: ['127.0.0.1:${t.port}']`,
    )
    .join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: ${scrapeInterval}\nscrape_configs:\n${scrape}\n`);
  const port = await freePort();
  const proc = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  const query = async (expr) => {
    const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const j = await r.json();
    if (j.status !== 'success') throw new Error(`query ${expr}: ${JSON.stringify(j)}`);
    return j.data.result;
  };
  const value = async (expr) => {
    const res = await query(expr);
    return res.length ? Number(res[0].value[1]) : undefined;
  };
  const stop = async () => {
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await query('up')).length >= 0, { timeout: 30_000, what: `prometheus ready (${stderr})` });
    for (const t of targets) {
      if (t.expectUp === false) continue;
      await waitFor(async () => (await value(`up{job=${JSON.stringify(t.job)}}`)) === 1, { timeout: 30_000, what: `target ${t.job} up` });
    }
  } catch (e) {
    await stop();
    throw e;
  }
  /** Wait until expr's first value satisfies pred (Prometheus scrapes every second). */
  const waitForValue = (expr, pred, timeout = 20_000) =>
    waitFor(
      async () => {
        const v = await value(expr);
        return pred(v) ? { v } : undefined;
      },
      { timeout, what: `${expr}` },
    ).then((r) => r.v);
  return { url, query, value, waitForValue, stop };
}

/**
 * promtool lint findings agentmeter cannot remove without breaking the catalogue's names
 * (the same names the OpenTelemetry Collector produces); listed in docs/metrics.md.
 */
export const KNOWN_LINT = [/^db_client_connection_count non-histogram and non-summary metrics should not have "_count" suffix$/];

/**
 * Run `promtool check metrics` on an exposition. Returns { status, output, problems }:
 * problems are the findings not in KNOWN_LINT; ok is true when the exposition parsed
 * (status 0, or 3 = lint findings only) and every finding is a known one.
 */
export function promtoolCheckMetrics(text) {
  const r = spawnSync(PROMTOOL_BIN, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  const output = `${r.stdout}${r.stderr}`;
  const problems = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !KNOWN_LINT.some((re) => re.test(l)));
  return { status: r.status, output, problems, ok: (r.status === 0 || r.status === 3) && problems.length === 0 };
}
