import type { AggregatedResult } from '@jest/test-result';
import { relative } from 'node:path';
import { caseId } from '../kit/case-id';
import type { CaseMeta } from '../kit/case-meta';
import { NOT_RUN_PREFIX } from '../kit/hang-guard';
import type { RunContext } from '../context';
import type { CaseResult, CaseStatus, RunResults } from './model';

function firstLines(text: string, n = 40): string {
  // Jest failure messages carry ANSI colours and long stacks; reports keep the readable head.
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  return plain.split('\n').slice(0, n).join('\n').trim();
}

function statusOf(jestStatus: string, meta: CaseMeta | undefined): CaseStatus {
  const outcome = meta?.expectation?.outcome;
  switch (jestStatus) {
    case 'passed':
      // `test.failing` passes when the body failed: the known deviation is still there.
      if (outcome === 'fail') return 'expected-fail';
      // A flaky case's body may have failed: the kit accepted it and recorded what it saw.
      if (outcome === 'flaky') return 'flaky';
      return 'passed';
    case 'failed':
      // A flaky case fails only for what is not its body's (a key it could not destroy): a plain failure.
      return outcome === 'fail' ? 'unexpected-pass' : 'failed';
    default:
      return 'skipped';
  }
}

/**
 * Joins Jest's results with what the suites declared (ids, opcodes, skip reasons, expectations). Whatever Jest ran
 * that the kit did not declare, and whatever a test file failed to load, still becomes a named case: lost coverage
 * must show.
 */
export function buildResults(
  aggregated: Pick<AggregatedResult, 'testResults' | 'startTime'>,
  context: RunContext,
  metas: ReadonlyMap<string, CaseMeta>,
  observed: ReadonlyMap<string, string>,
  rootDir: string,
  now = Date.now(),
  data: ReadonlyMap<string, Readonly<Record<string, unknown>>> = new Map(),
): RunResults {
  const cases: CaseResult[] = [];
  const reported = new Set<string>();
  for (const file of aggregated.testResults) {
    const rel = relative(rootDir, file.testFilePath);
    for (const a of file.testResults) {
      // describe(<provider>) > describe(<suite>) [> describe(<variant>)] > test(<title>)
      const [provider = 'unknown', suite = rel, variant] = a.ancestorTitles;
      const id = caseId(provider, suite, a.title, variant);
      const meta = metas.get(id);
      const seen = observed.get(id);
      // A case the kit did not run because the service had stopped answering fails, whatever its expectation.
      const notRun = seen?.startsWith(NOT_RUN_PREFIX) === true;
      const status = notRun ? 'failed' : statusOf(a.status, meta);
      reported.add(id);
      const expectation = meta?.expectation;
      let message = '';
      if (notRun) message = seen ?? '';
      else if (status === 'failed') message = firstLines(a.failureMessages.join('\n'));
      else if (status === 'unexpected-pass') message = `expected to fail (${expectation?.reason}) but passed`;
      else if (status === 'expected-fail') message = `${expectation?.reason}; observed: ${seen ?? 'n/a'}`;
      else if (status === 'flaky')
        message = `${expectation?.reason}; observed: ${seen !== undefined ? `failed (${seen})` : 'passed'}`;
      else if (status === 'skipped') message = meta?.skipReason ?? 'skipped without a recorded reason';
      const observedOutcome: 'passed' | 'failed' | undefined =
        status === 'expected-fail'
          ? 'failed'
          : status === 'unexpected-pass'
            ? 'passed'
            : status === 'flaky'
              ? seen !== undefined
                ? 'failed'
                : 'passed'
              : undefined;
      cases.push({
        id,
        suite,
        ...(variant !== undefined ? { variant } : {}),
        provider,
        opcode: meta?.opcode ?? 'n/a',
        title: a.title,
        status,
        durationMs: Math.round(a.duration ?? 0),
        message,
        ...(data.has(id) ? { observations: data.get(id) } : {}),
        file: rel,
        ...(observedOutcome ? { observed: observedOutcome } : {}),
        ...(expectation ? { expectation } : {}),
      });
    }
    if (file.testExecError || (file.testResults.length === 0 && file.failureMessage)) {
      const suite = rel.replace(/^suites\//, '').replace(/\.test\.ts$/, '');
      cases.push({
        id: `harness/${suite}/suite-runs`,
        suite,
        provider: 'harness',
        opcode: 'n/a',
        title: `suite file ${rel} runs`,
        status: 'failed',
        durationMs: 0,
        message: firstLines(file.failureMessage ?? file.testExecError?.message ?? 'test file failed'),
        file: rel,
      });
    }
  }
  for (const [id, meta] of metas) {
    if (reported.has(id)) continue;
    cases.push({
      id,
      suite: meta.suite,
      ...(meta.variant !== undefined ? { variant: meta.variant } : {}),
      provider: meta.provider,
      opcode: meta.opcode,
      title: meta.title,
      status: 'failed',
      durationMs: 0,
      message: 'declared but never reported by Jest (its test file crashed or was interrupted)',
    });
  }
  return {
    target: {
      kind: context.target.kind,
      parsecVersion: context.target.parsecVersion,
      parsecBinary: context.target.parsecBinary,
      parsecSource: context.target.parsecSource,
      ...(context.target.packageVersion ? { packageVersion: context.target.packageVersion } : {}),
      ...(context.target.features ? { features: context.target.features } : {}),
      backends: context.target.backends,
      startupMs: context.target.startupMs,
      providers: context.providers.map((p) => ({ id: p.id, name: p.name, version: p.version, uuid: p.uuid })),
    },
    startedAt: context.startedAt,
    durationMs: Math.max(0, now - (aggregated.startTime || now)),
    cases,
  };
}
