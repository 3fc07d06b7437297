/**
 * The `--import` preload's one in-thread ESM loader hook (issue 18).
 *
 * It registers, through `module.registerHooks`, one hook that does two things:
 * - tells the lazy enabling (lazy.ts) of every ESM resolution first, so an
 *   instrumentation is turned on before its library is resolved, outside
 *   import-in-the-middle's resolve (inside it, import-in-the-middle fails to wrap the
 *   module: the Agents SDK's ESM end-to-end test caught that);
 * - loads import-in-the-middle's loader hook (with es-module-lexer, cjs-module-lexer and
 *   acorn: ~30 ms) only when an import (not a `require`, which require-in-the-middle
 *   covers) first resolves into a package an enabled instrumentation wraps, configured as
 *   its own `register-hooks.mjs` would be, and hands it this and every later resolution
 *   and load. Nothing before that first import needed wrapping, so nothing is missed; a
 *   process that never imports such a package never loads import-in-the-middle.
 * The preload registers it after agentmeter's own modules have loaded, so they do not go
 * through it.
 */
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { report } from '@agentmeter/api';
import { esmResolutionsFed, esmResolving, packageOf } from './lazy';

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

/**
 * Whether import-in-the-middle can run in-thread through `module.registerHooks` on this
 * Node: the thresholds of its `supportsSyncHooks()` (import-in-the-middle 3.x; the fix
 * is nodejs/node#59929: >= 22.22.3, >= 24.11.1, >= 25.1.0, 26+), checked here without
 * loading it (test/esm-hook.test.mjs compares the two).
 */
export function syncHooksSupported(version: string = process.versions.node): boolean {
  const [major, minor, patch] = version.split('.').map((n) => parseInt(n, 10));
  if (major >= 26) return true;
  if (major === 25) return minor >= 1;
  if (major === 24) return minor > 11 || (minor === 11 && patch >= 1);
  if (major === 22) return minor > 22 || (minor === 22 && patch >= 3);
  return false;
}

/** import-in-the-middle's directory: the copy @opentelemetry/instrumentation uses. */
function iitmDir(): string {
  return dirname(require.resolve('import-in-the-middle/package.json', { paths: [require.resolve('@opentelemetry/instrumentation')] }));
}

let registered = false;

/**
 * Before start(): the lazy enabling is to expect ESM resolutions from this hook (the
 * preload registers it right after start()).
 */
export function feedEsmResolutions(): void {
  esmResolutionsFed();
}

/**
 * Register the hook for `include` (import-in-the-middle's include list). Needs
 * `module.registerHooks` and syncHooksSupported().
 */
export function registerLazyIitmHook(include: Array<string | RegExp>): void {
  if (registered) return;
  registered = true;
  const wanted = includeMatcher(include);
  let hook: IitmHook | undefined;
  let failed = false;
  const loadHook = (): IitmHook | undefined => {
    try {
      // require(esm): create-hook.mjs has no top-level await; loaded in this thread, at once
      const dir = iitmDir();
      const { createHook } = require(join(dir, 'create-hook.mjs')) as { createHook: (meta: { url: string }) => IitmHook };
      const h = createHook({ url: pathToFileURL(join(dir, 'register-hooks.mjs')).href });
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
      esmResolving(specifier, context.parentURL);
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
