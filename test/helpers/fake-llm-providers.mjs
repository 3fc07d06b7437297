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
  return false;
}
