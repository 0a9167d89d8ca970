import type { RunContext } from '../../../harness/context';
import { coverageGaps, expectationMatrixChecks } from '../../../harness/reports/run-checks';
import type { ExpectationEntry, LoadedFile } from '../../../harness/kit/expectations';
import type { CaseResult } from '../../../harness/reports/model';
import { OPCODE_NAMES } from '../../../harness/wire';

const context = {
  requestedProviders: ['mbed'],
  providers: [{ id: 1, key: 'mbed', uuid: '', name: 'Mbed', vendor: '', version: '0.1.0' }],
  opcodes: { 1: [2, 4] },
  target: { kind: 'native', parsecVersion: '1.4.1', backends: {} },
} as unknown as RunContext;

const executed = (opcode: string, status: CaseResult['status'] = 'passed'): CaseResult => ({
  id: `mbed/x/${opcode}`,
  suite: 'x',
  provider: 'mbed',
  opcode,
  title: opcode,
  status,
  durationMs: 1,
  message: '',
});

describe('coverageGaps', () => {
  it('names every opcode of the protocol without an executed case, and whether the provider lists it', () => {
    const covered = OPCODE_NAMES.filter((n) => n !== 'PsaSignHash' && n !== 'PsaAeadEncrypt').map((n) => executed(n));
    const gaps = coverageGaps(context, [...covered, executed('PsaAeadEncrypt', 'skipped')]);
    expect(gaps.map((g) => g.id)).toEqual([
      'harness/coverage/mbed-PsaSignHash',
      'harness/coverage/mbed-PsaAeadEncrypt',
    ]);
    expect(gaps[0]?.message).toBe('PsaSignHash (0x04) ran zero cases on provider mbed, which lists it');
    expect(gaps[1]?.message).toBe('PsaAeadEncrypt (0x11) ran zero cases on provider mbed');
    expect(gaps.every((g) => g.status === 'failed')).toBe(true);
  });
  it('counts expected failures as executed', () => {
    expect(
      coverageGaps(
        context,
        OPCODE_NAMES.map((n) => executed(n, 'expected-fail')),
      ),
    ).toEqual([]);
  });
});

describe('expectation matrix checks', () => {
  const file = (cases: string[], when?: ExpectationEntry['when'], reason = 'r'): LoadedFile => ({
    source: 'fixtures/expectations/parsec.json',
    file: {
      product: 'parsec',
      entries: cases.map((c) => ({
        case: c,
        outcome: 'fail' as const,
        reason,
        evidence: 'e',
        ...(when ? { when } : {}),
      })),
    },
  });
  const declared = (...ids: string[]) => new Map(ids.map((id) => [id, {}]));
  const stale = (d: Map<string, { variant?: string }>, files: LoadedFile[], strict = true) =>
    expectationMatrixChecks(context, d, strict, files)[0] as CaseResult;

  it('passes when every entry matches a declared case', () => {
    const r = stale(declared('mbed/a/b', 'tpm/a/c'), [file(['mbed/a/b', '*/a/c'])]);
    expect(r).toMatchObject({ id: 'harness/expectations/every-entry-matches-a-case', status: 'passed' });
  });
  it('fails under --strict naming the entries that match nothing; without it, skips saying what it found', () => {
    const r = stale(declared('mbed/a/b'), [file(['mbed/a/b', 'mbed/a/renamed-*'])]);
    expect(r.status).toBe('failed');
    expect(r.message).toBe('1 entries match no case: mbed/a/renamed-* (parsec.json)');
    const lenient = stale(declared('mbed/a/b'), [file(['mbed/a/b', 'mbed/a/renamed-*'])], false);
    expect(lenient).toMatchObject({ status: 'skipped', message: `judged only with --strict; ${r.message}` });
  });
  it('does not judge an entry whose conditions do not hold here (target, Parsec version)', () => {
    expect(stale(declared('mbed/a/b'), [file(['mbed/a/gone'], { target: ['containers'] })]).status).toBe('passed');
    expect(stale(declared('mbed/a/b'), [file(['mbed/a/gone'], { target: ['native'] })]).status).toBe('failed');
    expect(stale(declared('mbed/a/b'), [file(['mbed/a/gone'], { parsec: '1.5.0' })]).status).toBe('passed');
    expect(stale(declared('mbed/a/b'), [file(['mbed/a/gone'], { parsec: '>=1.4' })]).status).toBe('failed');
  });
  it('matches a variant entry against the variants of the declared cases', () => {
    const d = new Map([['pkcs11/pin/x/absent', { variant: 'x' }]]);
    const ctx = { ...context, requestedProviders: ['pkcs11'] } as unknown as RunContext;
    const run = (variant: string) =>
      (expectationMatrixChecks(ctx, d, true, [file(['pkcs11/pin/*'], { variant: [variant] })])[0] as CaseResult).status;
    expect(run('x')).toBe('passed');
    expect(run('y')).toBe('failed');
  });
  it('does not judge an entry for a provider the run did not ask for (--providers)', () => {
    expect(stale(declared('mbed/a/b'), [file(['tpm/a/gone', 'pkcs11/x/*'])]).status).toBe('passed');
    expect(stale(declared('mbed/a/b'), [file(['core/a/gone'])]).status).toBe('failed');
  });
  it('fails a TODO entry under --strict only', () => {
    const files = [file(['mbed/a/b'], undefined, 'TODO: why')];
    const [, todo] = expectationMatrixChecks(context, declared('mbed/a/b'), true, files);
    expect(todo).toMatchObject({ id: 'harness/expectations/no-todo-entries', status: 'failed' });
    expect(todo?.message).toContain('mbed/a/b (parsec.json)');
    expect(expectationMatrixChecks(context, declared('mbed/a/b'), false, files)[1]?.status).toBe('skipped');
  });
});
