import type { AggregatedResult } from '@jest/test-result';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runContext } from './run-context-fixture';
import type { CaseMeta, CaseSpan } from '../../../harness/kit/case-meta';
import { buildResults } from '../../../harness/reports/build-results';
import { parseTimestampedLog, withCaseRecords } from '../../../harness/reports/case-logs';
import { CASE_STATUSES, RESULTS_FORMAT_VERSION, type RunResults } from '../../../harness/reports/model';
import { renderResultsJson } from '../../../harness/reports/results-json';
import { harnessInfo } from '../../../harness/reports/run-record';
import { resultsSchema, resultsSchemaErrors } from '../../fixtures/results/results-schema';

const ROOT = join(__dirname, '..', '..', '..');

const context = runContext({
  packageVersion: '1.4.1-3',
  features: ['unix-peer-credentials-authenticator'],
  backends: { mbedtls: '3.6.4-2', softhsm2: '2.6.1-3' },
});

const meta = (title: string, extra: Partial<CaseMeta> = {}): [string, CaseMeta] => {
  const id = `mbed/ping/${title}`;
  return [id, { id, suite: 'ping', provider: 'mbed', opcode: 'Ping', title, ...extra }];
};
const entry = (outcome: 'fail' | 'flaky') => ({
  source: 'fixtures/expectations/parsec.json',
  case: 'mbed/ping/*',
  outcome,
  reason: 'known',
  evidence: 'seen on 1.4.1',
  link: 'https://example.org/issue/1',
});

/** One case of every status, every optional field of a case and of the run filled in, through the real code paths. */
function syntheticRun(): RunResults {
  const metas = new Map<string, CaseMeta>([
    meta('passes'),
    meta('fails'),
    meta('skips', { skipReason: 'because' }),
    meta('deviates', { expectation: entry('fail') }),
    meta('fixed', { expectation: entry('fail') }),
    meta('wobbles', { expectation: entry('flaky') }),
    [
      'core/ping/v1/in-a-variant',
      {
        id: 'core/ping/v1/in-a-variant',
        suite: 'ping',
        variant: 'v1',
        provider: 'core',
        opcode: 'Ping',
        title: 'in a variant',
      },
    ],
  ]);
  const a = (ancestorTitles: string[], title: string, status: string, failureMessages: string[] = []) => ({
    ancestorTitles,
    title,
    status,
    failureMessages,
    duration: 5,
    fullName: '',
    numPassingAsserts: 0,
  });
  const aggregated = {
    startTime: 1000,
    testResults: [
      {
        testFilePath: join(ROOT, 'suites/core/ping.test.ts'),
        testResults: [
          a(['mbed', 'ping'], 'passes', 'passed'),
          a(['mbed', 'ping'], 'fails', 'failed', ['PsaSignHash on provider 1 answered PsaErrorNotPermitted (1133)']),
          a(['mbed', 'ping'], 'skips', 'pending'),
          a(['mbed', 'ping'], 'deviates', 'passed'),
          a(['mbed', 'ping'], 'fixed', 'failed'),
          a(['mbed', 'ping'], 'wobbles', 'passed'),
          a(['core', 'ping', 'v1'], 'in a variant', 'passed'),
        ],
      },
    ] as unknown as AggregatedResult['testResults'],
  };
  const built = buildResults(
    aggregated,
    context,
    metas,
    new Map([
      ['mbed/ping/deviates', 'expected Success, got PsaErrorNotPermitted'],
      ['mbed/ping/wobbles', 'CKR_GENERAL_ERROR'],
    ]),
    ROOT,
    3500,
    new Map([['mbed/ping/passes', { loginAttempts: 1 }]]),
  );
  const span = (id: string, from: string, to: string): [string, CaseSpan] => [
    id,
    { id, startedAt: `2026-11-29T00:00:${from}Z`, endedAt: `2026-11-29T00:00:${to}Z` },
  ];
  const spans = new Map([span('mbed/ping/passes', '01.000', '01.010'), span('mbed/ping/fails', '02.000', '02.010')]);
  const log = parseTimestampedLog(
    [
      '[2026-11-29T00:00:01.005Z INFO  parsec_service::front::front_end] New request received',
      '[2026-11-29T00:00:02.005Z ERROR parsec_service::providers::mbed_crypto] not permitted',
    ].join('\n'),
  );
  const request = { opcode: 'PsaSignHash', provider: 'mbed', status: 'PsaErrorNotPermitted', summary: 'keyName: "k"' };
  const cases = withCaseRecords(built.cases, spans, new Map([['mbed/ping/fails', request]]), [{ entries: log }]);
  return {
    formatVersion: RESULTS_FORMAT_VERSION,
    harness: { ...harnessInfo(ROOT), commit: 'a'.repeat(40) },
    options: {
      argv: ['run', '--suite', 'core/ping', '--shard', '1/2', '--repeat', '2'],
      suites: ['core/ping'],
      workers: 1,
      strict: true,
      profiles: ['/tmp/profile.json'],
      shard: { index: 1, count: 2 },
      repeat: 2,
    },
    ...built,
    cases,
    expectationFiles: ['fixtures/expectations/parsec.json'],
    mergedFrom: [{ shard: '1/2', startedAt: '2026-11-29T00:00:00.000Z' }],
    deferredChecks: { advertised: [{ key: 'mbed', listed: [1, 2] }], unmatchedEntries: [], todoEntries: [] },
    repeats: { rounds: 2, changed: [{ id: 'mbed/ping/wobbles', outcomes: { passed: 1, flaky: 1 } }] },
  };
}

describe('the results.json schema', () => {
  const written = JSON.parse(renderResultsJson(syntheticRun())) as RunResults;

  it('accepts a run with a case of every status and every optional field', () => {
    expect(resultsSchemaErrors(written)).toEqual([]);
    expect(new Set(written.cases.map((c) => c.status))).toEqual(new Set(CASE_STATUSES));
    const fails = written.cases.find((c) => c.id === 'mbed/ping/fails');
    expect(fails).toMatchObject({
      startedAt: '2026-11-29T00:00:02.000Z',
      failedRequest: { opcode: 'PsaSignHash', status: 'PsaErrorNotPermitted' },
      logLines: ['[2026-11-29T00:00:02.005Z ERROR parsec_service::providers::mbed_crypto] not permitted'],
    });
    expect(written.cases.find((c) => c.id === 'mbed/ping/wobbles')).toMatchObject({
      status: 'flaky',
      observed: 'failed',
    });
  });

  it('describes every field the renderer writes (none goes unchecked)', () => {
    const top = Object.keys(resultsSchema.properties as object);
    const caseFields = Object.keys((resultsSchema.$defs as { case: { properties: object } }).case.properties);
    expect(Object.keys(written).filter((k) => !top.includes(k))).toEqual([]);
    expect(written.cases.flatMap((c) => Object.keys(c)).filter((k) => !caseFields.includes(k))).toEqual([]);
  });

  it("holds the model's format version", () => {
    expect((resultsSchema.properties as { formatVersion: { const: number } }).formatVersion.const).toBe(
      RESULTS_FORMAT_VERSION,
    );
    expect(written.formatVersion).toBe(2);
  });

  it('rejects a file without formatVersion', () => {
    const { formatVersion: _dropped, ...broken } = written;
    expect(resultsSchemaErrors(broken)).toEqual(["/ must have required property 'formatVersion'"]);
  });

  it('rejects a case with a status outside the vocabulary', () => {
    const broken = { ...written, cases: [{ ...written.cases[0], status: 'green' }] };
    expect(resultsSchemaErrors(broken)).toEqual(['/cases/0/status must be equal to one of the allowed values']);
  });

  it('rejects a field it does not describe, a harness without a version, and a commit that is not a hash', () => {
    expect(resultsSchemaErrors({ ...written, pin: '1234' })).toEqual(['/ must NOT have additional properties (pin)']);
    const { version: _v, ...harness } = written.harness ?? { version: '', contract: '' };
    expect(resultsSchemaErrors({ ...written, harness })).toEqual(["/harness must have required property 'version'"]);
    expect(resultsSchemaErrors({ ...written, harness: { ...harness, version: '1', commit: 'HEAD' } })).toEqual([
      '/harness/commit must match pattern "^[0-9a-f]{40,64}$"',
    ]);
  });

  it('records the harness version of package.json and the contract of the wire client', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(harnessInfo(ROOT)).toMatchObject({
      version: pkg.version,
      contract: expect.stringMatching(/^parsec-interface \d/),
    });
  });

  it('leaves the commit out where the harness is no git checkout (an unpacked npm package)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-no-checkout-'));
    try {
      writeFileSync(join(dir, 'package.json'), '{"version": "9.9.9"}');
      expect(harnessInfo(dir)).toEqual({ version: '9.9.9', contract: expect.any(String) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
