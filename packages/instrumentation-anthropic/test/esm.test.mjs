import { test } from 'node:test';
import assert from 'node:assert/strict';

import { fileURLToPath } from 'node:url';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';

test('ESM app (import Anthropic from "@anthropic-ai/sdk") is instrumented by node --import preload', async () => {
  const llm = await startFakeLlm();
  try {
    const r = await new Promise((resolve) => {
      import('node:child_process').then(({ execFile }) =>
        execFile(process.execPath, ['--import', './preload.mjs', 'app.mjs'], { cwd: fileURLToPath(new URL('./fixtures/', import.meta.url)), env: { ...process.env, FAKE_LLM_URL: llm.url }, timeout: 45_000 }, (err, stdout, stderr) => resolve({ err, stdout, stderr })),
      );
    });
    assert.equal(r.err, null, r.stderr);
    assert.match(r.stdout, /^gen_ai_client_inference_usage_input_tokens_total\{gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="esm-claude",gen_ai_response_model="esm-claude-2025-01-01",gen_ai_token_modality="text"\} 35$/m);
    assert.match(r.stdout, /^gen_ai_client_inference_duration_seconds_count\{[^}]*gen_ai_request_model="esm-claude-stream"[^}]*\} 1$/m);
    assert.match(r.stdout, /^gen_ai_client_inference_time_to_first_chunk_seconds_count\{[^}]*gen_ai_request_model="esm-claude-stream"[^}]*\} 1$/m);
  } finally {
    await llm.close();
  }
});
