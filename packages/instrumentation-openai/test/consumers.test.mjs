// Zero-code: child processes with only a preload (no agentmeter code in the app).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
let llm;
before(async () => { llm = await startFakeLlm(); });
after(async () => { await llm.close(); });

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: fixtures, env: { ...process.env, FAKE_LLM_URL: llm.url }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

test('ESM app (import OpenAI from "openai") is instrumented by node --import preload', async () => {
  const r = await run(['--import', './preload.mjs', 'app.mjs']);
  assert.equal(r.code, 0, r.stderr);
  const t = r.stdout;
  assert.match(t, /^gen_ai_client_inference_duration_seconds_count\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="esm-model",gen_ai_response_model="esm-model-2025-01-01"\} 1$/m);
  assert.match(t, /^gen_ai_client_inference_usage_input_tokens_total\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="esm-model",gen_ai_response_model="esm-model-2025-01-01",gen_ai_token_modality="text"\} 11$/m);
  assert.match(t, /^gen_ai_client_inference_time_to_first_chunk_seconds_count\{[^}]*gen_ai_request_model="esm-stream-slow"[^}]*\} 1$/m);
  assert.match(t, /^gen_ai_client_inference_duration_seconds_count\{error_type="rate_limit",gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="esm-rate-limit"\} 1$/m);
  assert.match(t, /^gen_ai_client_embeddings_duration_seconds_count\{gen_ai_operation_name="embeddings",[^}]*gen_ai_request_model="cjs-in-esm"[^}]*\} 1$/m);
  assert.match(t, /^gen_ai_client_inference_usage_reasoning_output_tokens_total\{[^}]*gen_ai_request_model="esm-reasoning-stream"[^}]*\} 192$/m);
  assert.match(t, /^gen_ai_client_inference_usage_cache_read_input_tokens_total\{[^}]*gen_ai_request_model="esm-reasoning-stream"[^}]*\} 1024$/m);
  assert.doesNotMatch(t, /PROMPT-ESM/);
});

test('CommonJS app is instrumented by node --require preload', async () => {
  const r = await run(['--require', './preload.cjs', 'app.cjs']);
  assert.equal(r.code, 0, r.stderr);
  const t = r.stdout;
  assert.match(t, /^gen_ai_client_inference_duration_seconds_count\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="cjs-model",gen_ai_response_model="cjs-model-2025-01-01"\} 1$/m);
  assert.match(t, /^gen_ai_client_inference_time_to_first_chunk_seconds_count\{[^}]*gen_ai_request_model="cjs-stream-slow"[^}]*\} 1$/m);
  assert.match(t, /^gen_ai_client_inference_usage_output_tokens_total\{[^}]*gen_ai_request_model="cjs-stream-slow"[^}]*gen_ai_token_modality="text"\} 7$/m);
  assert.match(t, /^gen_ai_client_inference_usage_cache_read_input_tokens_total\{[^}]*gen_ai_request_model="cjs-model"[^}]*\} 3$/m);
  assert.match(t, /^gen_ai_client_inference_usage_reasoning_output_tokens_total\{[^}]*gen_ai_request_model="cjs-reasoning"[^}]*\} 256$/m);
  assert.match(t, /^gen_ai_client_inference_duration_seconds_count\{error_type="server_error",[^}]*gen_ai_request_model="cjs-server-error"\} 1$/m);
  assert.doesNotMatch(t, /PROMPT-CJS/);
});
