import { report } from '@agentmeter/api';
import { GenAiInstrumentation, observeAsyncIterable, type GenAiModule } from '@agentmeter/instrumentation-genai-client';
import { classifyError, runRecordedGenAiCall, type LlmAdapter, type LlmCallAttributes, type LlmUsage, type LlmUsageAccumulator } from '@agentmeter/llm';
import { LlmStreamObserver, nowSeconds } from '@agentmeter/llm/internal';
import { ERROR_TYPE_VALUES as ERR, GEN_AI_OPERATION_NAME_VALUES as OP, GEN_AI_PROVIDER_NAME_VALUES as PROVIDER } from '@agentmeter/semconv';
import type { BedrockInstrumentationConfig } from './types';
import type { CommandKind, CommandLike, CommandName, SendMethod } from './internal-types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import { MODULE_NAME, SUPPORTED_VERSIONS } from './module';

/** Own property of the patched `BedrockRuntimeClient.prototype` holding the original `send` (the once-only guard). */
const PATCHED = Symbol.for('agentmeter.instrumentation-aws-bedrock.patched');

const COMMANDS: readonly CommandKind[] = [
  { name: 'ConverseCommand', stream: false, converse: true },
  { name: 'ConverseStreamCommand', stream: true, converse: true },
  { name: 'InvokeModelCommand', stream: false, converse: false },
  { name: 'InvokeModelWithResponseStreamCommand', stream: true, converse: false },
];

/** Bedrock error classes → error.type (the AWS SDK's errors carry no `status`, only `$metadata.httpStatusCode`). */
const ERROR_TYPES: Readonly<Record<string, string>> = {
  ThrottlingException: ERR.RATE_LIMIT,
  ServiceQuotaExceededException: ERR.RATE_LIMIT,
  TooManyRequestsException: ERR.RATE_LIMIT,
  ModelTimeoutException: ERR.TIMEOUT,
  RequestTimeout: ERR.TIMEOUT,
  AccessDeniedException: ERR.AUTHENTICATION,
  UnrecognizedClientException: ERR.AUTHENTICATION,
  ExpiredTokenException: ERR.AUTHENTICATION,
  InvalidSignatureException: ERR.AUTHENTICATION,
  ValidationException: ERR.INVALID_REQUEST,
  ResourceNotFoundException: ERR.INVALID_REQUEST,
  ConflictException: ERR.INVALID_REQUEST,
  InternalServerException: ERR.SERVER_ERROR,
  ServiceUnavailableException: ERR.SERVER_ERROR,
  ModelErrorException: ERR.SERVER_ERROR,
  ModelNotReadyException: ERR.SERVER_ERROR,
  ModelStreamErrorException: ERR.SERVER_ERROR,
};

/** Largest InvokeModel request/response body parsed for the operation name and usage. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
const text = (v: unknown): boolean => typeof v === 'string' && v.length > 0;

function sum(...vs: (number | undefined)[]): number | undefined {
  let t: number | undefined;
  for (const v of vs) if (v !== undefined) t = (t ?? 0) + v;
  return t;
}

/** `arn:aws:bedrock:us-east-1:123:inference-profile/us.anthropic.claude-...` → `us.anthropic.claude-...`. */
function modelName(id: unknown): string | undefined {
  if (typeof id !== 'string' || id === '') return undefined;
  return id.startsWith('arn:') ? id.slice(id.lastIndexOf('/') + 1) : id;
}

/** error.type of a Bedrock failure: its exception class, else its HTTP status, else the generic classification. */
export function bedrockErrorType(error: unknown): string {
  try {
    const name = isObj(error) ? error.name : undefined;
    if (typeof name === 'string' && ERROR_TYPES[name]) return ERROR_TYPES[name] as string;
    const status = isObj(error) && isObj(error.$metadata) ? num(error.$metadata.httpStatusCode) : undefined;
    if (status !== undefined && status >= 400) return classifyError(String(status));
  } catch {
    // hostile getters
  }
  return classifyError(error);
}

function parseJson(body: unknown): unknown {
  try {
    if (typeof body === 'string') return body.length <= MAX_BODY_BYTES ? JSON.parse(body) : undefined;
    if (body instanceof Uint8Array) return body.byteLength <= MAX_BODY_BYTES ? JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')) : undefined;
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Usage from a Bedrock body or event in any of the shapes the supported model families use,
 * normalised so that input tokens include cache reads and writes:
 * Converse / Nova (`usage.inputTokens` + `cacheRead/WriteInputToken(s|Count)`), Anthropic
 * (`usage.input_tokens` + `cache_read/creation_input_tokens`), OpenAI-style Mistral
 * (`usage.prompt_tokens`), Meta Llama (`prompt_token_count`), Amazon Titan
 * (`inputTextTokenCount`), and the `amazon-bedrock-invocationMetrics` of a stream's last chunk.
 */
export function bedrockUsage(body: unknown): LlmUsage | undefined {
  if (!isObj(body)) return undefined;
  const out: { -readonly [K in keyof LlmUsage]: LlmUsage[K] } = {};
  const metrics = body['amazon-bedrock-invocationMetrics'];
  const u = isObj(metrics) ? metrics : isObj(body.usage) ? body.usage : body;
  let base: number | undefined;
  let read: number | undefined;
  let write: number | undefined;
  let output: number | undefined;
  if (u === metrics) {
    base = num(u.inputTokenCount);
    output = num(u.outputTokenCount);
    read = num(u.cacheReadInputTokenCount);
    write = num(u.cacheWriteInputTokenCount);
  } else if (num(u.inputTokens) !== undefined || num(u.outputTokens) !== undefined) {
    base = num(u.inputTokens);
    output = num(u.outputTokens);
    read = num(u.cacheReadInputTokens) ?? num(u.cacheReadInputTokenCount);
    write = num(u.cacheWriteInputTokens) ?? num(u.cacheWriteInputTokenCount);
  } else if (num(u.input_tokens) !== undefined || num(u.output_tokens) !== undefined) {
    base = num(u.input_tokens);
    output = num(u.output_tokens);
    read = num(u.cache_read_input_tokens);
    write = num(u.cache_creation_input_tokens);
  } else if (num(u.prompt_tokens) !== undefined || num(u.completion_tokens) !== undefined) {
    base = num(u.prompt_tokens);
    output = num(u.completion_tokens);
  } else if (num(body.prompt_token_count) !== undefined || num(body.generation_token_count) !== undefined) {
    base = num(body.prompt_token_count);
    output = num(body.generation_token_count);
  } else if (num(body.inputTextTokenCount) !== undefined) {
    base = num(body.inputTextTokenCount);
    if (Array.isArray(body.results)) output = sum(...body.results.map((r) => (isObj(r) ? num(r.tokenCount) : undefined)));
  } else {
    return undefined;
  }
  const input = sum(base, read, write);
  if (input !== undefined) out.inputTokens = input;
  if (output !== undefined) out.outputTokens = output;
  if (read !== undefined) out.cacheReadTokens = read;
  if (write !== undefined) out.cacheWriteTokens = write;
  return out;
}

/** True when an InvokeModelWithResponseStream chunk (parsed) carries output, for every supported family. */
function invokeChunkHasOutput(c: unknown): boolean {
  if (!isObj(c)) return false;
  if (c.type === 'content_block_delta') return true; // Anthropic
  if (isObj(c.contentBlockDelta)) return true; // Amazon Nova
  if (text(c.generation) || text(c.outputText)) return true; // Meta Llama, Amazon Titan
  if (Array.isArray(c.outputs)) return c.outputs.some((o) => isObj(o) && text(o.text)); // Mistral (text)
  if (Array.isArray(c.choices)) return c.choices.some((o) => isObj(o) && ((isObj(o.delta) && text(o.delta.content)) || (isObj(o.message) && text(o.message.content)))); // Mistral (chat)
  return false;
}

/** Folds one parsed InvokeModel stream chunk's usage into `acc` (Anthropic events are cumulative per field). */
function foldInvokeChunk(c: unknown, acc: { usage?: LlmUsage; final?: LlmUsage }): void {
  if (!isObj(c)) return;
  if (isObj(c['amazon-bedrock-invocationMetrics'])) {
    acc.final = bedrockUsage(c);
    return;
  }
  if (c.type === 'message_start' && isObj(c.message)) acc.usage = bedrockUsage(c.message) ?? acc.usage;
  else if (c.type === 'message_delta' && isObj(c.usage)) {
    const out = num(c.usage.output_tokens);
    if (out !== undefined) acc.usage = { ...acc.usage, outputTokens: out };
  } else if (isObj(c.metadata)) acc.usage = bedrockUsage(c.metadata) ?? acc.usage; // Nova
  else {
    const u = bedrockUsage(c);
    if (u) acc.usage = u;
  }
}

function decodeChunk(event: unknown): unknown {
  const bytes = isObj(event) && isObj(event.chunk) ? event.chunk.bytes : undefined;
  return bytes instanceof Uint8Array ? parseJson(bytes) : undefined;
}

/** gen_ai.operation.name of an InvokeModel request, from the model id and the request body. */
function invokeOperation(modelId: string | undefined, body: unknown): string {
  if (modelId && /embed/i.test(modelId)) return OP.EMBEDDINGS;
  const b = parseJson(body);
  if (isObj(b)) {
    if (Array.isArray(b.messages)) return OP.CHAT;
    if (typeof b.prompt === 'string' || typeof b.inputText === 'string') return OP.TEXT_COMPLETION;
  }
  return OP.CHAT;
}

/** Sets the usage fields of a stream's accumulator to `u` (all of them: fields `u` lacks are cleared). */
function setUsage(acc: LlmUsageAccumulator, u: LlmUsage | undefined): void {
  acc.inputTokens = u?.inputTokens;
  acc.outputTokens = u?.outputTokens;
  acc.cacheReadTokens = u?.cacheReadTokens;
  acc.cacheWriteTokens = u?.cacheWriteTokens;
  acc.reasoningTokens = u?.reasoningTokens;
}

/** ConverseStream events: `contentBlockDelta` is output; `metadata.usage` has the totals. */
const converseStreamAdapter: LlmAdapter = {
  chunk(event, acc) {
    try {
      if (isObj(event) && isObj(event.contentBlockDelta)) return true;
      if (isObj(event) && isObj(event.metadata)) setUsage(acc, bedrockUsage(event.metadata.usage));
    } catch {
      // a malformed event never breaks the app's stream
    }
    return false;
  },
};

/** InvokeModelWithResponseStream events: each chunk's JSON, in the model family's shape; the invocation metrics of the last one win. */
const invokeStreamAdapter: LlmAdapter = {
  chunk(event, acc) {
    try {
      const folded = acc as LlmUsageAccumulator & { bedrock?: { usage?: LlmUsage; final?: LlmUsage } };
      const state = (folded.bedrock ??= {});
      const c = decodeChunk(event);
      foldInvokeChunk(c, state);
      setUsage(acc, state.final ?? state.usage);
      return invokeChunkHasOutput(c);
    } catch {
      return false; // a malformed event never breaks the app's stream
    }
  },
};

const MODULE: GenAiModule = { moduleName: MODULE_NAME, supportedVersions: SUPPORTED_VERSIONS };

/**
 * Zero-code metrics for the AWS SDK v3 Bedrock Runtime client (CommonJS and ESM, patched
 * once): Converse, ConverseStream, InvokeModel and InvokeModelWithResponseStream, sent by
 * `BedrockRuntimeClient.send` or the `BedrockRuntime` aggregated client. Provider
 * `aws.bedrock`; tokens include cache reads and writes; TTFT and time per output chunk for
 * streams; `error.type` from Bedrock's exception classes (ThrottlingException → rate_limit,
 * ...). The client's responses and streams pass through unchanged.
 */
export class BedrockInstrumentation extends GenAiInstrumentation<BedrockInstrumentationConfig> {
  constructor(config: BedrockInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected module(): GenAiModule {
    return MODULE;
  }

  protected patchExports(moduleExports: unknown): void {
    try {
      const m = moduleExports as Record<string, unknown> | undefined;
      const Client = m?.BedrockRuntimeClient as { prototype?: Record<string | symbol, unknown> } | undefined;
      const proto = Client?.prototype;
      if (!proto || typeof proto.send !== 'function') {
        report('AGENTMETER_INSTRUMENTATION_UNSUPPORTED', 'bedrock.exports', `${MODULE_NAME}: BedrockRuntimeClient not found; not instrumented`);
        return;
      }
      if (Object.prototype.hasOwnProperty.call(proto, PATCHED)) return;
      const classes = new Map<unknown, CommandKind>();
      for (const c of COMMANDS) if (typeof m?.[c.name] === 'function') classes.set(m[c.name], c);
      const original = proto.send as SendMethod;
      // own property: only Bedrock Runtime clients, not every AWS SDK client sharing smithy's Client.prototype.send
      const hadOwn = Object.prototype.hasOwnProperty.call(proto, 'send');
      Object.defineProperty(proto, PATCHED, { value: { send: original, hadOwn }, configurable: true });
      proto.send = this.wrapSend(original, classes);
    } catch (e) {
      report('AGENTMETER_INSTRUMENTATION_FAILED', 'bedrock.patch', `${MODULE_NAME}: patching failed: ${String(e)}`);
    }
  }

  protected unpatchExports(moduleExports: unknown): void {
    const proto = (moduleExports as { BedrockRuntimeClient?: { prototype?: Record<string | symbol, unknown> } } | undefined)?.BedrockRuntimeClient?.prototype;
    if (!proto || !Object.prototype.hasOwnProperty.call(proto, PATCHED)) return;
    const saved = proto[PATCHED] as { send: SendMethod; hadOwn: boolean };
    if (saved.hadOwn) proto.send = saved.send;
    else delete proto.send;
    delete proto[PATCHED];
  }

  private kindOf(command: unknown, classes: Map<unknown, CommandKind>): CommandKind | undefined {
    if (!isObj(command)) return undefined;
    const direct = classes.get(command.constructor);
    if (direct) return direct;
    // a command class from the other build (CommonJS vs ESM) of the same SDK: match by name
    const name = (command.constructor as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' ? COMMANDS.find((c) => c.name === (name as CommandName)) : undefined;
  }

  private wrapSend(original: SendMethod, classes: Map<unknown, CommandKind>): SendMethod {
    const inst = this;
    return function agentmeterBedrockSend(this: unknown, ...args: unknown[]): unknown {
      if (!inst.isEnabled()) return original.apply(this, args);
      let kind: CommandKind | undefined;
      let attrs: LlmCallAttributes | undefined;
      try {
        kind = inst.kindOf(args[0], classes);
        if (kind) {
          const input = (args[0] as CommandLike).input;
          const model = modelName(input?.modelId);
          attrs = { provider: PROVIDER.AWS_BEDROCK, requestModel: model, operation: kind.converse ? OP.CHAT : invokeOperation(model, input?.body) };
        }
      } catch {
        attrs = undefined;
      }
      if (!kind || !attrs) return original.apply(this, args);
      const k = kind;
      const a = attrs;
      const start = nowSeconds();
      const last = args[args.length - 1];
      if (typeof last === 'function') {
        // callback style: send(command, [options,] (err, data) => ...)
        args[args.length - 1] = function agentmeterBedrockCallback(this: unknown, err: unknown, data: unknown) {
          if (err) inst.recordError(a, start, err);
          else if (!k.stream) inst.recordResult(k, a, start, data);
          else inst.observeStream(k, a, start, data);
          return (last as (...x: unknown[]) => unknown).call(this, err, data);
        };
        return original.apply(this, args);
      }
      let result: unknown;
      try {
        result = runRecordedGenAiCall(() => original.apply(this, args));
      } catch (error) {
        inst.recordError(a, start, error);
        throw error;
      }
      if (!result || typeof (result as Promise<unknown>).then !== 'function') return result;
      return (result as Promise<unknown>).then(
        (value) => {
          if (k.stream) inst.observeStream(k, a, start, value);
          else inst.recordResult(k, a, start, value);
          return value;
        },
        (error: unknown) => {
          inst.recordError(a, start, error);
          throw error;
        },
      );
    };
  }

  private recordError(attrs: LlmCallAttributes, start: number, error: unknown): void {
    this.llm().record({ ...attrs, durationSeconds: nowSeconds() - start, error: bedrockErrorType(error) });
  }

  private recordResult(kind: CommandKind, attrs: LlmCallAttributes, start: number, value: unknown): void {
    try {
      const usage = kind.converse ? bedrockUsage(isObj(value) ? value.usage : undefined) : bedrockUsage(parseJson(isObj(value) ? value.body : undefined));
      this.llm().record({ ...attrs, ...usage, durationSeconds: nowSeconds() - start });
    } catch (e) {
      report('AGENTMETER_RECORD_FAILED', 'bedrock.record', `${MODULE_NAME}: recording failed: ${String(e)}`);
    }
  }

  /** Replaces the response's event stream (`stream` for ConverseStream, `body` for InvokeModelWithResponseStream) with an observed one yielding the same events. */
  private observeStream(kind: CommandKind, attrs: LlmCallAttributes, start: number, value: unknown): void {
    const key = kind.converse ? 'stream' : 'body';
    const source = isObj(value) ? value[key] : undefined;
    if (!source || typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') {
      this.llm().record({ ...attrs, durationSeconds: nowSeconds() - start });
      return;
    }
    const observer = new LlmStreamObserver(attrs, kind.converse ? converseStreamAdapter : invokeStreamAdapter, { recorder: this.llm(), startTime: start });
    (value as Obj)[key] = observeAsyncIterable(source as AsyncIterable<unknown>, observer, bedrockErrorType);
  }
}
