// Routes of the fake LLM server (fake-llm.mjs) for Google Gen AI (Gemini API and Vertex AI:
// JSON and SSE) and AWS Bedrock Runtime (JSON and the AWS event-stream encoding, built
// with the AWS SDK's own codec, @smithy/eventstream-codec).
//
// Control by model name, as for the other providers: "rate-limit" -> 429, "server-error"
// -> 500, "bad-request" -> 400, "slow" -> first chunk / response delayed SLOW_MS.

export const GEMINI_SLOW_MS = 200;
/** usageMetadata of every Gemini generateContent answer (streams: on the last chunk). */
export const GEMINI_USAGE = Object.freeze({ promptTokenCount: 12, candidatesTokenCount: 6, cachedContentTokenCount: 4, thoughtsTokenCount: 3, totalTokenCount: 21 });
export const GEMINI_CHUNKS = Object.freeze(['Hel', 'lo', ' there', '!']);
/** Vertex AI: token_count of each embedding. */
export const VERTEX_EMBEDDING_TOKENS = 5;

import { EventStreamCodec } from '@smithy/eventstream-codec';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function control(model) {
  const status = model.includes('rate-limit') ? 429 : model.includes('server-error') ? 500 : model.includes('bad-request') ? 400 : 0;
  return { status, delay: model.includes('slow') ? GEMINI_SLOW_MS : 0 };
}

function json(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

// ------------------------------------------------------------------ Gemini / Vertex AI

const GEMINI_STATUS = { 400: 'INVALID_ARGUMENT', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL' };

function geminiCandidate(text) {
  return { content: { role: 'model', parts: [{ text }] }, index: 0 };
}

async function gemini(res, model, action, body, url) {
  const ctl = control(model);
  if (ctl.delay) await sleep(ctl.delay);
  if (ctl.status) return json(res, ctl.status, { error: { code: ctl.status, message: `fake ${ctl.status}`, status: GEMINI_STATUS[ctl.status] ?? 'UNKNOWN' } });
  const modelVersion = `${model}-001`;
  switch (action) {
    case 'generateContent':
      return json(res, 200, {
        candidates: [{ ...geminiCandidate(GEMINI_CHUNKS.join('')), finishReason: 'STOP' }],
        usageMetadata: GEMINI_USAGE,
        modelVersion,
        responseId: 'resp_fake',
      });
    case 'streamGenerateContent': {
      if (!url.includes('alt=sse')) return json(res, 400, { error: { code: 400, message: 'expected alt=sse', status: 'INVALID_ARGUMENT' } });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < GEMINI_CHUNKS.length; i++) {
        const last = i === GEMINI_CHUNKS.length - 1;
        const chunk = {
          candidates: [{ ...geminiCandidate(GEMINI_CHUNKS[i]), ...(last ? { finishReason: 'STOP' } : {}) }],
          usageMetadata: last ? GEMINI_USAGE : { promptTokenCount: GEMINI_USAGE.promptTokenCount, totalTokenCount: GEMINI_USAGE.promptTokenCount },
          modelVersion,
          responseId: 'resp_fake',
        };
        res.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
        await sleep(5);
      }
      return res.end();
    }
    case 'batchEmbedContents': {
      const n = Array.isArray(body.requests) ? body.requests.length : 1;
      return json(res, 200, { embeddings: Array.from({ length: n }, () => ({ values: [0.1, 0.2, 0.3] })) });
    }
    case 'predict': {
      const n = Array.isArray(body.instances) ? body.instances.length : 1;
      return json(res, 200, {
        predictions: Array.from({ length: n }, () => ({ embeddings: { values: [0.1, 0.2, 0.3], statistics: { token_count: VERTEX_EMBEDDING_TOKENS, truncated: false } } })),
        metadata: { billableCharacterCount: 10 },
      });
    }
    default:
      return json(res, 404, { error: { code: 404, message: `no action ${action}`, status: 'NOT_FOUND' } });
  }
}


// ------------------------------------------------------------------ AWS Bedrock Runtime

/** Bedrock usage of every answer: 10 uncached input, 20 cache-read, 5 cache-write, 8 output (normalised input = 35). */
export const BEDROCK_USAGE = Object.freeze({ input: 10, cacheRead: 20, cacheWrite: 5, output: 8 });
export const BEDROCK_CHUNKS = GEMINI_CHUNKS;
const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (str) => new Uint8Array(Buffer.from(str, 'utf8')),
);
const utf8 = (s) => new Uint8Array(Buffer.from(s, 'utf8'));
const header = (value) => ({ type: 'string', value });

/** One AWS event-stream message (`:message-type` event), encoded by the AWS SDK's own codec. */
function eventFrame(eventType, payload) {
  return codec.encode({
    headers: { ':event-type': header(eventType), ':content-type': header('application/json'), ':message-type': header('event') },
    body: utf8(JSON.stringify(payload)),
  });
}
/** InvokeModelWithResponseStream: a `chunk` event whose payload is the model's JSON, base64 in `bytes`. */
const chunkFrame = (obj) => eventFrame('chunk', { bytes: Buffer.from(JSON.stringify(obj)).toString('base64') });

const BEDROCK_ERRORS = { 429: 'ThrottlingException', 400: 'ValidationException', 500: 'InternalServerException' };
const U = BEDROCK_USAGE;
const TEXT = BEDROCK_CHUNKS.join('');
const invocationMetrics = (cache) => ({
  'amazon-bedrock-invocationMetrics': { inputTokenCount: U.input, outputTokenCount: U.output, invocationLatency: 50, firstByteLatency: 20, ...(cache ? { cacheReadInputTokenCount: U.cacheRead, cacheWriteInputTokenCount: U.cacheWrite } : {}) },
});

/** InvokeModel body of each model family. */
function invokeBody(model) {
  if (model.includes('anthropic.')) return { id: 'msg_fake', type: 'message', role: 'assistant', model, content: [{ type: 'text', text: TEXT }], stop_reason: 'end_turn', usage: { input_tokens: U.input, cache_read_input_tokens: U.cacheRead, cache_creation_input_tokens: U.cacheWrite, output_tokens: U.output } };
  if (model.includes('amazon.nova')) return { output: { message: { role: 'assistant', content: [{ text: TEXT }] } }, stopReason: 'end_turn', usage: { inputTokens: U.input, outputTokens: U.output, totalTokens: U.input + U.output + U.cacheRead + U.cacheWrite, cacheReadInputTokenCount: U.cacheRead, cacheWriteInputTokenCount: U.cacheWrite } };
  if (model.includes('meta.llama')) return { generation: TEXT, prompt_token_count: U.input, generation_token_count: U.output, stop_reason: 'stop' };
  if (model.includes('mistral.mistral-large')) return { id: 'cmpl_fake', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: TEXT }, finish_reason: 'stop' }], usage: { prompt_tokens: U.input, completion_tokens: U.output, total_tokens: U.input + U.output } };
  if (model.includes('mistral.')) return { outputs: [{ text: TEXT, stop_reason: 'stop' }] };
  if (model.includes('titan-embed')) return { embedding: [0.1, 0.2, 0.3], inputTextTokenCount: 6 };
  return { completion: TEXT };
}

/** InvokeModelWithResponseStream chunks of each model family (the last carries Bedrock's invocation metrics). */
function invokeChunks(model) {
  const n = BEDROCK_CHUNKS.length;
  if (model.includes('anthropic.'))
    return [
      { type: 'message_start', message: { id: 'msg_fake', type: 'message', role: 'assistant', model, content: [], usage: { input_tokens: U.input, cache_read_input_tokens: U.cacheRead, cache_creation_input_tokens: U.cacheWrite, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      ...BEDROCK_CHUNKS.map((text) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })),
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: U.output } },
      { type: 'message_stop', ...invocationMetrics(true) },
    ];
  if (model.includes('meta.llama'))
    return BEDROCK_CHUNKS.map((generation, i) => ({ generation, prompt_token_count: i === 0 ? U.input : null, generation_token_count: i + 1, stop_reason: i === n - 1 ? 'stop' : null, ...(i === n - 1 ? invocationMetrics(false) : {}) }));
  if (model.includes('amazon.nova'))
    return [
      { messageStart: { role: 'assistant' } },
      ...BEDROCK_CHUNKS.map((text) => ({ contentBlockDelta: { delta: { text }, contentBlockIndex: 0 } })),
      { contentBlockStop: { contentBlockIndex: 0 } },
      { messageStop: { stopReason: 'end_turn' } },
      { metadata: { usage: { inputTokens: U.input, outputTokens: U.output, cacheReadInputTokenCount: U.cacheRead, cacheWriteInputTokenCount: U.cacheWrite } }, ...invocationMetrics(true) },
    ];
  return BEDROCK_CHUNKS.map((text, i) => ({ outputs: [{ text, stop_reason: i === n - 1 ? 'stop' : null }], ...(i === n - 1 ? invocationMetrics(false) : {}) }));
}

async function bedrock(res, model, action) {
  const ctl = control(model);
  if (ctl.status) {
    const type = BEDROCK_ERRORS[ctl.status] ?? 'InternalServerException';
    const body = JSON.stringify({ message: `fake ${ctl.status}` });
    res.writeHead(ctl.status, { 'content-type': 'application/json', 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, 'x-amzn-requestid': 'req-fake', 'content-length': Buffer.byteLength(body) });
    return res.end(body);
  }
  const usage = { inputTokens: U.input, outputTokens: U.output, totalTokens: U.input + U.output + U.cacheRead + U.cacheWrite, cacheReadInputTokens: U.cacheRead, cacheWriteInputTokens: U.cacheWrite };
  switch (action) {
    case 'converse':
      if (ctl.delay) await sleep(ctl.delay);
      return json(res, 200, { output: { message: { role: 'assistant', content: [{ text: TEXT }] } }, stopReason: 'end_turn', usage, metrics: { latencyMs: 50 } });
    case 'invoke': {
      if (ctl.delay) await sleep(ctl.delay);
      const body = JSON.stringify(invokeBody(model));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-amzn-bedrock-input-token-count': String(U.input), 'x-amzn-bedrock-output-token-count': String(U.output) });
      return res.end(body);
    }
    case 'converse-stream':
    case 'invoke-with-response-stream': {
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'req-fake' });
      if (ctl.delay) await sleep(ctl.delay);
      const frames =
        action === 'converse-stream'
          ? [
              eventFrame('messageStart', { role: 'assistant' }),
              ...BEDROCK_CHUNKS.map((text) => eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text } })),
              eventFrame('contentBlockStop', { contentBlockIndex: 0 }),
              eventFrame('messageStop', { stopReason: 'end_turn' }),
              eventFrame('metadata', { usage, metrics: { latencyMs: 50 } }),
            ]
          : invokeChunks(model).map(chunkFrame);
      for (const f of frames) {
        res.write(f);
        await sleep(5);
      }
      return res.end();
    }
    default:
      return json(res, 404, { message: `no action ${action}` });
  }
}

/**
 * Handles a request the OpenAI/Anthropic routes did not; returns false when no provider
 * route matches.
 */
export async function routeProviders(req, res, path, body) {
  const g = /\/models\/([^/:]+):([A-Za-z]+)$/.exec(path);
  if (g && req.method === 'POST') {
    await gemini(res, decodeURIComponent(g[1]), g[2], body, req.url ?? '');
    return true;
  }
  const b = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/.exec(path);
  if (b && req.method === 'POST') {
    await bedrock(res, decodeURIComponent(b[1]), b[2]);
    return true;
  }
  return false;
}

/**
 * The same request handler on a cleartext HTTP/2 (h2c, prior knowledge) server: the AWS SDK's
 * Bedrock Runtime client talks HTTP/2 by default (NodeHttp2Handler).
 */
export async function startH2cTwin(handler) {
  const { createServer } = await import('node:http2');
  const sessions = new Set();
  const server = createServer(handler);
  server.on('session', (s) => {
    sessions.add(s);
    s.once('close', () => sessions.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
}
