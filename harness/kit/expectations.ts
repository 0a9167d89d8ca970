import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunContext } from '../context';
import { PARSEC_MECHANISM_USES } from '../model/pkcs11';
import type { TokenProfile } from '../model/token-profile';

/**
 * Known deviations of a real service live outside the tests, one file per product and version:
 * `fixtures/expectations/<product>-<version>.json`. Each entry names a case id (or a `*` pattern), the expected
 * outcome, the reason and the evidence seen. A matching case runs as an expected failure: it reports
 * `expected-fail` when it fails and `unexpected-pass` when it passes.
 */
export interface ExpectationEntry {
  readonly case: string;
  readonly expect: 'fail';
  readonly reason: string;
  readonly evidence: string;
  /** Only on these target kinds (e.g. a deviation of the native backends that the container backends lack). */
  readonly targets?: readonly string[];
  /**
   * Only where the run's PKCS#11 token has (tokenHas) or lacks (tokenLacks) these uses of Parsec's
   * (PARSEC_MECHANISM_USES ids, e.g. 'sign-rsa-pss'): a deviation that shows only with, or only without, a mechanism.
   * The harness's own SoftHSM2 token has them all; a token of the user's has what its probed profile says.
   */
  readonly tokenHas?: readonly string[];
  readonly tokenLacks?: readonly string[];
}

const TARGET_KINDS = ['native', 'containers', 'external'];
const USE_IDS = PARSEC_MECHANISM_USES.map((u) => u.id);

export interface ExpectationFile {
  readonly product: string;
  readonly version: string;
  readonly entries: readonly ExpectationEntry[];
}

export const EXPECTATIONS_DIR = join(__dirname, '..', '..', 'fixtures', 'expectations');

export function expectationFileName(product: string, version: string): string {
  return `${product}-${version}.json`;
}

/** Validates a parsed file and says exactly which entry is malformed. */
export function parseExpectationFile(text: string, source: string): ExpectationFile {
  const data = JSON.parse(text) as Partial<ExpectationFile>;
  if (typeof data.product !== 'string' || typeof data.version !== 'string' || !Array.isArray(data.entries)) {
    throw new Error(`${source}: expected {"product": string, "version": string, "entries": [...]}`);
  }
  data.entries.forEach((e: Partial<ExpectationEntry>, i) => {
    const missing = (['case', 'expect', 'reason', 'evidence'] as const).filter(
      (k) => typeof e[k] !== 'string' || e[k] === '',
    );
    if (missing.length > 0) throw new Error(`${source}: entry ${i} lacks ${missing.join(', ')}`);
    if (e.expect !== 'fail')
      throw new Error(`${source}: entry ${i} (${e.case}) has expect '${e.expect}'; only 'fail' is known`);
    for (const k of ['tokenHas', 'tokenLacks'] as const) {
      const v = e[k];
      if (v !== undefined && (!Array.isArray(v) || v.length === 0 || v.some((u) => !USE_IDS.includes(u)))) {
        throw new Error(
          `${source}: entry ${i} (${e.case}) has ${k} ${JSON.stringify(v)}; expected a non-empty list of ${USE_IDS.join(', ')}`,
        );
      }
    }
    if (
      e.targets !== undefined &&
      (!Array.isArray(e.targets) || e.targets.length === 0 || e.targets.some((t) => !TARGET_KINDS.includes(t)))
    ) {
      throw new Error(
        `${source}: entry ${i} (${e.case}) has targets ${JSON.stringify(e.targets)}; expected a non-empty list of ${TARGET_KINDS.join(', ')}`,
      );
    }
  });
  return data as ExpectationFile;
}

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/** Whether an entry's case pattern (an id, `*` matching anything) names this case id. */
export function entryMatches(entry: Pick<ExpectationEntry, 'case'>, id: string): boolean {
  return patternToRegExp(entry.case).test(id);
}

/** Whether the run's PKCS#11 token has a use of Parsec's: the harness's own SoftHSM2 token has them all. */
function tokenHas(profile: TokenProfile | undefined, use: string): boolean {
  return profile?.parsecUses.find((u) => u.id === use)?.available ?? true;
}

/**
 * Whether an entry holds on a target of this kind (an entry without targets holds on every kind) and with this
 * token (an entry without token conditions holds with any).
 */
export function appliesTo(entry: ExpectationEntry, targetKind: string | undefined, profile?: TokenProfile): boolean {
  const kind = entry.targets === undefined || targetKind === undefined || entry.targets.includes(targetKind);
  const has = (entry.tokenHas ?? []).every((u) => tokenHas(profile, u));
  const lacks = (entry.tokenLacks ?? []).every((u) => !tokenHas(profile, u));
  return kind && has && lacks;
}

export function matchExpectation(
  files: readonly { file: ExpectationFile; source: string }[],
  id: string,
  targetKind?: string,
  profile?: TokenProfile,
): { reason: string; source: string } | undefined {
  for (const { file, source } of files) {
    for (const entry of file.entries) {
      if (appliesTo(entry, targetKind, profile) && entryMatches(entry, id))
        return { reason: `${entry.reason} [evidence: ${entry.evidence}]`, source };
    }
  }
  return undefined;
}

let cache: { key: string; files: { file: ExpectationFile; source: string }[] } | undefined;

/** The files that apply to this run: today the Parsec service's own version. */
export function loadExpectations(
  context: RunContext,
  dir = EXPECTATIONS_DIR,
): { file: ExpectationFile; source: string }[] {
  const key = `${dir}|${context.target.parsecVersion}`;
  if (cache?.key === key) return cache.files;
  const names = [expectationFileName('parsec', context.target.parsecVersion)];
  const files = names
    .map((n) => join(dir, n))
    .filter((p) => existsSync(p))
    .map((p) => ({ file: parseExpectationFile(readFileSync(p, 'utf8'), p), source: p }));
  cache = { key, files };
  return files;
}

export function expectationFor(context: RunContext, id: string): { reason: string; source: string } | undefined {
  return matchExpectation(loadExpectations(context), id, context.target.kind, context.tokenProfile);
}
