// Regression: tool and agent metrics used their own error classifier, so a RateLimitError was
// `rate_limit` on gen_ai_client metrics but `RateLimitError` on tool metrics, and an undici
// headers timeout `timeout` on one and `HeadersTimeoutError` on the other: tool failures
// escaped the dashboards' error filters. One classifier (classifyError in @agentmeter/api)
// now serves every signal; the same thrown error gives the same error.type on each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metrics } from '@opentelemetry/api';
import OpenAI from 'openai';
import { Registry, serializeAsync } from '@agentmeter/core';
import { setDiagnosticWarnings, classifyError } from '@agentmeter/api';
import { recordLlmCall } from '@agentmeter/llm';
import { trackTextToSpeech } from '@agentmeter/speech';
import { trackTool, trackAgentRun, errorTypeOf } from '@agentmeter/tools';
import { startFakeLlm } from '@agentmeter/test-utils/fake-llm';

setDiagnosticWarnings(false);

test('the same thrown error gives the same error.type on LLM, speech, tool and agent metrics', async () => {
  const registry = new Registry();
  metrics.setGlobalMeterProvider(registry);
  const llm = await startFakeLlm();
  try {
    // a real RateLimitError from the real openai client against the fake server's 429
    const client = new OpenAI({ apiKey: 'k', baseURL: `${llm.url}/v1`, maxRetries: 0 });
    const rateLimited = await client.chat.completions.create({ model: 'x-rate-limit', messages: [] }).then(() => undefined, (e) => e);
    assert.equal(rateLimited?.constructor?.name, 'RateLimitError');
    class HeadersTimeoutError extends Error {
      constructor() { super('Headers Timeout Error'); this.name = 'HeadersTimeoutError'; this.code = 'UND_ERR_HEADERS_TIMEOUT'; }
    }
    const cases = [
      ['ratelimit', rateLimited, 'rate_limit'],
      ['headers-timeout', new HeadersTimeoutError(), 'timeout'],
      ['abort', new DOMException('aborted', 'AbortError'), 'cancelled'],
      ['refused', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'network'],
      ['type', new TypeError('bad'), 'TypeError'],
    ];
    for (const [id, err, expected] of cases) {
      assert.equal(classifyError(err), expected, id);
      assert.equal(errorTypeOf(err), expected, `${id}: tools' errorTypeOf is the same classifier`);
      recordLlmCall({ provider: 'openai', requestModel: `m-${id}`, operation: 'chat', durationSeconds: 0.1, error: err });
      await trackTextToSpeech({ provider: 'openai', model: `tts-${id}`, text: 'hi' }, () => Promise.reject(err)).catch(() => {});
      assert.throws(() => trackTool({ toolName: `tool-${id}` }, () => { throw err; }));
      await assert.rejects(trackAgentRun({ agentName: `agent-${id}` }, async () => { throw err; }));
    }
    const text = await serializeAsync(registry);
    const errorTypeOn = (family, label, value) => {
      const m = new RegExp(`^${family}_count\\{([^}]*${label}="${value}"[^}]*)\\} \\d+$`, 'm').exec(text);
      assert.ok(m, `${family} with ${label}="${value}":\n${text}`);
      return /error_type="([^"]*)"/.exec(m[1])?.[1];
    };
    for (const [id, , expected] of cases) {
      assert.equal(errorTypeOn('gen_ai_client_inference_duration_seconds', 'gen_ai_request_model', `m-${id}`), expected, `LLM ${id}`);
      assert.equal(errorTypeOn('gen_ai_client_operation_duration_seconds', 'gen_ai_request_model', `tts-${id}`), expected, `speech ${id}`);
      assert.equal(errorTypeOn('gen_ai_execute_tool_duration_seconds', 'gen_ai_tool_name', `tool-${id}`), expected, `tool ${id}`);
      assert.equal(errorTypeOn('gen_ai_invoke_agent_duration_seconds', 'gen_ai_agent_name', `agent-${id}`), expected, `agent ${id}`);
    }
  } finally {
    await llm.close();
    metrics.disable();
  }
});
