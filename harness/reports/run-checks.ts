import { basename } from 'node:path';
import { clientAuthOf } from '../kit/client-auth';
import { appliesTo, loadExpectations, matchExpectation } from '../kit/expectations';
import type { RunContext } from '../context';
import { OPCODES, OPCODE_NAMES, ParsecClient } from '../wire';
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
    for (const entry of file.entries.filter((e) => appliesTo(e, context.target.kind))) {
      if (!ids.some((id) => matchExpectation([{ file: { ...file, entries: [entry] }, source }], id))) {
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
