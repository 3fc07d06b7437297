/**
 * How a patched method is handled: `record` records the call; `mark` only runs the method
 * with the "already recorded" marker (helpers such as `messages.stream()` that call the
 * patched `create` themselves, so the call is recorded there, once).
 */
export type PatchMode = 'record' | 'mark';

/** One method to patch, on a resource class reached from the exported client class by `path`. */
export interface PatchTarget {
  readonly path: readonly string[];
  readonly method: string;
  /** gen_ai.operation.name */
  readonly operation: string;
  readonly mode: PatchMode;
}

