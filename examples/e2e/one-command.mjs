// Shared by the one-command tests: run an example by `npm run example -- <name>` with PORT
// and AGENTMETER_METRICS_PORT set to free ports, let a real Prometheus scrape it for 30 s,
// check that every query line of its seed-queries.promql returns data, then SIGTERM it and
// check that no process it started and no temp directory is left.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort, waitFor } from '@agentmeter/test-utils/net';
import { startPrometheus } from '@agentmeter/test-utils/prometheus';

const root = new URL('../..', import.meta.url).pathname;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Query lines of a seed-queries.promql file (comments and blank lines dropped). */
export function seedQueries(name) {
  return readFileSync(join(root, 'examples', name, 'seed-queries.promql'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** Every live descendant pid of pid (from /proc). */
function descendants(pid) {
  const children = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {
      /* gone */
    }
  }
  const out = [];
  const walk = (p) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}
function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * withPrometheus: run it with --prometheus too (PROMETHEUS_PORT on a free port) and check
 * that Prometheus scrapes it with agentmeter's recording and alert rules loaded and healthy.
 */
export async function runExampleByOneCommand(t, name, { scrapeSeconds = 30, withPrometheus = false } = {}) {
  const port = await freePort();
  const metricsPort = await freePort();
  const promPort = await freePort();
  const npm = existsSync(join(dirname(process.execPath), 'npm')) ? join(dirname(process.execPath), 'npm') : 'npm';
  const env = { ...process.env, PORT: String(port), AGENTMETER_METRICS_PORT: String(metricsPort), PROMETHEUS_PORT: String(promPort) };
  delete env.AGENTMETER_METRICS_TOKEN;
  // its own process group, so that a failed test can take down all of it
  const child = spawn(npm, ['run', '--silent', 'example', '--', name, ...(withPrometheus ? ['--prometheus'] : [])], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  // the node process running scripts/example.mjs (not the `sh -c` npm runs it through)
  const runnerPid = () =>
    descendants(child.pid).find((p) => {
      try {
        const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
        return /(^|\/)node$/.test(argv[0]) && argv.some((a) => /scripts\/example\.mjs$/.test(a));
      } catch {
        return false;
      }
    });
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(runnerPid(), 'SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  });
  await Promise.race([
    waitFor(() => /Press Ctrl\+C to stop/.test(out), { timeout: 120_000, what: `${name} started:\n${out}` }),
    exited.then((e) => assert.fail(`${name} exited (${JSON.stringify(e)}) before it was ready:\n${out}`)),
  ]);
  assert.match(out, new RegExp(`app: +http://127\\.0\\.0\\.1:${port}\\b`), 'prints the app URL on PORT');
  assert.match(out, new RegExp(`metrics: +http://127\\.0\\.0\\.1:${metricsPort}/metrics`), 'prints the /metrics URL on AGENTMETER_METRICS_PORT');
  const token = /metrics token: (\S+)/.exec(out)?.[1];
  const tmp = /temp dir: (\S+)/.exec(out)?.[1];
  assert.ok(tmp && existsSync(tmp), `prints its temp dir: ${out}`);

  const prom = await startPrometheus([{ job: name, port: metricsPort, token }]);
  t.after(() => prom.stop());
  await sleep(scrapeSeconds * 1000);
  const empty = [];
  const queries = seedQueries(name);
  assert.ok(queries.length >= 10, `${queries.length} queries`);
  for (const q of queries) {
    const r = await prom.query(q);
    if (r.length === 0) empty.push(q);
  }
  assert.deepEqual(empty, [], `queries of examples/${name}/seed-queries.promql that returned no data`);

  if (withPrometheus) {
    const url = `http://127.0.0.1:${promPort}`;
    assert.match(out, new RegExp(`prometheus: +${url.replace(/\./g, '\\.')}`), 'prints the Prometheus URL');
    const api = (path) => fetch(url + path).then((r) => r.json());
    const up = await api(`/api/v1/query?query=${encodeURIComponent(`up{job="${name}"}`)}`);
    assert.equal(up.data.result[0]?.value[1], '1', `its Prometheus scrapes ${name}: ${JSON.stringify(up)}`);
    const rules = (await api('/api/v1/rules')).data.groups.flatMap((g) => g.rules);
    assert.ok(rules.some((r) => r.type === 'recording') && rules.some((r) => r.type === 'alerting'), 'recording and alert rules loaded');
    assert.deepEqual(rules.filter((r) => r.health === 'err').map((r) => `${r.name}: ${r.lastError}`), [], 'every rule evaluates');
  }

  // stop: every process it started ends, its temp dir is removed
  const pids = descendants(child.pid);
  const runner = runnerPid();
  assert.ok(runner && pids.length >= 2, 'it started processes');
  // SIGTERM to the runner (npm itself does not forward it; Ctrl+C reaches the whole group)
  process.kill(runner, 'SIGTERM');
  const { code } = await exited;
  assert.equal(code, 0, `exit code after SIGTERM:\n${out.slice(-3000)}`);
  await waitFor(() => pids.every((p) => !alive(p)), { timeout: 15_000, what: 'every process it started to exit' }).catch(() => undefined);
  assert.deepEqual(pids.filter(alive), [], 'processes left after SIGTERM');
  assert.equal(existsSync(tmp), false, `temp dir ${tmp} left after SIGTERM`);
  return { out, queries: queries.length };
}
