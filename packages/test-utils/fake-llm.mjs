// A small fake LLM server on 127.0.0.1 speaking enough of the OpenAI and Anthropic HTTP
// APIs for the real `openai` and `@anthropic-ai/sdk` clients (baseURL pointed at it), and
// of Google Gen AI and AWS Bedrock Runtime (fake-llm-providers.mjs).
//
//   const llm = await startFakeLlm();
//   const openai = new OpenAI({ apiKey: 'k', baseURL: llm.url + '/v1', maxRetries: 0 });
//   const anthropic = new Anthropic({ apiKey: 'k', baseURL: llm.url, maxRetries: 0 });
//   ...
//   await llm.close();
//
// Control by model name (or header):
//   model contains "rate-limit"   -> HTTP 429          (header x-fake-status: 429 also works)
//   model contains "server-error" -> HTTP 500          (x-fake-status: 500)
//   model contains "bad-request"  -> HTTP 400
//   model contains "slow"         -> first chunk / response delayed SLOW_MS (x-fake-delay-ms: N)
//   model contains "reasoning"    -> OpenAI chat / Responses usage with cached and reasoning token details (REASONING_USAGE)
// Transcriptions: an audio file whose bytes start with "say:" is transcribed as the text after it.
// Error responses carry `x-should-retry: false` so clients do not retry.
//
// Deterministic usage (exported as USAGE): see below.
import { createServer } from 'node:http';
import { routeProviders, startH2cTwin } from './fake-llm-providers.mjs';

export const SLOW_MS = 200;
export const USAGE = Object.freeze({
  chat: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18, prompt_tokens_details: { cached_tokens: 3 } },
  responses: { input_tokens: 13, output_tokens: 5, total_tokens: 18, input_tokens_details: { cached_tokens: 2 }, output_tokens_details: { reasoning_tokens: 0 } },
  embeddings: { prompt_tokens: 4, total_tokens: 4 },
  images: { input_tokens: 9, output_tokens: 100, total_tokens: 109, input_tokens_details: { text_tokens: 9, image_tokens: 0 } },
  transcriptionDuration: { type: 'duration', seconds: 4.5 },
  transcriptionTokens: { type: 'tokens', input_tokens: 20, output_tokens: 5, total_tokens: 25 },
  anthropic: { input_tokens: 10, cache_creation_input_tokens: 5, cache_read_input_tokens: 20, output_tokens: 8 },
});
/** Usage of OpenAI models whose name contains "reasoning": prompt-cache hits and reasoning tokens. */
export const REASONING_USAGE = Object.freeze({
  chat: { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 192, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } },
  responses: { input_tokens: 2048, output_tokens: 400, total_tokens: 2448, input_tokens_details: { cached_tokens: 1536 }, output_tokens_details: { reasoning_tokens: 256 } },
});
const chatUsage = (ctl) => (ctl.model.includes('reasoning') ? REASONING_USAGE.chat : USAGE.chat);
const responsesUsage = (ctl) => (ctl.model.includes('reasoning') ? REASONING_USAGE.responses : USAGE.responses);
/** gen_ai.response.model the server answers for a request model. */
export const responseModelFor = (model) => `${model}-2025-01-01`;
export const COMPLETION_CHUNKS = Object.freeze(['Hel', 'lo', ' there', '!']);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function parseBody(req, buf) {
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    try {
      return JSON.parse(buf.toString('utf8') || '{}');
    } catch {
      return {};
    }
  }
  if (type.includes('multipart/form-data')) {
    // crude multipart field extraction (text fields only)
    const text = buf.toString('latin1');
    const out = {};
    const re = /name="([^"]+)"\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/g;
    let m;
    while ((m = re.exec(text))) if (m[1] !== 'file') out[m[1]] = m[2];
    return out;
  }
  return {};
}

function controlFor(req, body) {
  const model = typeof body.model === 'string' ? body.model : '';
  let status = Number(req.headers['x-fake-status'] ?? 0) || 0;
  if (!status && model.includes('rate-limit')) status = 429;
  if (!status && model.includes('server-error')) status = 500;
  if (!status && model.includes('bad-request')) status = 400;
  let delay = Number(req.headers['x-fake-delay-ms'] ?? 0) || 0;
  if (!delay && model.includes('slow')) delay = SLOW_MS;
  return { model, status, delay };
}

function sendJson(res, status, obj, headers = {}) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': 'req_fake', ...headers });
  res.end(body);
}

function sendError(res, status, anthropic) {
  const headers = { 'x-should-retry': 'false', 'retry-after': '0' };
  if (anthropic) {
    const type = status === 429 ? 'rate_limit_error' : status === 400 ? 'invalid_request_error' : 'api_error';
    sendJson(res, status, { type: 'error', error: { type, message: `fake ${status}` } }, headers);
  } else {
    const type = status === 429 ? 'rate_limit_exceeded' : status === 400 ? 'invalid_request_error' : 'server_error';
    sendJson(res, status, { error: { message: `fake ${status}`, type, code: type } }, headers);
  }
}

function startSse(res) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': 'req_fake' });
}
const sse = (res, data, event) => res.write((event ? `event: ${event}\n` : '') + `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);

async function openaiChat(res, body, ctl) {
  const model = responseModelFor(ctl.model);
  const id = 'chatcmpl-fake';
  const created = 1700000000;
  if (!body.stream) {
    if (ctl.delay) await sleep(ctl.delay);
    return sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: COMPLETION_CHUNKS.join(''), refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: chatUsage(ctl),
    });
  }
  startSse(res);
  if (ctl.delay) await sleep(ctl.delay);
  const chunk = (delta, finish = null) => ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }], usage: null });
  sse(res, chunk({ role: 'assistant', content: '' }));
  for (const c of COMPLETION_CHUNKS) {
    sse(res, chunk({ content: c }));
    await sleep(5);
  }
  sse(res, chunk({}, 'stop'));
  if (body.stream_options?.include_usage) sse(res, { id, object: 'chat.completion.chunk', created, model, choices: [], usage: chatUsage(ctl) });
  sse(res, '[DONE]');
  res.end();
}

async function openaiResponses(res, body, ctl) {
  const model = responseModelFor(ctl.model);
  const text = COMPLETION_CHUNKS.join('');
  const response = (status, usage) => ({
    id: 'resp_fake',
    object: 'response',
    created_at: 1700000000,
    status,
    model,
    output: status === 'completed' ? [{ type: 'message', id: 'msg_fake', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] }] : [],
    usage,
  });
  if (!body.stream) {
    if (ctl.delay) await sleep(ctl.delay);
    return sendJson(res, 200, response('completed', responsesUsage(ctl)));
  }
  startSse(res);
  if (ctl.delay) await sleep(ctl.delay);
  let seq = 0;
  sse(res, { type: 'response.created', sequence_number: seq++, response: response('in_progress', null) }, 'response.created');
  for (const c of COMPLETION_CHUNKS) {
    sse(res, { type: 'response.output_text.delta', sequence_number: seq++, item_id: 'msg_fake', output_index: 0, content_index: 0, delta: c }, 'response.output_text.delta');
    await sleep(5);
  }
  sse(res, { type: 'response.completed', sequence_number: seq++, response: response('completed', responsesUsage(ctl)) }, 'response.completed');
  res.end();
}

function openaiEmbeddings(res, body, ctl) {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const vec = [0.1, 0.2, 0.3];
  const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vec).buffer).toString('base64') : vec;
  sendJson(res, 200, { object: 'list', model: responseModelFor(ctl.model), data: inputs.map((_, index) => ({ object: 'embedding', index, embedding })), usage: USAGE.embeddings });
}

function openaiSpeech(res) {
  const audio = Buffer.alloc(1024, 7);
  res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': audio.length });
  res.end(audio);
}

function openaiTranscription(res, body, ctl, raw) {
  const tokenBilled = ctl.model.includes('gpt-4o');
  // audio whose bytes start with "say:" is "transcribed" as the text after it (simulated speakers)
  const said = /filename="[^"]*"\r\n(?:[^\r\n]+\r\n)*\r\nsay:([^\r\n]{0,500})\r\n--/.exec(raw?.toString('latin1') ?? '')?.[1];
  const out = { text: said ?? 'hello world', usage: tokenBilled ? USAGE.transcriptionTokens : USAGE.transcriptionDuration };
  if (body.response_format === 'verbose_json') Object.assign(out, { language: 'english', duration: USAGE.transcriptionDuration.seconds, segments: [] });
  sendJson(res, 200, out);
}

function openaiImages(res) {
  sendJson(res, 200, { created: 1700000000, data: [{ b64_json: Buffer.from('png').toString('base64') }], usage: USAGE.images });
}

async function anthropicMessages(res, body, ctl) {
  const model = responseModelFor(ctl.model);
  const message = (content, usage, stop) => ({ id: 'msg_fake', type: 'message', role: 'assistant', model, content, stop_reason: stop, stop_sequence: null, usage });
  if (!body.stream) {
    if (ctl.delay) await sleep(ctl.delay);
    return sendJson(res, 200, message([{ type: 'text', text: COMPLETION_CHUNKS.join('') }], USAGE.anthropic, 'end_turn'));
  }
  startSse(res);
  if (ctl.delay) await sleep(ctl.delay);
  const u = USAGE.anthropic;
  sse(res, { type: 'message_start', message: message([], { ...u, output_tokens: 1 }, null) }, 'message_start');
  sse(res, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start');
  sse(res, { type: 'ping' }, 'ping');
  for (const c of COMPLETION_CHUNKS) {
    sse(res, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: c } }, 'content_block_delta');
    await sleep(5);
  }
  sse(res, { type: 'content_block_stop', index: 0 }, 'content_block_stop');
  sse(res, { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: u.output_tokens } }, 'message_delta');
  sse(res, { type: 'message_stop' }, 'message_stop');
  res.end();
}

/**
 * Starts the fake server on 127.0.0.1 (ephemeral port).
 * @returns {Promise<{ url: string, h2url: string, port: number, requests: Array<{ method: string, path: string, model: string, stream: boolean }>, close(): Promise<void> }>}
 */
export async function startFakeLlm() {
  const requests = [];
  const server = createServer(async (req, res) => {
    try {
      const buf = await readBody(req);
      const body = parseBody(req, buf);
      const path = (req.url ?? '').split('?')[0];
      const ctl = controlFor(req, body);
      requests.push({ method: req.method, path, model: ctl.model, stream: body.stream === true || body.stream === 'true' });
      const anthropic = path === '/v1/messages';
      if (ctl.status) {
        if (ctl.delay) await sleep(ctl.delay);
        return sendError(res, ctl.status, anthropic);
      }
      if (ctl.model.startsWith('fw-') && (await frameworkRoute(path, res, body, ctl))) return;
      switch (path) {
        case '/v1/chat/completions':
          return await openaiChat(res, body, ctl);
        case '/v1/responses':
          return await openaiResponses(res, body, ctl);
        case '/v1/embeddings':
          return openaiEmbeddings(res, body, ctl);
        case '/v1/audio/speech':
          return openaiSpeech(res);
        case '/v1/audio/transcriptions':
          return openaiTranscription(res, body, ctl, buf);
        case '/v1/images/generations':
          return openaiImages(res);
        case '/v1/messages':
          return await anthropicMessages(res, body, ctl);
        default:
          if (await routeProviders(req, res, path, body, buf)) return;
          return sendJson(res, 404, { error: { message: `no route ${path}`, type: 'not_found' } });
      }
    } catch (e) {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(e) } });
      else res.destroy();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const h2 = await startH2cTwin(server.listeners('request')[0]);
  return {
    url: `http://127.0.0.1:${port}`,
    /** The same routes over cleartext HTTP/2 (the AWS SDK's Bedrock Runtime client). */
    h2url: h2.url,
    port,
    requests,
    close: () =>
      Promise.all([
        h2.close(),
        new Promise((resolve) => {
          server.closeAllConnections?.();
          server.close(() => resolve());
        }),
      ]).then(() => undefined),
  };
}

// ---------------------------------------------------------------------------------------
// Frameworks block (issue 14: AI SDK, LangChain, OpenAI Agents SDK). Models whose name
// starts with `fw-` are answered here, for /v1/responses and /v1/chat/completions:
//   - usage with cached and reasoning tokens (FW_USAGE);
//   - tool-call turns: when the request offers function tools and carries no tool result
//     yet, the answer is one call of a tool (FW_TOOL_INPUT as arguments): the first tool
//     whose name does not start with `transfer_to_`, or, when the model name contains
//     `handoff`, the first `transfer_to_*` tool (an Agents SDK handoff). A model name
//     containing `notool` always answers with text. Once a tool result is in the input,
//     the answer is text (COMPLETION_CHUNKS).
// JSON and SSE (stream: true) for both APIs; `slow` / error controls apply as above.
// ---------------------------------------------------------------------------------------
export const FW_USAGE = Object.freeze({
  responses: { input_tokens: 40, output_tokens: 12, total_tokens: 52, input_tokens_details: { cached_tokens: 16 }, output_tokens_details: { reasoning_tokens: 4 } },
  chat: { prompt_tokens: 30, completion_tokens: 9, total_tokens: 39, prompt_tokens_details: { cached_tokens: 8 }, completion_tokens_details: { reasoning_tokens: 3 } },
});
export const FW_TOOL_INPUT = Object.freeze({ city: 'Paris' });

function fwToolName(names, model) {
  if (model.includes('notool') || names.length === 0) return undefined;
  const handoff = model.includes('handoff');
  return names.find((n) => (handoff ? n.startsWith('transfer_to_') : !n.startsWith('transfer_to_')));
}

async function frameworkRoute(path, res, body, ctl) {
  if (path === '/v1/responses') {
    await fwResponses(res, body, ctl);
    return true;
  }
  if (path === '/v1/chat/completions') {
    await fwChat(res, body, ctl);
    return true;
  }
  return false;
}

async function fwResponses(res, body, ctl) {
  const model = responseModelFor(ctl.model);
  const input = Array.isArray(body.input) ? body.input : [];
  const answered = input.some((i) => i && i.type === 'function_call_output');
  const names = (Array.isArray(body.tools) ? body.tools : []).filter((t) => t && t.type === 'function' && typeof t.name === 'string').map((t) => t.name);
  const tool = answered ? undefined : fwToolName(names, ctl.model);
  const text = COMPLETION_CHUNKS.join('');
  const args = JSON.stringify(FW_TOOL_INPUT);
  const call = { type: 'function_call', id: 'fc_fake', call_id: 'call_fake_1', name: tool, arguments: args, status: 'completed' };
  const message = { type: 'message', id: 'msg_fake', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] };
  const response = (status, usage, output) => ({ id: 'resp_fake', object: 'response', created_at: 1700000000, status, model, output, usage, error: null, incomplete_details: null, parallel_tool_calls: true, tools: [], tool_choice: 'auto' });
  if (!body.stream) {
    if (ctl.delay) await sleep(ctl.delay);
    return sendJson(res, 200, response('completed', FW_USAGE.responses, [tool ? call : message]));
  }
  startSse(res);
  if (ctl.delay) await sleep(ctl.delay);
  let seq = 0;
  const ev = (type, fields) => sse(res, { type, sequence_number: seq++, ...fields }, type);
  ev('response.created', { response: response('in_progress', null, []) });
  if (tool) {
    ev('response.output_item.added', { output_index: 0, item: { ...call, arguments: '', status: 'in_progress' } });
    for (const part of [args.slice(0, 5), args.slice(5)]) {
      ev('response.function_call_arguments.delta', { item_id: 'fc_fake', output_index: 0, delta: part });
      await sleep(5);
    }
    ev('response.function_call_arguments.done', { item_id: 'fc_fake', output_index: 0, arguments: args });
    ev('response.output_item.done', { output_index: 0, item: call });
  } else {
    ev('response.output_item.added', { output_index: 0, item: { ...message, status: 'in_progress', content: [] } });
    ev('response.content_part.added', { item_id: 'msg_fake', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    for (const c of COMPLETION_CHUNKS) {
      ev('response.output_text.delta', { item_id: 'msg_fake', output_index: 0, content_index: 0, delta: c, logprobs: [] });
      await sleep(5);
    }
    ev('response.output_text.done', { item_id: 'msg_fake', output_index: 0, content_index: 0, text, logprobs: [] });
    ev('response.content_part.done', { item_id: 'msg_fake', output_index: 0, content_index: 0, part: { type: 'output_text', text, annotations: [] } });
    ev('response.output_item.done', { output_index: 0, item: message });
  }
  ev('response.completed', { response: response('completed', FW_USAGE.responses, [tool ? call : message]) });
  res.end();
}

async function fwChat(res, body, ctl) {
  const model = responseModelFor(ctl.model);
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const answered = messages.some((m) => m && m.role === 'tool');
  const names = (Array.isArray(body.tools) ? body.tools : []).filter((t) => t && t.type === 'function' && t.function && typeof t.function.name === 'string').map((t) => t.function.name);
  const tool = answered ? undefined : fwToolName(names, ctl.model);
  const args = JSON.stringify(FW_TOOL_INPUT);
  const id = 'chatcmpl-fw';
  const created = 1700000000;
  const toolCall = { id: 'call_fake_1', type: 'function', function: { name: tool, arguments: args } };
  if (!body.stream) {
    if (ctl.delay) await sleep(ctl.delay);
    const message = tool ? { role: 'assistant', content: null, tool_calls: [toolCall], refusal: null } : { role: 'assistant', content: COMPLETION_CHUNKS.join(''), refusal: null };
    return sendJson(res, 200, { id, object: 'chat.completion', created, model, choices: [{ index: 0, message, finish_reason: tool ? 'tool_calls' : 'stop', logprobs: null }], usage: FW_USAGE.chat });
  }
  startSse(res);
  if (ctl.delay) await sleep(ctl.delay);
  const chunk = (delta, finish = null) => ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }], usage: null });
  if (tool) {
    sse(res, chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_fake_1', type: 'function', function: { name: tool, arguments: '' } }] }));
    for (const part of [args.slice(0, 5), args.slice(5)]) {
      sse(res, chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }));
      await sleep(5);
    }
    sse(res, chunk({}, 'tool_calls'));
  } else {
    sse(res, chunk({ role: 'assistant', content: '' }));
    for (const c of COMPLETION_CHUNKS) {
      sse(res, chunk({ content: c }));
      await sleep(5);
    }
    sse(res, chunk({}, 'stop'));
  }
  if (body.stream_options?.include_usage) sse(res, { id, object: 'chat.completion.chunk', created, model, choices: [], usage: FW_USAGE.chat });
  sse(res, '[DONE]');
  res.end();
}
