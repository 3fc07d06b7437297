/** How a patched method is recorded. */
export type CallKind = 'llm' | 'text_to_speech' | 'speech_to_text';

/** One method to patch: a resource class reached from the exported client class by `path`. */
export interface PatchTarget {
  /** Static properties from the client class to the resource class, e.g. ['Chat', 'Completions']. */
  readonly path: readonly string[];
  readonly method: string;
  /** gen_ai.operation.name */
  readonly operation: string;
  readonly kind: CallKind;
}


/** The slice of a Stainless resource instance the wrapper reads. */
export interface ResourceLike {
  readonly _client?: { readonly baseURL?: unknown; readonly constructor?: { readonly name?: unknown } };
}
