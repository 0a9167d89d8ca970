/**
 * Version ranges for the expectation matrix's conditions, over the versions targets report: Parsec's own (`1.4.1`)
 * and Debian package versions of backends (`2.6.1-2.1`, `1:0.9.2-3.1+deb12u1`). Only the upstream part is compared
 * (no epoch, no Debian revision), number by number; `~rc1`-style suffixes sort before the release.
 *
 * A range is alternatives separated by `||`, each a space-separated list of comparators that must all hold:
 * `>=1.4.1 <1.6`, `1.5.0`, `2.6` (any 2.6.x), `*` (any version).
 */
const COMPARATOR = /^(>=|<=|>|<|=)?(\d+(?:\.\d+)*(?:~[0-9A-Za-z.]+)?)$/;

interface Comparator {
  readonly op: '>=' | '<=' | '>' | '<' | '=' | 'prefix' | 'any';
  readonly version: string;
}

export function parseVersionRange(range: string): Comparator[][] {
  const alternatives = range.split('||').map((a) => a.trim());
  return alternatives.map((alt) => {
    if (alt === '') throw new Error(`empty alternative in version range "${range}"`);
    return alt.split(/\s+/).map((part): Comparator => {
      if (part === '*') return { op: 'any', version: '' };
      const m = COMPARATOR.exec(part);
      if (!m)
        throw new Error(
          `"${part}" is not a version comparator; write e.g. 1.4.1, >=1.4.1 <1.6, 2.6 (any 2.6.x) or * (any)`,
        );
      return { op: (m[1] as Comparator['op'] | undefined) ?? 'prefix', version: m[2] as string };
    });
  });
}

/** The upstream part of a version as reported: no epoch (`1:`), no Debian revision (`-2.1`), no `+build` suffix. */
export function upstreamVersion(version: string): string {
  const noEpoch = version.replace(/^\d+:/, '');
  const dash = noEpoch.lastIndexOf('-');
  const noRevision = dash > 0 ? noEpoch.slice(0, dash) : noEpoch;
  return noRevision.replace(/\+.*$/, '');
}

function parts(version: string): { numbers: number[]; pre?: string } {
  const [main = '', pre] = version.split('~');
  const numbers = main.split('.').map((n) => Number.parseInt(n, 10));
  return { numbers: numbers.map((n) => (Number.isNaN(n) ? 0 : n)), ...(pre !== undefined ? { pre } : {}) };
}

/** Compares two upstream versions: negative, zero or positive. Missing numbers count as 0 (1.4 = 1.4.0). */
export function compareVersions(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.numbers.length, y.numbers.length); i += 1) {
    const d = (x.numbers[i] ?? 0) - (y.numbers[i] ?? 0);
    if (d !== 0) return d;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre.localeCompare(y.pre);
}

function holds(c: Comparator, version: string): boolean {
  const d = compareVersions(version, c.version);
  switch (c.op) {
    case 'any':
      return true;
    case '>=':
      return d >= 0;
    case '<=':
      return d <= 0;
    case '>':
      return d > 0;
    case '<':
      return d < 0;
    case '=':
      return d === 0;
    case 'prefix': {
      // `2.6` holds for 2.6, 2.6.0 and 2.6.1; `1.4.1` only for 1.4.1.
      const want = parts(c.version).numbers;
      const have = parts(version).numbers;
      return want.every((n, i) => (have[i] ?? 0) === n) && (parts(c.version).pre ?? '') === (parts(version).pre ?? '');
    }
  }
}

/** Whether a reported version (Parsec's, or a backend's Debian version) lies in the range. */
export function versionInRange(version: string, range: string): boolean {
  const upstream = upstreamVersion(version);
  return parseVersionRange(range).some((alt) => alt.every((c) => holds(c, upstream)));
}
