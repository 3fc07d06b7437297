import { report } from './diagnostics';

// semver is read on the first check (a library being instrumented), not at start
type Satisfies = (version: string, range: string, options?: { includePrerelease?: boolean }) => boolean;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: semver is needed only when a library loads
const satisfies: Satisfies = (v, r, o) => (require('semver/functions/satisfies') as Satisfies)(v, r, o);
// eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
const valid = (v: string): string | null => (require('semver/functions/valid') as (v: string) => string | null)(v);

/**
 * Whether `version` of the npm package `moduleName` is in `range`, the range an
 * instrumentation declares (its package.json `agentmeter.instruments`, generated into its
 * version.ts). Outside the range the library is left unpatched and the user is told once
 * per version, as a process warning (code `AGENTMETER_UNSUPPORTED_VERSION`) naming the
 * package, its version and the supported range, never silently skipped. An unknown
 * version (a manual patch of an object with no package.json) is taken as supported.
 * Never throws.
 */
export function checkSupportedVersion(moduleName: string, version: unknown, range: string, consequence = 'it is not instrumented (no metrics from it)'): boolean {
  try {
    if (typeof version !== 'string' || valid(version) === null) return true;
    if (satisfies(version, range, { includePrerelease: true })) return true;
    report(
      'AGENTMETER_UNSUPPORTED_VERSION',
      `${moduleName}@${version}`,
      `${moduleName} ${version} is outside the supported range ${range}; ${consequence}. Use a version in the range, or report the version you need.`,
    );
    return false;
  } catch {
    return true;
  }
}

/** Whether `version` satisfies the semver `range` (prereleases included); false for an invalid version. */
export function satisfiesRange(version: string, range: string): boolean {
  try {
    return valid(version) !== null && satisfies(version, range, { includePrerelease: true });
  } catch {
    return false;
  }
}

/** Alias of {@link satisfiesRange}. */
export const versionInRange = satisfiesRange;

/** Alias of {@link satisfiesRange}. */
export const versionSatisfies = satisfiesRange;
