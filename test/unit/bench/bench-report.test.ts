import { benchGoals } from '../../../harness/bench/goals';
import type { BenchResult, Measurement, OperationResult } from '../../../harness/model/bench-result';
import { benchHtml, benchMarkdown, benchRow } from '../../../harness/reports/bench-report';
import {
  BENCH_EXPECTATIONS_DIR,
  benchExitStatus,
  parseBenchOperations,
  withKnownDeviations,
} from '../../../harness/run/operation-bench-cli';
import { loadExpectationFiles, matchExpectation } from '../../../harness/kit/expectations';

const m = (p50Ms: number, perSecond: number, spread = 1): Measurement => {
  const s = { calls: perSecond, elapsedMs: 1000, perSecond, meanMs: p50Ms, p50Ms, p95Ms: p50Ms * 2, p99Ms: p50Ms * 3 };
  return { connections: 1, rounds: [s, s, s], median: s, spreadPct: { p50: spread, perSecond: spread } };
};

const sign: OperationResult = {
  status: 'measured',
  workload: 'ECDSA P-256',
  parsec: { '1': m(2, 500), '4': m(4, 900) },
  backend: { implementation: 'SoftHSM2', byConnections: { '1': m(0.5, 2000), '4': m(0.6, 6000) }, note: 'own token' },
  overhead: { p50Ratio: 4, addedP50Ms: 1.5, throughputRatio: 4 },
};

function result(over: Partial<Omit<BenchResult, 'goals'>> = {}): BenchResult {
  const base: Omit<BenchResult, 'goals'> = {
    schema: 'parsec-conformance-bench/1',
    parsecVersion: '1.4.1',
    target: 'native (debian:trixie)',
    targetKind: 'native',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1000,
    settings: { warmupMs: 100, cellMs: 1000, connections: [1, 4], rounds: 3 },
    backends: { softhsm2: '2.6.1' },
    providers: {
      pkcs11: {
        provider: 'pkcs11',
        backend: 'SoftHSM2 <2.6.1>',
        operations: {
          sign,
          mac: { status: 'not-supported', reason: 'not listed', workload: 'HMAC', parsec: {} },
          generate: { status: 'failed', reason: 'PsaErrorGenericError', workload: 'P-256', parsec: {} },
        } as never,
      },
    },
    keysLeftBehind: [],
    client: { ping: { request: 'Ping to Core', harness: m(1.5, 900), raw: m(1, 950), p50Ratio: 1.05 } },
    ...over,
  };
  return { ...base, goals: benchGoals(base) };
}

describe('bench goals and reports', () => {
  test('goals: the client ratio and the spread across rounds, met or not, never an exception', () => {
    const r = result();
    expect(r.goals.map((g) => g.met)).toEqual([true, true]);
    expect(r.goals[1]!.detail).toBe('6 of 6 cells within');
    const slow = result({
      client: { ping: { request: 'Ping', harness: m(1.2, 800, 9), raw: m(1, 950), p50Ratio: 1.2 } },
    });
    expect(slow.goals.map((g) => g.met)).toEqual([false, false]);
    expect(slow.goals[1]!.detail).toContain('client/ping/harness 9 %');
    expect(result({ settings: { warmupMs: 1, cellMs: 1, connections: [1], rounds: 1 } }).goals).toHaveLength(1);
  });

  test('a row shows p50/p95/p99, the rates at 1 and N, the overhead and the widest spread', () => {
    expect(benchRow('sign', sign, 4)).toEqual([
      'sign',
      '2 / 4 / 6',
      '500',
      '900',
      '0.5 / 1 / 1.5',
      '2000',
      '6000',
      '×4',
      '1.5',
      '1 %',
    ]);
    expect(benchRow('mac', { status: 'not-supported', reason: 'x', workload: '', parsec: {} }, 4)[1]).toBe(
      'not supported: x',
    );
  });

  test('Markdown and HTML carry every provider row; HTML escapes and fetches nothing', () => {
    const r = result();
    const md = benchMarkdown(r);
    expect(md).toContain('| sign | 2 / 4 / 6 | 500 | 900 | 0.5 / 1 / 1.5 | 2000 | 6000 | ×4 | 1.5 | 1 % |');
    expect(md).toContain('| mac | not supported: not listed |');
    expect(md).toContain('| generate | FAILED: PsaErrorGenericError |');
    expect(md).toContain('| Ping to Core | 1.5 / 3 / 4.5 | 1 / 2 / 3 | ×1.05 |');
    const html = benchHtml(r);
    expect(html).toContain('SoftHSM2 &#60;2.6.1&#62;');
    expect(html).not.toMatch(/src=|href=|<script/);
    expect(html).toContain('<td class="st-failed" colspan="9">FAILED: PsaErrorGenericError</td>');
  });

  test('exit status 1 only for a failed operation; --ops names known operations only', () => {
    expect(benchExitStatus(result())).toBe(1);
    const ok = result({ providers: { pkcs11: { provider: 'pkcs11', backend: '', operations: { sign } as never } } });
    expect(benchExitStatus(ok)).toBe(0);
    expect(benchExitStatus({ ...ok, keysLeftBehind: ['parsec-conformance-bench-1-1'] })).toBe(1);
    expect(parseBenchOperations('sign, random')).toEqual(['sign', 'random']);
    expect(parseBenchOperations(undefined)).toBeUndefined();
    expect(() => parseBenchOperations('sign,frobnicate')).toThrow('unknown operation frobnicate');
  });

  test('a failure an expectation entry records is a known deviation: shown so, and no longer exit status 1', () => {
    const files = [
      {
        source: 'fixtures/expectations/softhsm2.json',
        file: {
          product: 'softhsm2',
          description: '',
          entries: [
            {
              case: 'pkcs11/bench/generate',
              outcome: 'flaky',
              reason: 'not safe concurrently',
              when: { target: ['native'] },
            },
          ],
        },
      },
    ] as never;
    const known = withKnownDeviations(result(), files);
    expect(known.providers.pkcs11!.operations.generate.knownDeviation).toEqual({
      source: 'fixtures/expectations/softhsm2.json',
      case: 'pkcs11/bench/generate',
      outcome: 'flaky',
      reason: 'not safe concurrently',
    });
    expect(benchExitStatus(known)).toBe(0);
    expect(benchMarkdown(known)).toContain(
      '| generate | known deviation (flaky, fixtures/expectations/softhsm2.json: pkcs11/bench/generate): PsaErrorGenericError |',
    );
    // Not on the container target, and not without SoftHSM2 among the backends: the entry does not hold there.
    expect(benchExitStatus(withKnownDeviations(result({ targetKind: 'containers' }), files))).toBe(1);
    expect(benchExitStatus(withKnownDeviations(result({ backends: {} }), files))).toBe(1);
  });
});

describe("the bench's expectation files", () => {
  test('parse, and record the PKCS#11 concurrency deviation for generate and import on native SoftHSM2 2.6 only', () => {
    const files = loadExpectationFiles([], BENCH_EXPECTATIONS_DIR);
    const facts = { parsecVersion: '1.4.1', targetKind: 'native', backends: { softhsm2: '2.6.1-2.1' } };
    for (const op of ['generate', 'import']) {
      expect(matchExpectation(files, `pkcs11/bench/${op}`, facts)?.outcome).toBe('flaky');
      expect(matchExpectation(files, `pkcs11/bench/${op}`, { ...facts, targetKind: 'containers' })).toBeUndefined();
    }
    expect(matchExpectation(files, 'pkcs11/bench/sign', facts)).toBeUndefined();
    expect(matchExpectation(files, 'tpm/bench/generate', facts)).toBeUndefined();
  });
});
