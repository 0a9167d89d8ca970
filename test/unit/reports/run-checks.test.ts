import type { RunContext } from '../../../harness/context';
import { coverageGaps, staleExpectations } from '../../../harness/reports/run-checks';
import type { CaseResult } from '../../../harness/reports/model';
import { OPCODE_NAMES } from '../../../harness/wire';

const context = {
  requestedProviders: ['mbed'],
  providers: [{ id: 1, key: 'mbed', uuid: '', name: 'Mbed', vendor: '', version: '0.1.0' }],
  opcodes: { 1: [2, 4] },
  target: { kind: 'native' },
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

describe('staleExpectations', () => {
  const file = (cases: string[], targets?: string[]) => ({
    source: '/x/parsec-1.4.1.json',
    file: {
      product: 'parsec',
      version: '1.4.1',
      entries: cases.map((c) => ({
        case: c,
        expect: 'fail' as const,
        reason: 'r',
        evidence: 'e',
        ...(targets ? { targets } : {}),
      })),
    },
  });
  it('passes when every entry matches a declared case', () => {
    const r = staleExpectations(context, ['mbed/a/b', 'tpm/a/c'], [file(['mbed/a/b', '*/a/c'])]);
    expect(r).toMatchObject({ id: 'harness/expectations/every-entry-matches-a-case', status: 'passed' });
  });
  it('fails naming the entries that match nothing', () => {
    const r = staleExpectations(context, ['mbed/a/b'], [file(['mbed/a/b', 'mbed/a/renamed-*'])]);
    expect(r.status).toBe('failed');
    expect(r.message).toBe('entries matching no case: mbed/a/renamed-* (parsec-1.4.1.json)');
  });
  it('does not judge an entry for another kind of target', () => {
    expect(staleExpectations(context, ['mbed/a/b'], [file(['mbed/a/gone'], ['containers'])]).status).toBe('passed');
    expect(staleExpectations(context, ['mbed/a/b'], [file(['mbed/a/gone'], ['native'])]).status).toBe('failed');
  });
  it('does not judge an entry for a provider the run did not ask for (--providers)', () => {
    expect(staleExpectations(context, ['mbed/a/b'], [file(['tpm/a/gone', 'pkcs11/x/*'])]).status).toBe('passed');
    expect(staleExpectations(context, ['mbed/a/b'], [file(['core/a/gone'])]).status).toBe('failed');
  });
});
