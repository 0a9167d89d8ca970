import { MergeError, mergeRuns, type MergeInput } from '../../../harness/reports/merge';
import { runSucceeded, type CaseResult, type CaseStatus, type RunResults } from '../../../harness/reports/model';
import { renderResultsJson } from '../../../harness/reports/results-json';
import { OPCODE_NAMES } from '../../../harness/wire';
import { resultsSchemaErrors } from '../../fixtures/results/results-schema';

const one = (id: string, status: CaseStatus = 'passed', opcode = 'Ping', message = ''): CaseResult => ({
  id,
  suite: id.split('/')[1] as string,
  provider: id.split('/')[0] as string,
  opcode,
  title: id,
  status,
  durationMs: 5,
  message,
});

const hygiene = (status: CaseStatus = 'passed', message = ''): CaseResult => ({
  ...one('harness/hygiene/no-keys-left-behind', status, 'ListKeys', message),
});

/** Every opcode covered on mbed, spread over the shards by index. */
const covering = (index: number, count: number): CaseResult[] =>
  OPCODE_NAMES.filter((_, k) => k % count === index - 1).map((n) => one(`mbed/${n}/works`, 'passed', n));

const shard = (index: number, count: number, cases: CaseResult[], over: Partial<RunResults> = {}): MergeInput => ({
  source: `shard-${index}/results.json`,
  results: {
    formatVersion: 2,
    harness: { version: '0.1.0', commit: 'a'.repeat(40), contract: 'parsec-interface 0.29' },
    options: {
      argv: ['run', '--shard', `${index}/${count}`, '--out', `shard-${index}`],
      suites: [],
      workers: 1,
      strict: false,
      profiles: [],
      shard: { index, count },
    },
    target: {
      kind: 'native',
      parsecVersion: '1.4.1',
      parsecBinary: `/ci/job-${index}/.cache/parsec/trixie/usr/bin/parsec`,
      parsecSource: 'debian:trixie',
      backends: { softhsm2: '2.6.1' },
      startupMs: 100 + index,
      providers: [{ id: 1, name: 'Mbed Crypto provider', version: '0.1.0' }],
    },
    startedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, index)).toISOString(),
    durationMs: 10_000,
    cases: [...cases, ...covering(index, count), hygiene()],
    deferredChecks: {
      advertised: [{ key: 'mbed', listed: [1, 2, 3] }],
      unmatchedEntries: ['mbed/gone/* (parsec.json)', `mbed/only-matched-elsewhere-${index} (parsec.json)`],
      todoEntries: [],
    },
    ...over,
  },
});

const three = (): MergeInput[] => [
  shard(2, 3, [one('mbed/b/x')]),
  shard(1, 3, [one('mbed/a/x'), one('mbed/a/y', 'expected-fail')]),
  shard(3, 3, [one('core/c/x', 'skipped')]),
];

describe('mergeRuns', () => {
  it('gives the cases of all shards in shard order, one hygiene check, and records where each came from', () => {
    const m = mergeRuns(three());
    const ids = m.cases.map((c) => c.id);
    expect(ids.filter((id) => !id.startsWith('mbed/Psa') && !/^mbed\/[A-Z]/.test(id))).toEqual([
      'mbed/a/x',
      'mbed/a/y',
      'harness/hygiene/no-keys-left-behind',
      'mbed/b/x',
      'core/c/x',
      'harness/expectations/every-entry-matches-a-case',
      'harness/expectations/no-todo-entries',
    ]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(m.mergedFrom).toEqual([
      { shard: '1/3', startedAt: '2025-01-01T00:00:01.000Z' },
      { shard: '2/3', startedAt: '2025-01-01T00:00:02.000Z' },
      { shard: '3/3', startedAt: '2025-01-01T00:00:03.000Z' },
    ]);
    expect(m.options?.shard).toBeUndefined();
    expect(m.options?.argv).toEqual(['run', '--out', 'shard-1']);
    expect(m.deferredChecks).toBeUndefined();
    expect(m.startedAt).toBe('2025-01-01T00:00:01.000Z');
    expect(m.durationMs).toBe(12_000); // from the first start to the last end
    expect(runSucceeded(m.cases)).toBe(true);
  });

  it('writes a results.json that the schema accepts, and that reads back as it was', () => {
    const m = mergeRuns(three());
    const written = JSON.parse(renderResultsJson(m));
    expect(resultsSchemaErrors(written)).toEqual([]);
    expect(written.mergedFrom).toEqual(m.mergedFrom);
    expect(written.cases).toHaveLength(m.cases.length);
  });

  it('judges the run-level checks on the merged cases: coverage of all shards, entries unmatched in every shard', () => {
    const m = mergeRuns(three());
    expect(m.cases.filter((c) => c.id.startsWith('harness/coverage/'))).toEqual([]);
    const stale = m.cases.find((c) => c.id === 'harness/expectations/every-entry-matches-a-case');
    expect(stale).toMatchObject({ status: 'skipped' }); // judged only with --strict
    expect(stale?.message).toContain('mbed/gone/* (parsec.json)');
    expect(stale?.message).not.toContain('only-matched-elsewhere');

    const strict = three().map((i) => ({
      ...i,
      results: { ...i.results, options: { ...i.results.options!, strict: true } },
    }));
    expect(mergeRuns(strict).cases.find((c) => c.id === stale?.id)?.status).toBe('failed');

    // Drop the shard that covered PsaSignHash: merge names the gap the way a full run would.
    const lost = three().map((i) => ({
      ...i,
      results: { ...i.results, cases: i.results.cases.filter((c) => c.opcode !== 'PsaSignHash') },
    }));
    const gaps = mergeRuns(lost).cases.filter((c) => c.id.startsWith('harness/coverage/'));
    expect(gaps.map((g) => [g.id, g.status])).toEqual([['harness/coverage/mbed-PsaSignHash', 'failed']]);
  });

  it('does not judge the run-level checks when shards are missing or not of a full run', () => {
    const partial = mergeRuns(three().slice(0, 2), { allowPartial: true });
    expect(partial.cases.some((c) => c.id.startsWith('harness/expectations/'))).toBe(false);
    const selection = three().map((i) => ({ ...i, results: { ...i.results, deferredChecks: undefined } }));
    expect(mergeRuns(selection).cases.some((c) => c.id.startsWith('harness/coverage/'))).toBe(false);
  });

  it('takes the worst outcome of a run-level check that ran in every shard, with each shard’s message', () => {
    const inputs = three();
    const s2 = shard(2, 3, [one('mbed/b/x')]);
    inputs[0] = {
      ...s2,
      results: {
        ...s2.results,
        cases: [...s2.results.cases.filter((c) => c.provider !== 'harness'), hygiene('failed', 'keys left: k1')],
      },
    };
    const m = mergeRuns(inputs);
    const h = m.cases.filter((c) => c.id === 'harness/hygiene/no-keys-left-behind');
    expect(h).toEqual([expect.objectContaining({ status: 'failed', message: 'shard-2/results.json: keys left: k1' })]);
    expect(runSucceeded(m.cases)).toBe(false);
  });

  it('keeps a failed case failed: the merged verdict fails', () => {
    const inputs = three();
    inputs[2] = shard(3, 3, [one('core/c/x', 'failed', 'Ping', 'PsaErrorGenericError')]);
    expect(runSucceeded(mergeRuns(inputs).cases)).toBe(false);
  });

  it('merges a shard whose target could not start, which fails the merged run', () => {
    const inputs = three();
    inputs[2] = {
      source: 'shard-3/results.json',
      results: {
        target: { kind: 'native', parsecVersion: 'unknown', parsecBinary: 'unknown', providers: [] },
        harness: inputs[1]!.results.harness!,
        options: { ...inputs[1]!.results.options!, shard: { index: 3, count: 3 } },
        startedAt: '2025-01-01T00:00:03.000Z',
        durationMs: 10,
        cases: [one('harness/target/starts', 'failed', 'n/a', 'Parsec exited')],
      },
    };
    const m = mergeRuns(inputs);
    expect(m.target.parsecVersion).toBe('1.4.1');
    expect(m.cases).toContainEqual(expect.objectContaining({ id: 'harness/target/starts', status: 'failed' }));
    expect(m.cases.some((c) => c.id.startsWith('harness/coverage/'))).toBe(false);
    expect(runSucceeded(m.cases)).toBe(false);
  });

  describe('refuses what is not one run', () => {
    const refuses = (inputs: MergeInput[], message: RegExp) => {
      expect(() => mergeRuns(inputs)).toThrow(MergeError);
      expect(() => mergeRuns(inputs)).toThrow(message);
    };
    it('different harness versions or commits', () => {
      const inputs = three();
      inputs[1] = shard(1, 3, [], { harness: { version: '0.2.0', contract: 'x' } });
      refuses(
        inputs,
        /shard-2\/results\.json and shard-1\/results\.json come from different harness versions: 0\.1\.0 \(commit a+\) vs 0\.2\.0/,
      );
      const commit = three();
      commit[1] = shard(1, 3, [], { harness: { version: '0.1.0', commit: 'b'.repeat(40), contract: 'x' } });
      refuses(commit, /different harness versions/);
      const unknown = three();
      unknown[1] = shard(1, 3, [], { harness: undefined });
      refuses(unknown, /0\.1\.0 \(commit a+\) vs unknown/);
    });
    it('different Parsec versions, target kinds or backend versions', () => {
      const base = three()[1]!.results.target;
      const version = three();
      version[1] = shard(1, 3, [], { target: { ...base, parsecVersion: '1.5.0' } });
      refuses(version, /different targets \(Parsec version: 1\.4\.1 vs 1\.5\.0\).*parsec-conformance diff/);
      const kind = three();
      kind[1] = shard(1, 3, [], { target: { ...base, kind: 'containers' } });
      refuses(kind, /target kind: native vs containers/);
      const backend = three();
      backend[1] = shard(1, 3, [], { target: { ...base, backends: { softhsm2: '2.6.2' } } });
      refuses(backend, /backend softhsm2: 2\.6\.1 vs 2\.6\.2/);
    });
    it('one case id with two statuses', () => {
      const inputs = three();
      inputs[0] = shard(2, 3, [one('mbed/a/x', 'failed')]);
      refuses(inputs, /case mbed\/a\/x is passed in shard-1\/results\.json but failed in shard-2\/results\.json/);
    });
    it('a shard given twice, shards of different counts, a missing shard', () => {
      refuses([...three(), shard(2, 3, [])], /shard 2\/3 is given twice/);
      refuses([shard(1, 3, []), shard(2, 2, [])], /different shardings/);
      refuses(three().slice(1), /shard 2\/3 missing: give every shard's results\.json.*--allow-partial/);
      refuses([], /nothing to merge/);
    });
  });
});
