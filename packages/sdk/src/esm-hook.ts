/**
 * import-in-the-middle's synchronous ESM loader hook, loaded on first need (issue 18).
 *
 * The `--import` preload must register a loader hook before the app imports anything,
 * but import-in-the-middle's hook module (with es-module-lexer, cjs-module-lexer and
 * acorn) takes ~30 ms to load. So the preload registers this small hook instead, through
 * `module.registerHooks` (in-thread): it lets every resolution through until one resolves
 * (by `import`, not `require`, which require-in-the-middle covers) into a package an
 * enabled instrumentation wraps, then loads import-in-the-middle's hook, configured as
 * its own `register-hooks.mjs` would be, and hands it this and every later resolution
 * and load. Nothing before that first import needed wrapping, so nothing is missed; a
 * process that never imports such a package never loads import-in-the-middle.
 */
import Module from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { report } from '@agentmeter/api';
import { packageOf } from './lazy';

interface ResolveContext {
  conditions?: readonly string[];
  parentURL?: string;
}
interface ResolveResult {
  url: string;
  format?: string | null;
}
type NextResolve = (specifier: string, context?: ResolveContext) => ResolveResult;
type NextLoad = (url: string, context?: unknown) => unknown;
interface IitmHook {
  resolveSync(specifier: string, context: ResolveContext, next: NextResolve): ResolveResult;
  loadSync(url: string, context: unknown, next: NextLoad): unknown;
  applyOptions(options: { include: Array<string | RegExp> }): void;
}

/** Whether a resolved URL is in what `include` (package names, specifiers, patterns) asks to wrap. */
export function includeMatcher(include: ReadonlyArray<string | RegExp>): (url: string) => boolean {
  const packages = new Set<string>();
  const patterns: RegExp[] = [];
  for (const i of include) {
    if (i instanceof RegExp) patterns.push(i);
    else {
      const p = packageOf(i);
      if (p) packages.add(p);
    }
  }
  return (url) => {
    const p = packageOf(url);
    return (p !== undefined && packages.has(p)) || patterns.some((r) => r.test(url));
  };
}

let registered = false;

/**
 * Register the hook for `include` (import-in-the-middle's include list), with
 * import-in-the-middle's files in `iitmDir`. Needs `module.registerHooks` and a Node whose
 * synchronous hooks import-in-the-middle supports (its `supportsSyncHooks()`).
 */
export function registerLazyIitmHook(include: Array<string | RegExp>, iitmDir: string): void {
  if (registered) return;
  registered = true;
  const wanted = includeMatcher(include);
  let hook: IitmHook | undefined;
  let failed = false;
  const loadHook = (): IitmHook | undefined => {
    try {
      // require(esm): create-hook.mjs has no top-level await; loaded in this thread, at once
      const { createHook } = require(join(iitmDir, 'create-hook.mjs')) as { createHook: (meta: { url: string }) => IitmHook };
      const h = createHook({ url: pathToFileURL(join(iitmDir, 'register-hooks.mjs')).href });
      h.applyOptions({ include });
      return h;
    } catch (err) {
      failed = true;
      report('AGENTMETER_INSTRUMENTATION_FAILED', 'esm-loader', `import-in-the-middle's loader hook could not be loaded: ESM imports are not instrumented (${(err as Error).message})`);
      return undefined;
    }
  };
  const registerHooks = (Module as unknown as { registerHooks: (hooks: object) => unknown }).registerHooks;
  registerHooks({
    resolve(specifier: string, context: ResolveContext, next: NextResolve): ResolveResult {
      if (hook) return hook.resolveSync(specifier, context, next);
      const result = next(specifier, context);
      if (failed || context.conditions?.includes('require') || !wanted(result.url)) return result;
      hook = loadHook();
      return hook ? hook.resolveSync(specifier, context, next) : result;
    },
    load(url: string, context: unknown, next: NextLoad): unknown {
      return hook ? hook.loadSync(url, context, next) : next(url, context);
    },
  });
}
