/**
 * Patching of official GenAI client SDKs (openai, @anthropic-ai/sdk): both expose their
 * resource classes as static properties of the exported client class
 * (`OpenAI.Chat.Completions`, `Anthropic.Messages`), so an instrumentation names each
 * method by a path from that class. Shared by the instrumentation packages.
 */

/** A method of a client SDK, as `this`-taking function. */
export type ClientMethod = (this: unknown, ...args: unknown[]) => unknown;

/** One method to patch: a resource class reached from the client class by `path`, and its method. */
export interface ClientPatchTarget {
  readonly path: readonly string[];
  readonly method: string;
}

type Proto = Record<string | symbol, unknown>;

/**
 * The client class in a module's exports (CommonJS `module.exports`, or an ESM namespace
 * with `default`): the export named `exportName`, or the default export, recognised by
 * its static `marker` property (e.g. `Chat` for OpenAI, `Messages` for Anthropic).
 */
export function findClientClass(moduleExports: unknown, exportName: string, marker: string): Record<string, unknown> | undefined {
  const m = moduleExports as Record<string, unknown> | undefined;
  if (!m) return undefined;
  const candidates = [m[exportName], (m.default as Record<string, unknown> | undefined)?.[exportName], m.default, m];
  for (const c of candidates) {
    if (typeof c === 'function' && (c as unknown as Record<string, unknown>)[marker]) return c as unknown as Record<string, unknown>;
  }
  return undefined;
}

function resolvePrototype(client: Record<string, unknown>, path: readonly string[]): Proto | undefined {
  let c: unknown = client;
  for (const p of path) {
    c = (c as Record<string, unknown> | undefined)?.[p];
    if (typeof c !== 'function') return undefined;
  }
  return (c as { prototype?: Proto }).prototype;
}

/**
 * Replace each target method with `wrap(original, target)`, once per prototype: the
 * originals are kept in an own, non-enumerable property named `guard` on the prototype,
 * so a second patch of the same build (CommonJS and ESM builds are separate classes) is
 * a no-op. Targets missing from this SDK version are skipped.
 */
export function patchClientPrototypes<T extends ClientPatchTarget>(
  client: Record<string, unknown>,
  targets: readonly T[],
  guard: symbol,
  wrap: (original: ClientMethod, target: T) => ClientMethod,
): void {
  for (const target of targets) {
    const proto = resolvePrototype(client, target.path);
    if (!proto || typeof proto[target.method] !== 'function') continue;
    let originals = Object.prototype.hasOwnProperty.call(proto, guard) ? (proto[guard] as Record<string, ClientMethod>) : undefined;
    if (originals?.[target.method]) continue; // already patched (once per build)
    if (!originals) {
      originals = {};
      Object.defineProperty(proto, guard, { value: originals, enumerable: false, configurable: true });
    }
    const original = proto[target.method] as ClientMethod;
    originals[target.method] = original;
    proto[target.method] = wrap(original, target);
  }
}

/** Put back the originals that patchClientPrototypes kept under `guard`. */
export function unpatchClientPrototypes(client: Record<string, unknown>, targets: readonly ClientPatchTarget[], guard: symbol): void {
  for (const target of targets) {
    const proto = resolvePrototype(client, target.path);
    if (!proto || !Object.prototype.hasOwnProperty.call(proto, guard)) continue;
    const originals = proto[guard] as Record<string, ClientMethod>;
    const original = originals[target.method];
    if (original) {
      proto[target.method] = original;
      delete originals[target.method];
    }
  }
}
