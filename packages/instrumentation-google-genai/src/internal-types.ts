/** One `Models.prototype` method to patch. */
export interface PatchTarget {
  readonly method: string;
  /** gen_ai.operation.name */
  readonly operation: string;
  readonly stream: boolean;
}

/** The slice of a `Models` instance the wrapper reads. */
export interface ModelsLike {
  readonly apiClient?: { isVertexAI?: () => unknown };
}

/** Gemini `usageMetadata` (GenerateContentResponseUsageMetadata). */
export interface UsageMetadata {
  readonly promptTokenCount?: number;
  readonly candidatesTokenCount?: number;
  readonly cachedContentTokenCount?: number;
  readonly thoughtsTokenCount?: number;
  readonly toolUsePromptTokenCount?: number;
}

export type ModelsMethod = (this: ModelsLike, ...args: unknown[]) => unknown;
