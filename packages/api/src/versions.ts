import { report } from './diagnostics';

function parse(v: string): [number, number, number] | undefined {
  const m = /^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

function cmp(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) - (b[i] as number);
  return 0;
}

/**
 * True when `version` satisfies `range`, a space-separated list of comparators
 * (`>=7.0.0 <8`, `>=0.1 <1`; operators `>=`, `>`, `<=`, `<`, `=`), all of which must hold.
 * Prerelease tags are ignored. An unparsable version or range gives false.
 */
export function versionInRange(version: string, range: string): boolean {
  const v = parse(version);
  if (!v) return false;
  const parts = range.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return false;
  for (const part of parts) {
    const m = /^(>=|<=|>|<|=)?(.+)$/.exec(part);
    const bound = m ? parse(m[2] as string) : undefined;
    if (!m || !bound) return false;
    const c = cmp(v, bound);
    const op = m[1] ?? '=';
    const ok = op === '>=' ? c >= 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : op === '<' ? c < 0 : c === 0;
    if (!ok) return false;
  }
  return true;
}

/**
 * Reports once (as an `AGENTMETER_UNSUPPORTED_VERSION` diagnostic, which is also a process
 * warning) when a loaded library's version is outside the range an instrumentation
 * supports. Returns whether the version is supported. Never throws.
 */
export function checkSupportedVersion(packageName: string, version: unknown, range: string, consequence = 'it may not be measured correctly'): boolean {
  try {
    if (typeof version === 'string' && versionInRange(version, range)) return true;
    report(
      'AGENTMETER_UNSUPPORTED_VERSION',
      `${packageName}@${String(version)}`,
      `${packageName} ${typeof version === 'string' ? version : '(unknown version)'} is outside the supported range ${range}; ${consequence}`,
    );
  } catch {
    // never break the app
  }
  return false;
}
