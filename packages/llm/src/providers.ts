/**
 * Provider ids of AI frameworks (the Vercel AI SDK's `model.provider`, e.g. `openai.responses`,
 * `anthropic.messages`, `google.generative-ai`) mapped to the OpenTelemetry GenAI
 * `gen_ai.provider.name` well-known values. One table, shared by the AI SDK instrumentation
 * and `GenAiSpanMetricsProcessor`.
 */

/** AI SDK provider id prefix (the part before the first `.`) -> gen_ai.provider.name. */
export const AI_SDK_PROVIDER_NAMES: Readonly<Record<string, string>> = Object.freeze({
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'gcp.gemini',
  'google-vertex': 'gcp.vertex_ai',
  vertex: 'gcp.vertex_ai',
  'amazon-bedrock': 'aws.bedrock',
  bedrock: 'aws.bedrock',
  azure: 'azure.ai.openai',
  'azure-openai': 'azure.ai.openai',
  mistral: 'mistral_ai',
  groq: 'groq',
  xai: 'x_ai',
  deepseek: 'deepseek',
  cohere: 'cohere',
  perplexity: 'perplexity',
  'ibm-watsonx': 'ibm.watsonx.ai',
  // LangChain ls_provider values
  google_genai: 'gcp.gemini',
  google_vertexai: 'gcp.vertex_ai',
  amazon_bedrock: 'aws.bedrock',
  azure_openai: 'azure.ai.openai',
  mistralai: 'mistral_ai',
});

/** Values that already are well-known gen_ai.provider.name values pass through unchanged. */
const WELL_KNOWN = new Set<string>(Object.values(AI_SDK_PROVIDER_NAMES).concat(['azure.ai.inference', 'gcp.gen_ai']));

const cache = new Map<string, string>();
const MAX_CACHE = 1024;

/**
 * The gen_ai.provider.name for a framework's provider id: `openai.responses` -> `openai`,
 * `anthropic.messages` -> `anthropic`, `google.generative-ai` -> `gcp.gemini`,
 * `vertex.anthropic` / `google.vertex.chat` -> `gcp.vertex_ai`, `amazon-bedrock` ->
 * `aws.bedrock`, `azure.responses` -> `azure.ai.openai`, `mistral.chat` -> `mistral_ai`,
 * `xai.chat` -> `x_ai`, ... A well-known value passes through; an unknown id passes through
 * sanitised (lower case, characters other than `[a-z0-9._-]` replaced by `_`, at most 64
 * characters). Empty or non-string input gives `_OTHER`.
 */
export function normalizeProviderName(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0) return '_OTHER';
  const hit = cache.get(id);
  if (hit !== undefined) return hit;
  const lower = id.toLowerCase();
  let out: string;
  if (WELL_KNOWN.has(lower)) out = lower;
  else {
    const parts = lower.split('.');
    const head = parts[0] as string;
    // google.vertex.* is Vertex AI, not the Gemini API
    if (head === 'google' && parts[1] === 'vertex') out = 'gcp.vertex_ai';
    else out = AI_SDK_PROVIDER_NAMES[head] ?? (lower.replace(/[^a-z0-9._-]/g, '_').slice(0, 64) || '_OTHER');
  }
  if (cache.size < MAX_CACHE) cache.set(id, out);
  return out;
}
