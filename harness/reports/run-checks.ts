import { basename } from 'node:path';
import { clientAuthOf } from '../kit/client-auth';
import { appliesTo, entryMatches, loadExpectations, type ExpectationEntry } from '../kit/expectations';
import { PROVIDER_KEYS } from '../model/providers';
import type { RunContext } from '../context';
import { OPCODES, OPCODE_NAMES, ParsecClient } from '../wire';
import { describeTokenObject, listTokenObjects, pinBytes, tokenObjectChanges } from '../tokens';
import type { CaseResult } from './model';

const EXECUTED = new Set(['passed', 'failed', 'expected-fail', 'unexpected-pass']);

/**
 * Lost coverage must show: every opcode of the protocol (0x01..0x20 that exists) needs at least one executed case
 * per configured crypto provider — a functional case where the provider lists the operation, the documented refusal
 * where it does not. Only a full run is judged; a `--suite` selection is partial by design.
 */
export function coverageGaps(context: RunContext, cases: readonly CaseResult[]): CaseResult[] {
  const gaps: CaseResult[] = [];
  for (const provider of context.requestedProviders) {
    for (const name of OPCODE_NAMES) {
      const executed = cases.filter((c) => c.provider === provider && c.opcode === name && EXECUTED.has(c.status));
      if (executed.length > 0) continue;
      const listed = (context.opcodes[providerId(context, provider)] ?? []).includes(OPCODES[name].code);
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
  const client = new ParsecClient({ socketPath: context.socketPath, auth: clientAuthOf(context.auth) });
  const before = new Set(context.keysAtStart.map((k) => `${k.providerId}/${k.name}`));
  let message = '';
  try {
    const left = (await client.listKeys()).filter((k) => !before.has(`${k.providerId}/${k.name}`));
    if (left.length > 0) {
      message = `keys left behind: ${left.map((k) => `${JSON.stringify(k.name)} (provider ${k.providerId})`).join(', ')}`;
      for (const k of left) await client.destroyKey(k.providerId, k.name).catch(() => undefined);
    }
  } catch (e) {
    message = `ListKeys at the end of the run failed: ${(e as Error).message}`;
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
 * An expectation entry that matches no declared case is dead weight that would silently excuse a future case of
 * that name: a renamed case must take its entry along. Judged on full runs only.
 */
export function staleExpectations(
  context: RunContext,
  declaredIds: Iterable<string>,
  files = loadExpectations(context),
): CaseResult {
  const ids = [...declaredIds];
  const stale: string[] = [];
  for (const { file, source } of files) {
    // An entry for another kind of target does not hold here, so it cannot be judged here either.
    // Nor can an entry for a provider the run did not ask for (--providers).
    const judged = (e: ExpectationEntry): boolean => {
      const provider = e.case.split('/')[0] as string;
      return (
        !(PROVIDER_KEYS as readonly string[]).includes(provider) ||
        (context.requestedProviders as readonly string[]).includes(provider)
      );
    };
    for (const entry of file.entries.filter(
      (e) => appliesTo(e, context.target.kind, context.tokenProfile) && judged(e),
    )) {
      if (!ids.some((id) => entryMatches(entry, id))) {
        stale.push(`${entry.case} (${basename(source)})`);
      }
    }
  }
  return {
    id: 'harness/expectations/every-entry-matches-a-case',
    suite: 'expectations',
    provider: 'harness',
    opcode: 'n/a',
    title: 'every known-deviation entry matches a declared case',
    status: stale.length > 0 ? 'failed' : 'passed',
    durationMs: 0,
    message: stale.length > 0 ? `entries matching no case: ${stale.join(', ')}` : '',
  };
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
