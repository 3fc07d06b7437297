// A Bedrock app with only the preload (ESM with --import, CommonJS with --require), the real
// @aws-sdk/client-bedrock-runtime client against the fake Bedrock Runtime server (JSON and
// AWS event-stream over HTTP/2), through a real Prometheus: exact counts, token sums with
// cache reads/writes, TTFT for streams, error types, cost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startNode } from '@agentmeter/test-utils/proc';
import { freePort } from '@agentmeter/test-utils/net';
import { startPrometheus } from '@agentmeter/test-utils/prometheus';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const { EXPECTED, CLAUDE } = (await import('../fixtures/calls.cjs')).default;

let llm;
before(async () => {
  llm = await startFakeLlm();
});
after(() => llm.close());

for (const [flag, file] of [
  ['--import', 'app.mjs'],
  ['--require', 'app.cjs'],
]) {
  test(`${flag} ${file}: Bedrock Runtime calls through a real Prometheus`, async () => {
    const port = await freePort();
    const app = startNode([flag, '@agentmeter/sdk/register', file, llm.h2url], { cwd: fixtures, env: { NODE_NO_WARNINGS: '1', AGENTMETER_METRICS_PORT: String(port) }, readyLine: /^ready (.*)$/m, timeout: 60_000 });
    let prom;
    try {
      const [, out] = await app.ready;
      assert.deepEqual(JSON.parse(out), EXPECTED);
      prom = await startPrometheus([{ job: 'app', port }]);
      const v = (expr) => prom.waitForValue(expr, (x) => x !== undefined);
      const m = (model) => `gen_ai_provider_name="aws.bedrock",gen_ai_request_model="${model}"`;
      assert.equal(await v(`sum(gen_ai_client_inference_duration_seconds_count{${m(CLAUDE)},error_type=""})`), 2);
      assert.equal(await v(`sum(gen_ai_client_inference_usage_input_tokens_total{${m(CLAUDE)}})`), 70);
      assert.equal(await v(`sum(gen_ai_client_inference_usage_output_tokens_total{${m(CLAUDE)}})`), 16);
      assert.equal(await v(`sum(gen_ai_client_inference_time_to_first_chunk_seconds_count{gen_ai_provider_name="aws.bedrock"})`), 3, 'ConverseStream + 2 InvokeModelWithResponseStream');
      assert.ok((await v(`sum(gen_ai_client_inference_time_to_first_chunk_seconds_sum{${m('amazon.nova-pro-v1:0-slow')}})`)) >= 0.2);
      assert.equal(await v(`sum(gen_ai_client_inference_usage_input_tokens_total{${m('anthropic.claude-3-5-haiku-20241022-v1:0')}})`), 70);
      assert.equal(await v(`sum(gen_ai_client_inference_usage_output_tokens_total{${m('meta.llama3-3-70b-instruct-v1:0')}})`), 16);
      assert.equal(await v(`sum(gen_ai_client_inference_duration_seconds_count{gen_ai_provider_name="aws.bedrock",error_type="rate_limit"})`), 1);
      assert.equal(await v(`sum(gen_ai_client_inference_duration_seconds_count{gen_ai_provider_name="aws.bedrock",error_type="invalid_request"})`), 1);
      assert.equal(await v('sum(gen_ai_client_inference_duration_seconds_count{gen_ai_provider_name="aws.bedrock"}) + sum(gen_ai_client_embeddings_duration_seconds_count{gen_ai_provider_name="aws.bedrock"} or vector(0))'), 13, 'every call once');
      // cost: the Claude Sonnet 4.5 inference profile id is priced in the shipped table
      assert.equal(await v(`sum(gen_ai_client_cost_count{${m(CLAUDE)}})`), 2);
      // Nova Lite (shipped row: input 0.06, cache read 0.015, output 0.24 USD/1M; no cache-write price, so writes cost input):
      // (10 + 5) x 0.06 + 20 x 0.015 + 8 x 0.24 = 3.12 USD per 1M calls
      const nova = await v(`sum(gen_ai_client_cost_sum{${m('amazon.nova-lite-v1:0')}})`);
      assert.ok(Math.abs(nova - 3.12e-6) < 1e-12, `Nova Lite cost ${nova}`);
    } finally {
      await app.stop();
      await prom?.stop();
    }
  });
}
