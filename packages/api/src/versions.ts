import { report } from './diagnostics';

function parse(v: string): [number, number, number] | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
  return 0;
}

/**
 * True when `version` satisfies `range`: `||`-separated alternatives of space-separated
 * comparators `>=`, `>`, `<=`, `<`, `=` on `x.y.z` versions, e.g. `>=1.0.0 <2` (no `^`, `~`
 * or `x`). Prerelease tags are ignored (`3.0.0-rc.1` counts as `3.0.0`).
 */
export function satisfiesRange(version: string, range: string): boolean {
  const v = parse(version);
  if (!v) return false;
  return range.split('||').some((alt) =>
    alt
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .every((c) => {
        const m = /^(>=|<=|>|<|=)?(.+)$/.exec(c);
        const bound = m ? parse(m[2] as string) : undefined;
        if (!m || !bound) return false;
        const r = compare(v, bound);
        switch (m[1]) {
          case '>=': return r >= 0;
          case '<=': return r <= 0;
          case '>': return r > 0;
          case '<': return r < 0;
          default: return r === 0;
        }
      }),
  );
}

/**
 * Checks a loaded library's version against an instrumentation's declared supported range.
 * Outside it (or unknown): one process warning naming the package, the version and the
 * range (code `AGENTMETER_UNSUPPORTED_VERSION`), and false: the caller leaves it unpatched.
 */
export function checkSupportedVersion(packageName: string, version: string | undefined, range: string): boolean {
  if (typeof version === 'string' && satisfiesRange(version, range)) return true;
  report('AGENTMETER_UNSUPPORTED_VERSION', `${packageName}@${String(version)}`, `${packageName} ${String(version)} is outside the supported range ${range}; not instrumented`);
  return false;
}
