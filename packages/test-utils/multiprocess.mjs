// Shared by the multi-process e2e tests (test/e2e/multiprocess-*.test.mjs).
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { sum } from './exposition.mjs';
import { USAGE } from './fake-llm.mjs';
import { waitFor } from './net.mjs';

export const fixture = (f) => fileURLToPath(new URL(`../../test/fixtures/multiprocess/${f}`, import.meta.url));
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** LLM calls counted by the aggregate, summed over every series. */
export const LLM_CALLS = 'sum(gen_ai_client_inference_duration_seconds_count{job="app"})';
export const INPUT_TOKENS = 'sum(gen_ai_client_inference_usage_input_tokens_total{job="app"})';
export const OUTPUT_TOKENS = 'sum(gen_ai_client_inference_usage_output_tokens_total{job="app"})';
/** Counter resets Prometheus saw over the last 10 minutes, over every counter and histogram series of job "app". */
export async function totalResets(prom) {
  const names = await prom.query('count by (__name__) ({job="app",__name__=~".+_total|.+_count|.+_sum|.+_bucket"})');
  assert.ok(names.length > 5, 'counters and histograms scraped');
  let total = 0;
  const where = [];
  for (const n of names) {
    const name = n.metric.__name__;
    const v = (await prom.value(`sum(resets(${name}{job="app"}[10m]))`)) ?? 0;
    if (v) where.push(`${name}: ${v}`);
    total += v;
  }
  return { total, where };
}
export const IN_PER_CALL = USAGE.chat.prompt_tokens;
export const OUT_PER_CALL = USAGE.chat.completion_tokens;

/** GET /chat?n=N on the app: N chat calls through the real openai client. */
export async function chat(appPort, n, extra = '') {
  // a new connection each time: a pooled one may lead to a worker that was just replaced
  const r = await fetch(`http://127.0.0.1:${appPort}/chat?n=${n}${extra}`, { headers: { connection: 'close' } });
  const t = await r.text();
  if (r.status !== 200) throw new Error(`chat: ${r.status} ${t}`);
  return JSON.parse(t);
}

export async function scrape(port) {
  const r = await fetch(`http://127.0.0.1:${port}/metrics`);
  return r.text();
}

/** Wait until the scraped sum of `name` equals `want` (direct scrapes, no Prometheus). */
export function waitForSum(port, name, want, timeout = 20_000) {
  return waitFor(async () => sum(await scrape(port), name) === want, { timeout, what: `${name} = ${want}` });
}

/** pids announced by a fixture as "worker <pid>" lines. */
export function workerPids(stdout) {
  return [...stdout.matchAll(/^worker (\d+)$/gm)].map((m) => Number(m[1]));
}

/** Assert Prometheus' exact sums for `calls` LLM calls. */
export async function expectCalls(prom, calls) {
  await prom.waitForValue(LLM_CALLS, (v) => v === calls, 60_000);
  await prom.waitForValue(INPUT_TOKENS, (v) => v === calls * IN_PER_CALL, 60_000);
  await prom.waitForValue(OUTPUT_TOKENS, (v) => v === calls * OUT_PER_CALL, 60_000);
}
