import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CATALOGUE, GEN_AI_METRICS_VALUES } from '@agentmeter/semconv';

test('docs/metrics.md is generated from the semconv catalogue and up to date', () => {
  const r = spawnSync(process.execPath, ['scripts/gen-metrics-doc.mjs', '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

// The design catalogue's names (OpenTelemetry name -> Prometheus name), written here so the
// repository stands alone. GenAI client metrics: semantic-conventions-genai v0.1.0 (current)
// and the v1.41 names (legacy).
const GENAI_CURRENT = [
  ['gen_ai.client.inference.duration', 'gen_ai_client_inference_duration_seconds'],
  ['gen_ai.client.inference.time_to_first_chunk', 'gen_ai_client_inference_time_to_first_chunk_seconds'],
  ['gen_ai.client.inference.time_per_output_chunk', 'gen_ai_client_inference_time_per_output_chunk_seconds'],
  ['gen_ai.client.inference.usage.input_tokens', 'gen_ai_client_inference_usage_input_tokens_total'],
  ['gen_ai.client.inference.usage.output_tokens', 'gen_ai_client_inference_usage_output_tokens_total'],
  ['gen_ai.client.inference.usage.cache_read.input_tokens', 'gen_ai_client_inference_usage_cache_read_input_tokens_total'],
  ['gen_ai.client.inference.usage.cache_write.input_tokens', 'gen_ai_client_inference_usage_cache_write_input_tokens_total'],
  ['gen_ai.client.inference.usage.reasoning.output_tokens', 'gen_ai_client_inference_usage_reasoning_output_tokens_total'],
  ['gen_ai.client.inference.operation.input_tokens', 'gen_ai_client_inference_operation_input_tokens'],
  ['gen_ai.client.inference.operation.output_tokens', 'gen_ai_client_inference_operation_output_tokens'],
  ['gen_ai.client.embeddings.duration', 'gen_ai_client_embeddings_duration_seconds'],
  ['gen_ai.client.embeddings.operation.input_tokens', 'gen_ai_client_embeddings_operation_input_tokens'],
  ['gen_ai.client.operation.duration', 'gen_ai_client_operation_duration_seconds'],
];
const GENAI_LEGACY = [
  ['gen_ai.client.operation.duration', 'gen_ai_client_operation_duration_seconds'],
  ['gen_ai.client.token.usage', 'gen_ai_client_token_usage'],
  ['gen_ai.client.operation.time_to_first_chunk', 'gen_ai_client_operation_time_to_first_chunk_seconds'],
  ['gen_ai.client.operation.time_per_output_chunk', 'gen_ai_client_operation_time_per_output_chunk_seconds'],
];
const OTHER = [
  ['gen_ai.execute_tool.duration', 'gen_ai_execute_tool_duration_seconds'],
  ['gen_ai.invoke_agent.duration', 'gen_ai_invoke_agent_duration_seconds'],
  ['gen_ai.invoke_agent.inference_calls', 'gen_ai_invoke_agent_inference_calls'],
  ['gen_ai.invoke_agent.tool_calls', 'gen_ai_invoke_agent_tool_calls'],
  ['gen_ai.client.cost', 'gen_ai_client_cost'],
  ['gen_ai.provider.health', 'gen_ai_provider_health'],
  ['gen_ai.provider.circuit_breaker.state', 'gen_ai_provider_circuit_breaker_state'],
  ['cache.operations', 'cache_operations_total'],
  ['cache.hit_ratio', 'cache_hit_ratio'],
  ['cache.size', 'cache_size_bytes'],
  ['websocket.server.active_connections', 'websocket_server_active_connections'],
  ['websocket.server.connection.duration', 'websocket_server_connection_duration_seconds'],
  ['websocket.server.messages', 'websocket_server_messages_total'],
  ['http.server.request.duration', 'http_server_request_duration_seconds'],
  ['http.server.active_requests', 'http_server_active_requests'],
  ['http.client.request.duration', 'http_client_request_duration_seconds'],
  ['db.client.operation.duration', 'db_client_operation_duration_seconds'],
  ['db.client.connection.count', 'db_client_connection_count'],
  ['db.client.connection.max', 'db_client_connection_max'],
  ['db.client.connection.pending_requests', 'db_client_connection_pending_requests'],
  ['process.cpu.utilization', 'process_cpu_utilization_ratio'],
  ['process.memory.usage', 'process_memory_usage_bytes'],
  ['process.uptime', 'process_uptime_seconds'],
];

test('every metric of the design catalogue is implemented in semconv under its Prometheus name', () => {
  for (const [otel, prom] of [...GENAI_CURRENT, ...GENAI_LEGACY, ...OTHER]) {
    assert.ok(CATALOGUE[otel], `${otel} missing from CATALOGUE`);
    assert.equal(CATALOGUE[otel].prometheus, prom, `${otel} Prometheus name`);
  }
});

test('the GenAI client metrics are split into the current and legacy sets exactly as the design says', () => {
  const set = (s) => Object.values(CATALOGUE).filter((d) => d.genAiMetrics === s || d.genAiMetrics === 'all').map((d) => d.name).sort();
  assert.deepEqual(set('current'), GENAI_CURRENT.map(([n]) => n).sort());
  assert.deepEqual(set('legacy'), GENAI_LEGACY.map(([n]) => n).sort());
  assert.deepEqual(Object.values(GEN_AI_METRICS_VALUES).sort(), ['both', 'current', 'legacy']);
  const usage = CATALOGUE['gen_ai.client.inference.usage.input_tokens'];
  assert.equal(usage.kind, 'counter');
  assert.equal(usage.unit, '{token}');
  assert.ok(usage.attributes.includes('gen_ai.token.modality'));
  assert.ok(!usage.attributes.includes('error.type'), 'error.type is on duration metrics only');
  assert.deepEqual(CATALOGUE['gen_ai.client.inference.duration'].buckets, [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]);
  assert.deepEqual(CATALOGUE['gen_ai.client.inference.operation.input_tokens'].buckets, [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864]);
  // docs/metrics.md (generated) lists every name of both sets
  const doc = readFileSync(new URL('../docs/metrics.md', import.meta.url), 'utf8');
  for (const [otel, prom] of [...GENAI_CURRENT, ...GENAI_LEGACY]) {
    assert.ok(doc.includes(`\`${otel}\``), otel);
    assert.ok(doc.includes(`\`${prom}\``), prom);
  }
});
