import { basename } from 'node:path';
import { clientAuthOf } from '../kit/client-auth';
import { readGoneVerdict } from '../kit/hang-guard';
import {
  appliesTo,
  entryMatches,
  isTodo,
  loadExpectations,
  runFacts,
  type ExpectationEntry,
  type LoadedFile,
} from '../kit/expectations';
import { PROVIDER_KEYS } from '../model/providers';
import type { RunContext } from '../context';
import { OPCODES, OPCODE_NAMES, ParsecClient } from '../wire';
import { describeTokenObject, listTokenObjects, pinBytes, tokenObjectChanges } from '../tokens';
import type { CaseResult } from './model';

const EXECUTED = new Set(['passed', 'failed', 'expected-fail', 'unexpected-pass', 'flaky']);

/**
 * Lost coverage must show: every opcode of the protocol (0x01..0x20 that exists) needs at least one executed case
 * per configured crypto provider — a functional case where the provider lists the operation, the documented refusal
 * where it does not. Only a full run is judged; a `--suite` selection is partial by design.
 */
export function coverageGaps(context: RunContext, cases: readonly CaseResult[]): CaseResult[] {
  return coverageGapsOf(advertisedOpcodes(context), cases);
}

/** Per crypto provider the run asked for, in order: the opcodes it lists (what coverage is judged against). */
export function advertisedOpcodes(context: RunContext): { key: string; listed: number[] }[] {
  return context.requestedProviders.map((key) => ({
    key,
    listed: [...(context.opcodes[providerId(context, key)] ?? [])],
  }));
}

/** The coverage check on a set of cases (a run's, or merged shards'), given what each provider lists. */
export function coverageGapsOf(
  providers: readonly { readonly key: string; readonly listed: readonly number[] }[],
  cases: readonly CaseResult[],
): CaseResult[] {
  const gaps: CaseResult[] = [];
  for (const { key: provider, listed: opcodes } of providers) {
    for (const name of OPCODE_NAMES) {
      const executed = cases.filter((c) => c.provider === provider && c.opcode === name && EXECUTED.has(c.status));
      if (executed.length > 0) continue;
      const listed = opcodes.includes(OPCODES[name].code);
      gaps.push({
        id: `harness/coverage/${provider}-${name}`,
        suite: 'coverage',
        provider: 'harness',
        opcode: name,
        title: `${name} has an executed case on ${provider}`,
        status: 'failed',
        durationMs: 0,
        message: `${name} (0x${OPCODES[name].code.toString(16).padStart(2, '0')}) ran zero cases on provider ${provider}${listed ? ', which lists it' : ''}`,
      });
    }
  }
  return gaps;
}

function providerId(context: RunContext, key: string): number {
  return context.providers.find((p) => p.key === key)?.id ?? -1;
}

/**
 * Every key a run creates is destroyed by it: ListKeys at the end must show exactly the keys that were there
 * before the first suite ran (none on a fresh native target). Leftovers fail the check and are then destroyed,
 * so the service is clean either way; keys that existed before the run are never touched.
 */
export async function keyHygiene(context: RunContext): Promise<CaseResult> {
  const started = Date.now();
  const client = new ParsecClient({
    socketPath: context.socketPath,
    auth: clientAuthOf(context.auth),
    ...(context.requestTimeoutMs !== undefined ? { readTimeoutMs: context.requestTimeoutMs } : {}),
  });
  const before = new Set(context.keysAtStart.map((k) => `${k.providerId}/${k.name}`));
  let message = '';
  // A service that stopped answering during the run is not asked again: the check is not run, and says why.
  const gone = readGoneVerdict(context.metaDir);
  if (gone) {
    message = `not run: the service stopped answering in case ${gone.caseId}, so its keys cannot be listed`;
  } else {
    try {
      const left = (await client.listKeys()).filter((k) => !before.has(`${k.providerId}/${k.name}`));
      if (left.length > 0) {
        message = `keys left behind: ${left.map((k) => `${JSON.stringify(k.name)} (provider ${k.providerId})`).join(', ')}`;
        for (const k of left) await client.destroyKey(k.providerId, k.name).catch(() => undefined);
      }
    } catch (e) {
      message = `ListKeys at the end of the run failed: ${(e as Error).message}`;
    }
  }
  return {
    id: 'harness/hygiene/no-keys-left-behind',
    suite: 'hygiene',
    provider: 'harness',
    opcode: 'ListKeys',
    title: 'no key created by the run is left behind',
    status: message ? 'failed' : 'passed',
    durationMs: Date.now() - started,
    message,
  };
}

/**
 * The expectation matrix kept honest, judged on full runs only (a --suite selection declares only some cases):
 * an entry that holds for this run's target but matches no declared case is dead weight that would silently excuse a
 * future case of that name (a renamed case must take its entry along), and a TODO entry (written by
 * --update-expectations) still lacks a person's reason. Both fail the gate under --strict; otherwise the check is
 * skipped with what it found, so the report still shows it.
 */
export function expectationMatrixChecks(
  context: RunContext,
  declared: ReadonlyMap<string, { readonly variant?: string }>,
  strict: boolean,
  files = loadExpectations(context),
): CaseResult[] {
  return expectationChecksOf(unmatchedEntries(context, declared, files), todoEntries(files), strict);
}

/**
 * The entries that hold for this run's target (Parsec version, target kind, backends, token) and for a provider it
 * asked for, but match none of the declared cases, as `<pattern> (<file>)`. For shards: an entry is stale when it
 * is unmatched in every shard.
 */
export function unmatchedEntries(
  context: RunContext,
  declared: ReadonlyMap<string, { readonly variant?: string }>,
  files = loadExpectations(context),
): string[] {
  const facts = runFacts(context);
  const stale: string[] = [];
  // An entry for a provider the run did not ask for (--providers) cannot be judged here.
  const judged = (e: ExpectationEntry): boolean => {
    const provider = e.case.split('/')[0] as string;
    return (
      !(PROVIDER_KEYS as readonly string[]).includes(provider) ||
      (context.requestedProviders as readonly string[]).includes(provider)
    );
  };
  for (const { file, source, profile } of files) {
    for (const entry of file.entries) {
      if (!judged(entry)) continue;
      const holds = (variant?: string): boolean =>
        appliesTo(
          entry,
          { ...facts, ...(variant !== undefined ? { variant } : {}) },
          profile ? 'parsec' : file.product,
        );
      // An entry whose conditions do not hold here (another Parsec version, target, backend) is about another run.
      if (entry.when?.variant === undefined && !holds()) continue;
      const matched = [...declared].some(([id, meta]) => entryMatches(entry, id) && holds(meta.variant));
      if (!matched) stale.push(`${entry.case} (${basename(source)})`);
    }
  }
  return stale;
}

/** The entries whose reason still says TODO, as `<pattern> (<file>)`. */
export function todoEntries(files: readonly LoadedFile[]): string[] {
  return files.flatMap(({ file, source }) =>
    file.entries.filter((e) => isTodo(e)).map((e) => `${e.case} (${basename(source)})`),
  );
}

/** The two checks' cases from what was found (a run's, or merged shards'). */
export function expectationChecksOf(stale: readonly string[], todo: readonly string[], strict: boolean): CaseResult[] {
  const verdict = (problems: readonly string[], what: string): Pick<CaseResult, 'status' | 'message'> => {
    if (problems.length === 0) return { status: 'passed', message: '' };
    const message = `${problems.length} ${what}: ${problems.join(', ')}`;
    return strict
      ? { status: 'failed', message }
      : { status: 'skipped', message: `judged only with --strict; ${message}` };
  };
  return [
    {
      id: 'harness/expectations/every-entry-matches-a-case',
      suite: 'expectations',
      provider: 'harness',
      opcode: 'n/a',
      title: 'every expectation entry that holds for this target matches a declared case',
      durationMs: 0,
      ...verdict(stale, 'entries match no case'),
    },
    {
      id: 'harness/expectations/no-todo-entries',
      suite: 'expectations',
      provider: 'harness',
      opcode: 'n/a',
      title: 'every expectation entry has a reason written by a person',
      durationMs: 0,
      ...verdict(todo, 'entries still say TODO (written by --update-expectations; replace TODO with why)'),
    },
  ];
}

/**
 * On a token of the user's, the run leaves the token as it found it: every object that was there before is there
 * after, unchanged, and no object of the run's is left (Parsec's own ListKeys cannot show an object it lost track
 * of). Objects are only listed, never destroyed: the harness cannot tell another application's from an orphan.
 */
export async function tokenObjectHygiene(context: RunContext): Promise<CaseResult | undefined> {
  const token = context.vendorToken;
  if (!token) return undefined;
  const started = Date.now();
  let message = '';
  try {
    const value = token.pinEnv !== undefined ? process.env[token.pinEnv] : undefined;
    const pin = value !== undefined ? pinBytes(value) : undefined;
    const after = await listTokenObjects(token, pin);
    pin?.fill(0);
    const { gone, added } = tokenObjectChanges(token.objectsAtStart, after);
    message = [
      gone.length > 0
        ? `objects that were on the token before the run are gone or changed: ${gone.map(describeTokenObject).join('; ')}`
        : '',
      added.length > 0
        ? `objects left on the token by the run (not destroyed by the harness: remove them with your token's tools if they are not another application's): ${added.map(describeTokenObject).join('; ')}`
        : '',
    ]
      .filter((t) => t)
      .join('\n');
  } catch (e) {
    message = `listing the token's objects at the end of the run failed: ${(e as Error).message}`;
  }
  return {
    id: 'harness/hygiene/token-objects-unchanged',
    suite: 'hygiene',
    provider: 'harness',
    opcode: 'n/a',
    title: "the token's objects are the same after the run as before it",
    status: message ? 'failed' : 'passed',
    durationMs: Date.now() - started,
    message,
  };
}
