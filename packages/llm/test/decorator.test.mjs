import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Registry, serializeAsync } from '@agentmeter/core';
import { setDiagnosticWarnings } from '@agentmeter/api';

setDiagnosticWarnings(false);
const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../..');
const out = join(here, '.tmp-decorator');

test('the @trackLlm decorator and withLlmMetrics typecheck under tsc --strict and record at runtime', async () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'package.json'), '{"type":"commonjs"}');
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '--strict', '--target', 'ES2022', '--module', 'node16', '--moduleResolution', 'node16', '--skipLibCheck', '--types', 'node', '--rootDir', join(here, 'fixtures'), '--outDir', out, join(here, 'fixtures/decorated.ts')], { encoding: 'utf8', timeout: 50_000 });
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}\n${r.stderr}`);
  const require = createRequire(join(out, 'x.js'));
  const { build } = require(join(out, 'decorated.js'));
  const registry = new Registry();
  const { assistant, summarise } = build(registry);
  assert.equal((await assistant.reply('why?')).text, 'answer: 4', '`this` is preserved');
  await assert.rejects(assistant.fail(), /quota/);
  assert.equal(await summarise('abcdef', 3), 'abc');
  const text = await serializeAsync(registry);
  assert.match(text, /^gen_ai_client_inference_usage_input_tokens_total\{gen_ai_operation_name="chat",gen_ai_provider_name="custom",gen_ai_request_model="my-model",gen_ai_token_modality="text"\} 12$/m);
  assert.match(text, /^gen_ai_client_inference_duration_seconds_count\{error_type="rate_limit",gen_ai_operation_name="chat",gen_ai_provider_name="custom",gen_ai_request_model="failing-model"\} 1$/m);
  assert.match(text, /^gen_ai_client_inference_duration_seconds_count\{gen_ai_operation_name="chat",gen_ai_provider_name="custom",gen_ai_request_model="fn-model"\} 1$/m);
  rmSync(out, { recursive: true, force: true });
});

test('tsc rejects a misuse (wrong attribute type) of the decorator options', () => {
  const dir = join(here, '.tmp-decorator-neg');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'bad.ts');
  writeFileSync(file, "import { trackLlm } from '@agentmeter/llm';\nclass A { @trackLlm({ provider: 42 }) async m() { return 1; } }\nexport { A };\n");
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'ES2022', '--module', 'node16', '--moduleResolution', 'node16', '--skipLibCheck', '--types', 'node', file], { encoding: 'utf8', timeout: 50_000 });
  rmSync(dir, { recursive: true, force: true });
  assert.notEqual(r.status, 0);
  assert.match(r.stdout, /TS2322/);
});
