/**
 * OpenIM release strings as the adapter's config and the fake take them: `3.7`, `3.8.0`,
 * `3.8.3`, and the hotfix builds of the `3.8.3-patch` branch (`3.8.3-patch.16`), which the
 * project tags on top of 3.8.3 (audit O-10). One parser for backend and fake, so both agree on
 * what a version string means.
 */

export interface OpenImVersion {
  major: number;
  minor: number;
  patch: number;
  /** N of a `-patch.N` hotfix build; 0 for the release itself. */
  hotfix: number;
}

const VERSION = /^(\d+)\.(\d+)(?:\.(\d+))?(?:-patch\.(\d+))?$/;

export function parseOpenImVersion(text: string): OpenImVersion {
  const match = VERSION.exec(text);
  if (!match) throw new RangeError(`openim version "${text}" is not like 3.8.3 or 3.8.3-patch.16`);
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0), hotfix: Number(match[4] ?? 0) };
}

/** Whether `version` is `wanted` or later; a hotfix build counts as later than its release. */
export function versionAtLeast(version: OpenImVersion | string, wanted: [number, number, number, number?]): boolean {
  const parsed = typeof version === 'string' ? parseOpenImVersion(version) : version;
  const have = [parsed.major, parsed.minor, parsed.patch, parsed.hotfix];
  for (let index = 0; index < 4; index += 1) {
    const target = wanted[index] ?? 0;
    if (have[index]! !== target) return have[index]! > target;
  }
  return true;
}
