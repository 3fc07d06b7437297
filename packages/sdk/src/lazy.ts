/**
 * "Turn this on when that library is first loaded": the preloads enable an
 * instrumentation (and load its code: the package, @opentelemetry/instrumentation,
 * require-in-the-middle, ...) only when the app first requires or imports a library it
 * instruments, so a process pays start-up time only for what it uses (issue 18).
 *
 * CommonJS: one wrapper of `Module.prototype.require`, the layer require-in-the-middle
 * patches. When a require names a waiting package (by its specifier, or because the
 * requiring file lives in that package), the callbacks run first, then the require is
 * sent again through the top of the chain, so that the require-in-the-middle hook the
 * callback just installed sees this very load. ESM (where import-in-the-middle's loader
 * runs in-thread, through `module.registerHooks`): the `--import` preload's one hook
 * (esm-hook.ts) calls esmResolving() before each module resolves. A callback that throws
 * is reported, never thrown into the app.
 */
import Module from 'node:module';
import { report } from '@agentmeter/api';

interface Waiting {
  readonly modules: readonly string[];
  readonly callback: () => void;
}

const waiting = new Map<string, Set<Waiting>>();
type RequireFn = (this: NodeJS.Module, id: string) => unknown;
let origRequire: RequireFn | undefined;
let esmFed = false;

const NODE_MODULES = '/node_modules/';

/** The npm package a specifier or file path / URL belongs to, if any. */
export function packageOf(spec: string | undefined): string | undefined {
  if (typeof spec !== 'string' || spec.length === 0) return undefined;
  let s = spec;
  const c = s.charCodeAt(0);
  // relative, absolute, file: URLs and Windows paths: only a path inside node_modules names a package
  if (c === 46 /* . */ || c === 47 /* / */ || s.startsWith('file:') || s.includes('\\') || /^[A-Za-z]:/.test(s)) {
    s = s.replace(/\\/g, '/');
    const i = s.lastIndexOf(NODE_MODULES);
    if (i < 0) return undefined;
    s = s.slice(i + NODE_MODULES.length);
  } else if (s.startsWith('node:')) {
    return undefined;
  }
  const slash = s.indexOf('/');
  if (s.charCodeAt(0) === 64 /* @ */) {
    if (slash < 0) return undefined;
    const next = s.indexOf('/', slash + 1);
    return next < 0 ? s : s.slice(0, next);
  }
  return slash < 0 ? s : s.slice(0, slash);
}

/** Run (once) and forget every callback waiting for this package. True when one ran. */
function fire(pkg: string | undefined): boolean {
  if (pkg === undefined) return false;
  const found = waiting.get(pkg);
  if (!found) return false;
  const set = [...found]; // the loop below empties `found`
  for (const w of set) {
    for (const m of w.modules) {
      const s = waiting.get(m);
      s?.delete(w);
      if (s?.size === 0) waiting.delete(m);
    }
  }
  for (const w of set) {
    try {
      w.callback();
    } catch (err) {
      report('AGENTMETER_INSTRUMENTATION_FAILED', pkg, `enabling the instrumentation of ${pkg} failed: ${(err as Error).message}`);
    }
  }
  return true;
}

function agentmeterRequire(this: NodeJS.Module, id: string): unknown {
  // eslint-disable-next-line prefer-rest-params -- forwarded as is, whatever was passed
  const args = arguments as unknown as [string];
  if (waiting.size !== 0) {
    const before = Module.prototype.require;
    const fired = fire(packageOf(id)) || fire(packageOf(this?.filename));
    // a hook installed by the callbacks (require-in-the-middle) wraps the chain: send this load through it
    if (fired && Module.prototype.require !== before) return (Module.prototype.require as RequireFn).apply(this, args);
  }
  return (origRequire as RequireFn).apply(this, args);
}

function installRequireHook(): void {
  if (origRequire) return;
  origRequire = Module.prototype.require as RequireFn;
  Module.prototype.require = agentmeterRequire as NodeJS.Require;
}

/**
 * An ESM resolution about to happen: fire what waits for its package (or its importer's).
 * Called by the `--import` preload's one loader hook (esm-hook.ts) before
 * import-in-the-middle's resolve.
 */
export function esmResolving(specifier: string, parentURL: string | undefined): void {
  if (waiting.size !== 0 && !fire(packageOf(specifier))) fire(packageOf(parentURL));
}

/** The `--import` preload's hook (esm-hook.ts) will report every ESM resolution. */
export function esmResolutionsFed(): void {
  esmFed = true;
}

/**
 * Call `callback` once, when the first of `modules` (npm package names) is required, or
 * imported when `esm` is true. Returns a function that stops waiting. True `esm` without
 * the preload's ESM hook reporting resolutions (esmResolutionsFed): the caller should not
 * wait (returns undefined).
 */
export function onFirstLoad(modules: readonly string[], callback: () => void, { esm = false }: { esm?: boolean } = {}): (() => void) | undefined {
  if (esm && !esmFed) return undefined;
  installRequireHook();
  const w: Waiting = { modules, callback };
  for (const m of modules) {
    let set = waiting.get(m);
    if (!set) waiting.set(m, (set = new Set()));
    set.add(w);
  }
  return () => {
    for (const m of modules) {
      const s = waiting.get(m);
      s?.delete(w);
      if (s?.size === 0) waiting.delete(m);
    }
  };
}

/** Packages still waiting (tests, diagnostics). */
export function waitingFor(): string[] {
  return [...waiting.keys()];
}
