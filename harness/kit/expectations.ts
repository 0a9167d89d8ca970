import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { RunContext } from '../context';
import { PARSEC_MECHANISM_USES } from '../model/pkcs11';
import type { TokenProfile } from '../model/token-profile';
import { OUTCOMES, type AppliedExpectation, type Outcome } from '../model/expectation';
import { versionInRange, parseVersionRange } from './version-range';

/**
 * The expectation matrix: what the real service, a backend or a token is known to do differently from a correct
 * service, outside the tests, one file per product (`fixtures/expectations/<product>.json`: parsec, softhsm2, ...).
 * Each entry names a case id (or a `*` pattern), an outcome and why, and holds only under its conditions:
 *
 * - `fail`: the case fails, known; it reports `expected-fail` (and `unexpected-pass` when it passes).
 * - `flaky`: both outcomes are accepted and the case reports `flaky`, saying which one it saw.
 * - `skip`: the case is not run (it would harm the target, or cannot run there), with the reason.
 *
 * Conditions (`when`), all optional: the Parsec version range, target kinds, backends and their version ranges, the
 * case's variant, and the uses of Parsec's the run's PKCS#11 token has or lacks. A project file for a product other
 * than Parsec applies only where the target reports that backend; a --profile file applies whatever its product. Files are chosen from what the target reports; files
 * given with --profile come after the project's and override them: the last file's matching entry wins.
 */
export { OUTCOMES, type Outcome };

export interface EntryConditions {
  /** A Parsec version range: `1.4.1`, `>=1.4.1 <1.6`, `1.4 || 1.5.0`, `*`. */
  readonly parsec?: string;
  /** Target kinds: native, containers, external. */
  readonly target?: readonly string[];
  /** Backend (as the target reports it: softhsm2, swtpm, libtpms, tpm2-tss, mbedtls, p11-kit...) → version range. */
  readonly backend?: Readonly<Record<string, string>>;
  /** The case's variant (a suite's configuration, e.g. a PIN matrix quirk). */
  readonly variant?: readonly string[];
  /**
   * Only where the run's PKCS#11 token has (tokenHas) or lacks (tokenLacks) these uses of Parsec's
   * (PARSEC_MECHANISM_USES ids, e.g. 'sign-rsa-pss'). The harness's own SoftHSM2 token has them all; a token of the
   * user's has what its probed profile says.
   */
  readonly tokenHas?: readonly string[];
  readonly tokenLacks?: readonly string[];
}

export interface ExpectationEntry {
  readonly case: string;
  readonly outcome: Outcome;
  /** Why: what a correct service does and what this one does instead. `TODO...` until a person writes it. */
  readonly reason: string;
  /** What was seen: statuses, log lines, counts. An entry has evidence, a link, or both. */
  readonly evidence?: string;
  readonly link?: string;
  /**
   * For a measured case (a soak's growth per hour): the largest measurement the entry explains. A larger one is not
   * explained, so a known leak that gets worse still fails.
   */
  readonly atMost?: number;
  readonly when?: EntryConditions;
}

export interface ExpectationFile {
  readonly product: string;
  readonly description?: string;
  readonly entries: readonly ExpectationEntry[];
}

export interface LoadedFile {
  readonly file: ExpectationFile;
  /** Where it came from, relative to the project for its own files. */
  readonly source: string;
  /** Given with --profile: it applies whatever its product (the user chose it for this run). */
  readonly profile?: boolean;
}

/** What an entry's conditions are judged against: what the target reported, and the case. */
export interface MatchFacts {
  readonly parsecVersion?: string;
  readonly targetKind?: string;
  readonly backends?: Readonly<Record<string, string>>;
  readonly tokenProfile?: TokenProfile;
  readonly variant?: string;
}

const TARGET_KINDS = ['native', 'containers', 'external'];
const USE_IDS = PARSEC_MECHANISM_USES.map((u) => u.id);
const ENTRY_KEYS = ['case', 'outcome', 'reason', 'evidence', 'link', 'atMost', 'when'];
const CONDITION_KEYS = ['parsec', 'target', 'backend', 'variant', 'tokenHas', 'tokenLacks'];

export const PROJECT_ROOT = join(__dirname, '..', '..');
export const EXPECTATIONS_DIR = join(PROJECT_ROOT, 'fixtures', 'expectations');

/** A TODO reason is a deviation recorded by --update-expectations that no person has explained yet. */
export function isTodo(entry: Pick<ExpectationEntry, 'reason'>): boolean {
  return /^TODO\b/.test(entry.reason);
}

function nonEmptyStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s !== '');
}

/** Validates a parsed file and says exactly which entry and field is wrong, and what is expected instead. */
export function parseExpectationFile(text: string, source: string): ExpectationFile {
  let data: Partial<ExpectationFile> & { version?: unknown };
  try {
    data = JSON.parse(text) as typeof data;
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message})`);
  }
  if (typeof data.product !== 'string' || !Array.isArray(data.entries)) {
    throw new Error(`${source}: expected {"product": string, "entries": [...]}`);
  }
  if (data.version !== undefined) {
    throw new Error(
      `${source}: a file per product version is the old format; put the version into each entry as "when": {"parsec": "${String(data.version)}"} and drop "version"`,
    );
  }
  data.entries.forEach((raw: unknown, i) => {
    const e = raw as Record<string, unknown>;
    const at = `${source}: entry ${i}${typeof e.case === 'string' ? ` (${e.case})` : ''}`;
    const unknown = Object.keys(e).filter((k) => !ENTRY_KEYS.includes(k));
    if (unknown.length > 0) {
      const hint = unknown.includes('expect') ? ' ("expect" is now "outcome")' : '';
      throw new Error(`${at} has unknown field(s) ${unknown.join(', ')}${hint}; known: ${ENTRY_KEYS.join(', ')}`);
    }
    const missing = (['case', 'outcome', 'reason'] as const).filter((k) => typeof e[k] !== 'string' || e[k] === '');
    if (missing.length > 0) throw new Error(`${at} lacks ${missing.join(', ')}`);
    if (!(OUTCOMES as readonly string[]).includes(e.outcome as string))
      throw new Error(`${at} has outcome '${String(e.outcome)}'; expected one of ${OUTCOMES.join(', ')}`);
    const has = (k: string): boolean => typeof e[k] === 'string' && e[k] !== '';
    if (!has('evidence') && !has('link')) throw new Error(`${at} lacks evidence (or a link to it)`);
    if (e.atMost !== undefined && (typeof e.atMost !== 'number' || !Number.isFinite(e.atMost) || e.atMost <= 0))
      throw new Error(`${at} has atMost ${JSON.stringify(e.atMost)}; expected a positive number (per hour)`);
    if (e.when === undefined) return;
    if (typeof e.when !== 'object' || e.when === null || Array.isArray(e.when))
      throw new Error(`${at} has "when" that is not an object`);
    const w = e.when as Record<string, unknown>;
    const unknownConditions = Object.keys(w).filter((k) => !CONDITION_KEYS.includes(k));
    if (unknownConditions.length > 0)
      throw new Error(
        `${at} has unknown condition(s) ${unknownConditions.join(', ')}; known: ${CONDITION_KEYS.join(', ')}`,
      );
    if (w.parsec !== undefined) {
      if (typeof w.parsec !== 'string') throw new Error(`${at} has when.parsec that is not a version range string`);
      try {
        parseVersionRange(w.parsec);
      } catch (err) {
        throw new Error(`${at} has when.parsec ${JSON.stringify(w.parsec)}: ${(err as Error).message}`);
      }
    }
    if (w.target !== undefined && (!nonEmptyStrings(w.target) || w.target.some((t) => !TARGET_KINDS.includes(t))))
      throw new Error(
        `${at} has when.target ${JSON.stringify(w.target)}; expected a non-empty list of ${TARGET_KINDS.join(', ')}`,
      );
    if (w.variant !== undefined && !nonEmptyStrings(w.variant))
      throw new Error(`${at} has when.variant ${JSON.stringify(w.variant)}; expected a non-empty list of names`);
    if (w.backend !== undefined) {
      if (typeof w.backend !== 'object' || w.backend === null || Array.isArray(w.backend))
        throw new Error(`${at} has when.backend that is not an object of backend → version range`);
      for (const [name, range] of Object.entries(w.backend)) {
        try {
          if (typeof range !== 'string') throw new Error('not a string');
          parseVersionRange(range);
        } catch (err) {
          throw new Error(`${at} has when.backend.${name} ${JSON.stringify(range)}: ${(err as Error).message}`);
        }
      }
    }
    for (const k of ['tokenHas', 'tokenLacks'] as const) {
      const v = w[k];
      if (v !== undefined && (!nonEmptyStrings(v) || v.some((u) => !USE_IDS.includes(u)))) {
        throw new Error(`${at} has when.${k} ${JSON.stringify(v)}; expected a non-empty list of ${USE_IDS.join(', ')}`);
      }
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
 * Whether an entry of a file holds under these facts. A fact the run does not know (no variant for a case without
 * one) fails a condition on it, except the Parsec version and the target kind, which a check of the files alone
 * (without a run) leaves open. A file for a product other than Parsec holds only where the target has that backend.
 */
export function appliesTo(entry: ExpectationEntry, facts: MatchFacts, product = 'parsec'): boolean {
  const w = entry.when ?? {};
  const backends = facts.backends;
  if (product !== 'parsec' && backends !== undefined && backends[product] === undefined) return false;
  if (w.parsec !== undefined && facts.parsecVersion !== undefined && !versionInRange(facts.parsecVersion, w.parsec))
    return false;
  if (w.target !== undefined && facts.targetKind !== undefined && !w.target.includes(facts.targetKind)) return false;
  for (const [name, range] of Object.entries(w.backend ?? {})) {
    const version = backends?.[name];
    if (backends !== undefined && (version === undefined || !versionInRange(version, range))) return false;
  }
  if (w.variant !== undefined && (facts.variant === undefined || !w.variant.includes(facts.variant))) return false;
  if (!(w.tokenHas ?? []).every((u) => tokenHas(facts.tokenProfile, u))) return false;
  if (!(w.tokenLacks ?? []).every((u) => !tokenHas(facts.tokenProfile, u))) return false;
  return true;
}

/** The entry that decides a case: the last file's first matching entry that holds (profiles override). */
export function matchExpectation(
  files: readonly LoadedFile[],
  id: string,
  facts: MatchFacts = {},
): AppliedExpectation | undefined {
  for (const { file, source, profile } of [...files].reverse()) {
    for (const entry of file.entries) {
      if (entryMatches(entry, id) && appliesTo(entry, facts, profile ? 'parsec' : file.product)) {
        return {
          source,
          case: entry.case,
          outcome: entry.outcome,
          reason: entry.reason,
          ...(entry.evidence !== undefined ? { evidence: entry.evidence } : {}),
          ...(entry.link !== undefined ? { link: entry.link } : {}),
          ...(entry.atMost !== undefined ? { atMost: entry.atMost } : {}),
        };
      }
    }
  }
  return undefined;
}

/** A path as reports show it: relative to the project for its own files, as given otherwise. */
export function displayPath(path: string): string {
  const rel = relative(PROJECT_ROOT, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** Reads one file, with the error naming it. */
export function readExpectationFile(path: string): LoadedFile {
  if (!existsSync(path)) throw new Error(`expectation profile ${path} does not exist`);
  return { file: parseExpectationFile(readFileSync(path, 'utf8'), displayPath(path)), source: displayPath(path) };
}

/** The project's files (every product; entries say when they hold), then the profiles in the order given. */
export function loadExpectationFiles(profiles: readonly string[] = [], dir = EXPECTATIONS_DIR): LoadedFile[] {
  const own = existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => n.endsWith('.json'))
        .sort((a, b) => (a === 'parsec.json' ? -1 : b === 'parsec.json' ? 1 : a.localeCompare(b)))
        .map((n) => readExpectationFile(join(dir, n)))
    : [];
  return [...own, ...profiles.map((p) => ({ ...readExpectationFile(p), profile: true }))];
}

/** The facts of the run's target, as it reported them (for a case, add its variant). */
export function runFacts(context: RunContext): MatchFacts {
  return {
    parsecVersion: context.target.parsecVersion,
    targetKind: context.target.kind,
    backends: context.target.backends,
    ...(context.tokenProfile ? { tokenProfile: context.tokenProfile } : {}),
  };
}

let cache: { key: string; files: LoadedFile[] } | undefined;

/** The files that apply to this run: the project's, and the run's --profile files. */
export function loadExpectations(context: RunContext, dir = EXPECTATIONS_DIR): LoadedFile[] {
  const profiles = context.expectationProfiles ?? [];
  const key = `${dir}|${profiles.join('|')}`;
  if (cache?.key === key) return cache.files;
  const files = loadExpectationFiles(profiles, dir);
  cache = { key, files };
  return files;
}

export function expectationFor(context: RunContext, id: string, variant?: string): AppliedExpectation | undefined {
  return matchExpectation(loadExpectations(context), id, {
    ...runFacts(context),
    ...(variant !== undefined ? { variant } : {}),
  });
}
