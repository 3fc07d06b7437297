// A Gemini app with only the preload (ESM with --import, CommonJS with --require), the real
// @google/genai client against the fake Gemini / Vertex AI server, through a real
// Prometheus: exact counts, token sums, TTFT for the stream, error types.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startNode } from '@agentmeter/test-utils/proc';
import { freePort } from '@agentmeter/test-utils/net';
import { startPrometheus } from '@agentmeter/test-utils/prometheus';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const { EXPECTED } = (await import('../fixtures/calls.cjs')).default;

let llm;
before(async () => {
  llm = await startFakeLlm();
});
after(() => llm.close());

for (const [flag, file] of [
  ['--import', 'app.mjs'],
  ['--require', 'app.cjs'],
]) {
  test(`${flag} ${file}: Gemini and Vertex AI calls through a real Prometheus`, async () => {
    const port = await freePort();
    const app = startNode([flag, '@agentmeter/sdk/register', file, llm.url], { cwd: fixtures, env: { NODE_NO_WARNINGS: '1', AGENTMETER_METRICS_PORT: String(port) }, readyLine: /^ready (.*)$/m, timeout: 60_000 });
    let prom;
    try {
      const [, out] = await app.ready;
      assert.deepEqual(JSON.parse(out), EXPECTED);
      prom = await startPrometheus([{ job: 'app', port }]);
      const v = (expr) => prom.waitForValue(expr, (x) => x !== undefined);
      const gen = (provider, model) => `gen_ai_operation_name="generate_content",gen_ai_provider_name="${provider}",gen_ai_request_model="${model}"`;
      assert.equal(await v(`sum(gen_ai_client_inference_duration_seconds_count{${gen('gcp.gemini', 'gemini-2.5-flash')},error_type=""})`), 2);
      assert.equal(await v(`sum(gen_ai_client_inference_usage_input_tokens_total{${gen('gcp.gemini', 'gemini-2.5-flash')}})`), 24);
      assert.equal(await v(`sum(gen_ai_client_inference_usage_output_tokens_total{${gen('gcp.gemini', 'gemini-2.5-flash')}})`), 18);
      assert.equal(await v(`sum(gen_ai_client_inference_time_to_first_chunk_seconds_count{${gen('gcp.gemini', 'gemini-2.5-flash-slow')}})`), 1);
      assert.ok((await v(`sum(gen_ai_client_inference_time_to_first_chunk_seconds_sum{${gen('gcp.gemini', 'gemini-2.5-flash-slow')}})`)) >= 0.2);
      assert.equal(await v(`sum(gen_ai_client_inference_usage_output_tokens_total{${gen('gcp.gemini', 'gemini-2.5-flash-slow')}})`), 9);
      assert.equal(await v(`sum(gen_ai_client_inference_duration_seconds_count{${gen('gcp.gemini', 'gemini-2.5-pro')}})`), 2);
      assert.equal(await v(`sum(gen_ai_client_inference_duration_seconds_count{gen_ai_provider_name="gcp.gemini",error_type="rate_limit"})`), 1);
      assert.equal(await v(`sum(gen_ai_client_inference_duration_seconds_count{gen_ai_provider_name="gcp.gemini",error_type="server_error"})`), 1);
      assert.equal(await v(`sum(gen_ai_client_inference_duration_seconds_count{${gen('gcp.vertex_ai', 'gemini-2.5-flash')}})`), 1);
      assert.equal(await v(`sum(gen_ai_client_embeddings_operation_input_tokens_sum{gen_ai_operation_name="embeddings",gen_ai_provider_name="gcp.vertex_ai"})`), 10);
      assert.equal(await v('(sum(gen_ai_client_inference_duration_seconds_count{gen_ai_provider_name=~"gcp.gemini|gcp.vertex_ai"}) + sum(gen_ai_client_embeddings_duration_seconds_count{gen_ai_provider_name=~"gcp.gemini|gcp.vertex_ai"}))'), 10, 'every HTTP call once');
      // cost: gemini-2.5-flash is in the shipped price table, counted per priced call
      assert.equal(await v(`sum(gen_ai_client_cost_count{${gen('gcp.gemini', 'gemini-2.5-flash')}})`), 2);
    } finally {
      await app.stop();
      await prom?.stop();
    }
  });
}
