import { report } from './diagnostics';

function parse(v: string): [number, number, number] | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

function cmp(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * Whether `version` satisfies `range`: comparators (`>=`, `>`, `<=`, `<`, `=`) joined by
 * spaces (all must hold), alternatives joined by `||`. Pre-release tags are ignored.
 */
export function versionSatisfies(version: string, range: string): boolean {
  const v = parse(version);
  if (v === undefined) return false;
  return range.split('||').some((alt) =>
    alt
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .every((c) => {
        const m = /^(>=|<=|>|<|=)?(.+)$/.exec(c);
        const w = m ? parse(m[2]) : undefined;
        if (!m || w === undefined) return false;
        const d = cmp(v, w);
        switch (m[1]) {
          case '>=':
            return d >= 0;
          case '>':
            return d > 0;
          case '<=':
            return d <= 0;
          case '<':
            return d < 0;
          default:
            return d === 0;
        }
      }),
  );
}

/**
 * Check a loaded library's version against an instrumentation's declared range; outside
 * it, one warning (a process warning and an agentmeter diagnostic) naming the package,
 * the version and the range. Returns whether the version is supported.
 */
export function checkSupportedVersion(pkg: string, version: string | undefined, range: string): boolean {
  if (version === undefined || versionSatisfies(version, range)) return true;
  report('AGENTMETER_UNSUPPORTED_VERSION', `${pkg}@${version}`, `${pkg} ${version} is outside the supported range ${range}; instrumenting it anyway, some metrics may be missing`);
  return false;
}
