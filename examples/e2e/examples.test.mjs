// Each example in examples/ started as its README says, driven with traffic, and its
// seed's metric set checked on /metrics (and through a real Prometheus where cheap).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import WebSocket from 'ws';
import { freePort, waitFor } from '@agentmeter/test-utils/net';
import { startNode } from '@agentmeter/test-utils/proc';
import { startPostgres } from '@agentmeter/test-utils/postgres';
import { startPrometheus } from '@agentmeter/test-utils/prometheus';
import { startRedis } from '@agentmeter/test-utils/redis';

const root = new URL('../..', import.meta.url).pathname;
const ex = (name) => join(root, 'examples', name);

async function scrape(port, token) {
  const r = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  assert.equal(r.status, 200);
  return r.text();
}
const has = (text, re) => assert.match(text, re, `missing ${re}`);
const get = (url) => fetch(url).then(async (r) => ({ status: r.status, body: await r.text() }));

async function wsExchange(url, messages, binary = false) {
  const ws = new WebSocket(url);
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const replies = [];
  for (const m of messages) {
    const reply = new Promise((r) => ws.once('message', (d) => r(JSON.parse(String(d)))));
    ws.send(binary ? Buffer.from(m) : JSON.stringify(m));
    replies.push(await reply);
  }
  ws.close();
  await new Promise((r) => ws.once('close', r));
  return replies;
}

test('digital-actors: LLM + TTS latency, requests by scene/character/status, WebSocket sessions, bearer-protected /metrics scraped by Prometheus', { timeout: 60_000 }, async (t) => {
  const metricsPort = await freePort();
  const token = 'example-token-123';
  const app = startNode(['--import', '@agentmeter/sdk/register', 'server.mjs'], { cwd: ex('digital-actors'), env: { PORT: '0', AGENTMETER_METRICS_PORT: String(metricsPort), AGENTMETER_METRICS_TOKEN: token } });
  t.after(() => app.stop());
  const [, port] = await app.ready;
  const replies = await wsExchange(`ws://127.0.0.1:${port}`, [
    { scene: 'tavern', character: 'bard', text: 'sing' },
    { scene: 'forest', character: 'ranger', text: 'which way?' },
    { scene: 'tavern', character: 'dragon', text: 'roar' },
    { scene: 'tavern', character: 'innkeeper', text: 'ale', model: 'gpt-4o-rate-limit' },
  ]);
  assert.equal(replies[0].reply, 'Hello there!');
  assert.match(replies[2].error, /unknown character/);
  assert.equal((await get(`http://127.0.0.1:${port}/talk?scene=forest&character=ranger&text=hi`)).status, 200);

  assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status, 401, '/metrics needs the bearer token');
  const m = await scrape(metricsPort, token);
  has(m, /^digital_actors_requests_total\{character="bard",scene="tavern",status="ok"\} 1$/m);
  has(m, /^digital_actors_requests_total\{character="dragon",scene="tavern",status="validation_error"\} 1$/m);
  has(m, /^digital_actors_requests_total\{character="innkeeper",scene="tavern",status="llm_error"\} 1$/m);
  has(m, /^digital_actors_response_duration_seconds_count\{character="ranger",scene="forest",status="ok"\} 2$/m);
  // the bard through OpenAI, the ranger (twice) through Claude
  has(m, /^gen_ai_client_inference_duration_seconds_count\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",[^}]*\} 1$/m);
  has(m, /^gen_ai_client_inference_duration_seconds_count\{gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-haiku-4-5",[^}]*\} 2$/m);
  has(m, /^gen_ai_client_operation_duration_seconds_count\{gen_ai_operation_name="text_to_speech",gen_ai_provider_name="openai",gen_ai_request_model="tts-1"\} 3$/m);
  has(m, /^gen_ai_client_inference_duration_seconds_count\{error_type="rate_limit",[^}]*\} 1$/m);
  has(m, /^websocket_server_active_connections\{server_port="\d+"\} 0$/m);
  has(m, /^websocket_server_connection_duration_seconds_count\{server_port="\d+"\} 1$/m);
  has(m, /^http_server_request_duration_seconds_count\{[^}]*http_response_status_code="200"[^}]*\} 1$/m);

  const prom = await startPrometheus([{ job: 'digital-actors', port: metricsPort, token }]);
  t.after(() => prom.stop());
  const v = await prom.waitForValue('sum(digital_actors_requests_total{job="digital-actors"})', (x) => x === 5);
  assert.equal(v, 5);
  assert.equal(await prom.value('sum by (status) (digital_actors_requests_total{status="validation_error"})'), 1);
});

test('voice-agent: Claude + Whisper over WebSocket, Redis cache, Postgres, sessions, exchanges by intent, quality, cost, /api/health', { timeout: 60_000 }, async (t) => {
  const [pgsql, redis] = await Promise.all([startPostgres(), startRedis()]);
  t.after(() => Promise.all([pgsql.stop(), redis.stop()]));
  const metricsPort = await freePort();
  const app = startNode(['--import', '@agentmeter/sdk/register', 'server.mjs'], {
    cwd: ex('voice-agent'),
    env: { PORT: '0', AGENTMETER_METRICS_PORT: String(metricsPort), PG_URL: pgsql.connectionString, REDIS_URL: redis.url, OTEL_SERVICE_NAME: 'voice-agent' },
  });
  t.after(() => app.stop());
  const [, port] = await app.ready;
  const replies = await wsExchange(`ws://127.0.0.1:${port}`, ['audio-1', 'audio-2', 'audio-3'], true);
  assert.deepEqual(replies.map((r) => r.answer), ['Hello there!', 'Hello there!', 'Hello there!']);
  assert.equal(replies[0].intent, 'chat');
  const health = await get(`http://127.0.0.1:${port}/api/health`);
  assert.equal(health.status, 200, health.body);
  assert.equal(JSON.parse(health.body).checks.redis.healthy, true);
  const json = JSON.parse((await get(`http://127.0.0.1:${port}/api/metrics`)).body);
  assert.equal(json.cache.hits, 2);

  const m = await scrape(metricsPort);
  has(m, /^gen_ai_client_inference_duration_seconds_count\{gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-5",[^}]*\} 1$/m);
  has(m, /^gen_ai_client_inference_usage_input_tokens_total\{[^}]*gen_ai_provider_name="anthropic"[^}]*gen_ai_token_modality="text"\} 35$/m); // 10 + 5 cache write + 20 cache read
  has(m, /^gen_ai_client_inference_usage_cache_read_input_tokens_total\{[^}]*gen_ai_provider_name="anthropic"[^}]*\} 20$/m);
  has(m, /^gen_ai_client_operation_duration_seconds_count\{gen_ai_operation_name="speech_to_text",gen_ai_provider_name="openai",gen_ai_request_model="whisper-1"\} 3$/m);
  has(m, /^gen_ai_client_cost_sum\{gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-5"\} [0-9.e-]+$/m);
  has(m, /^gen_ai_client_cost_sum\{gen_ai_operation_name="speech_to_text",gen_ai_provider_name="openai",gen_ai_request_model="whisper-1"\} [0-9.e-]+$/m);
  has(m, /^cache_operations_total\{cache_name="responses",cache_operation="get",cache_result="hit"\} 2$/m);
  has(m, /^cache_operations_total\{cache_name="responses",cache_operation="get",cache_result="miss"\} 1$/m);
  has(m, /^cache_hit_ratio\{cache_name="responses"\} 0\.666/m);
  has(m, /^db_client_operation_duration_seconds_count\{[^}]*db_operation_name="INSERT"[^}]*\} 3$/m);
  has(m, /^db_client_connection_max\{db_client_connection_pool_name="127\.0\.0\.1:\d+\/postgres"\} 5$/m);
  has(m, /^websocket_server_messages_total\{[^}]*websocket_message_direction="received",websocket_message_type="binary"\} 3$/m);
  has(m, /^voice_agent_sessions_total 1$/m);
  has(m, /^voice_agent_sessions_active 0$/m);
  has(m, /^voice_agent_session_duration_seconds_count 1$/m);
  has(m, /^voice_agent_conversation_exchanges_total\{intent="chat"\} 3$/m);
  has(m, /^voice_agent_conversation_quality_score_count\{intent="chat"\} 3$/m);
  has(m, /^http_server_request_duration_seconds_count\{[^}]*\} \d+$/m);
});

test('coding-agent: started from code, enabled and placed by env vars; LLM, rate limits, tools, cache, agent iterations', { timeout: 60_000 }, async (t) => {
  const metricsPort = await freePort();
  const app = startNode(['agent.cjs'], { cwd: ex('coding-agent'), env: { AGENTMETER_ENABLED: 'true', AGENTMETER_METRICS_PORT: String(metricsPort), TASK_INTERVAL_MS: '50' } });
  t.after(() => app.stop());
  const [, port] = await app.ready;
  assert.equal(Number(port), metricsPort, 'the standalone metrics server listens on AGENTMETER_METRICS_PORT (no PORT: no request API)');
  const m = await waitFor(async () => {
    const text = await scrape(metricsPort);
    // tasks overlap (one starts every 50 ms), so wait for a finished run too
    const ready = [/gen_ai_client_inference_duration_seconds_count\{error_type="rate_limit"/, /cache_operations_total\{[^}]*cache_result="hit"/, /gen_ai_invoke_agent_inference_calls_sum\{gen_ai_agent_name="coder"\} [1-9]/];
    return ready.every((re) => re.test(text)) ? text : undefined;
  }, { timeout: 20_000, what: 'rate limits, cache hits and a finished agent run' });
  has(m, /^gen_ai_client_inference_duration_seconds_count\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",[^}]*\} \d+$/m);
  has(m, /^gen_ai_client_inference_usage_output_tokens_total\{[^}]*gen_ai_token_modality="text"\} \d+$/m);
  has(m, /^gen_ai_execute_tool_duration_seconds_count\{gen_ai_agent_name="coder",gen_ai_tool_name="read_file",gen_ai_tool_type="function"\} \d+$/m);
  has(m, /^gen_ai_invoke_agent_inference_calls_sum\{gen_ai_agent_name="coder"\} \d+$/m);
  has(m, /^gen_ai_invoke_agent_duration_seconds_count\{gen_ai_agent_name="ToolCoordinator"\} \d+$/m);
  has(m, /^cache_hit_ratio\{cache_name="tool_selection"\} 0\.\d+$/m);
  has(m, /^cache_size_bytes\{cache_name="tool_selection"\} \d+$/m);
  has(m, /^process_cpu_utilization_ratio\{cpu_mode="user"\} /m);
  has(m, /^process_memory_usage_bytes \d+/m);
  has(m, /^process_uptime_seconds /m);
  await app.stop();

  // AGENTMETER_ENABLED=false: the agent runs, nothing is served
  const port2 = await freePort();
  const off = startNode(['agent.cjs'], { cwd: ex('coding-agent'), env: { AGENTMETER_ENABLED: 'false', AGENTMETER_METRICS_PORT: String(port2) } });
  t.after(() => off.stop());
  await off.ready;
  await assert.rejects(fetch(`http://127.0.0.1:${port2}/metrics`));
});

test('media-pipeline: under `agentmeter run`; provider health and breakers (opossum), cost per request with a price override, assets, quality, events', { timeout: 60_000 }, async (t) => {
  const metricsPort = await freePort();
  const app = startNode([join(root, 'packages/sdk/bin/agentmeter.js'), 'run', '--port', String(metricsPort), '--', 'node', 'server.mjs'], {
    cwd: ex('media-pipeline'),
    env: { PORT: '0', AGENTMETER_PRICES_FILE: 'prices.json' },
  });
  t.after(() => app.stop());
  const [, port] = await app.ready;
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 4; i++) {
    assert.equal((await get(`${base}/generate?provider=openai&type=image`)).status, 200);
    assert.equal((await get(`${base}/generate?provider=falai&type=image`)).status, 502);
  }
  assert.equal((await get(`${base}/generate?provider=openai&type=text`)).status, 200);
  const health = await get(`${base}/api/health`);
  assert.equal(health.status, 503, 'falai breaker open: unhealthy');
  const m = await scrape(metricsPort);
  has(m, /^gen_ai_provider_circuit_breaker_state\{gen_ai_provider_name="falai"\} 1$/m);
  has(m, /^gen_ai_provider_health\{gen_ai_provider_name="falai"\} 0$/m);
  has(m, /^gen_ai_provider_health\{gen_ai_provider_name="openai"\} 1$/m);
  has(m, /^gen_ai_client_inference_duration_seconds_count\{error_type="server_error",gen_ai_operation_name="generate_content",gen_ai_provider_name="falai",gen_ai_request_model="flux-schnell"\} 3$/m);
  // gpt-image-1 priced from prices.json: (9 × $5 + 100 × $40) / 1M = $0.004045 per image
  has(m, /^gen_ai_client_cost_sum\{gen_ai_operation_name="generate_content",gen_ai_provider_name="openai",gen_ai_request_model="gpt-image-1"\} 0\.01618\d*$/m);
  has(m, /^gen_ai_client_cost_count\{gen_ai_operation_name="generate_content",gen_ai_provider_name="openai",gen_ai_request_model="gpt-image-1"\} 4$/m);
  has(m, /^media_assets_processed_total\{media_type="image",source="openai",status="success"\} 4$/m);
  has(m, /^media_assets_processed_total\{media_type="image",source="falai",status="error"\} 4$/m);
  has(m, /^media_asset_quality_score_count\{media_type="text",quality_type="brisque"\} 1$/m);
  has(m, /^media_events_published_total\{event_type="asset.created"\} 5$/m);
});

test('chatbot-agent: agent runs with iterations, tool calls, Postgres pool, cost tracker totals and monthly estimate', { timeout: 60_000 }, async (t) => {
  const pgsql = await startPostgres();
  t.after(() => pgsql.stop());
  const metricsPort = await freePort();
  const app = startNode(['--import', '@agentmeter/sdk/register', 'server.mjs'], {
    cwd: ex('chatbot-agent'),
    env: { PORT: '0', AGENTMETER_METRICS_PORT: String(metricsPort), AGENTMETER_COST: 'false', PG_URL: pgsql.connectionString },
  });
  t.after(() => app.stop());
  const [, port] = await app.ready;
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 3; i++) assert.equal((await get(`${base}/query?q=q${i}`)).status, 200);
  const totals = JSON.parse((await get(`${base}/stats`)).body);
  assert.equal(totals.calls, 6);
  // contract price gpt-4o input $2.00 (override), output $10; 11 in (3 cached at $1.25) + 7 out per call
  const perCall = (8 * 2 + 3 * 1.25 + 7 * 10) / 1e6;
  assert.ok(Math.abs(totals.usd - 6 * perCall) < 1e-12, `${totals.usd} vs ${6 * perCall}`);
  const est = JSON.parse((await get(`${base}/estimate?model=gpt-4o&requestsPerDay=1000&inputTokens=500&outputTokens=200`)).body);
  assert.ok(Math.abs(est.monthlyCost - 90) < 1e-9, JSON.stringify(est)); // (500 × 2 + 200 × 10) / 1M × 1000 × 30

  const m = await scrape(metricsPort);
  has(m, /^gen_ai_invoke_agent_duration_seconds_count\{gen_ai_agent_name="chatbot"\} 3$/m);
  has(m, /^gen_ai_invoke_agent_inference_calls_sum\{gen_ai_agent_name="chatbot"\} 6$/m);
  has(m, /^gen_ai_invoke_agent_tool_calls_sum\{gen_ai_agent_name="chatbot"\} 6$/m);
  has(m, /^gen_ai_execute_tool_duration_seconds_count\{gen_ai_agent_name="chatbot",gen_ai_tool_name="sql_query",gen_ai_tool_type="datastore"\} 3$/m);
  has(m, /^gen_ai_client_inference_usage_input_tokens_total\{[^}]*gen_ai_token_modality="text"\} 66$/m);
  has(m, /^gen_ai_client_cost_count\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o"\} 6$/m);
  has(m, /^db_client_operation_duration_seconds_count\{[^}]*db_operation_name="SELECT"[^}]*\} 3$/m);
  has(m, /^db_client_connection_max\{db_client_connection_pool_name="127\.0\.0\.1:\d+\/postgres"\} 5$/m);
  has(m, /^db_client_connection_count\{db_client_connection_pool_name="[^"]+",db_client_connection_state="idle"\} \d+$/m);
  has(m, /^http_server_active_requests\{[^}]*\} 0$/m);
});
