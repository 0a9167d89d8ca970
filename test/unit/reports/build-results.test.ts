import type { AggregatedResult } from '@jest/test-result';
import { buildResults } from '../../../harness/reports/build-results';
import { renderResultsJson } from '../../../harness/reports/results-json';
import type { CaseMeta } from '../../../harness/kit/case-meta';
import { runContext } from './run-context-fixture';

const context = runContext();

function assertion(ancestorTitles: string[], title: string, status: string, failureMessages: string[] = []) {
  return { ancestorTitles, title, status, failureMessages, duration: 5, fullName: '', numPassingAsserts: 0 };
}

function aggregated(files: unknown[]): Pick<AggregatedResult, 'testResults' | 'startTime'> {
  return { startTime: 1000, testResults: files as AggregatedResult['testResults'] };
}

const metas = new Map<string, CaseMeta>([
  ['mbed/ping/passes', { id: 'mbed/ping/passes', suite: 'ping', provider: 'mbed', opcode: 'Ping', title: 'passes' }],
  [
    'mbed/ping/skips',
    { id: 'mbed/ping/skips', suite: 'ping', provider: 'mbed', opcode: 'Ping', title: 'skips', skipReason: 'because' },
  ],
  [
    'mbed/ping/deviates',
    {
      id: 'mbed/ping/deviates',
      suite: 'ping',
      provider: 'mbed',
      opcode: 'Ping',
      title: 'deviates',
      expectation: { source: 'f', case: 'mbed/ping/*', outcome: 'fail', reason: 'known' },
    },
  ],
  [
    'mbed/ping/fixed',
    {
      id: 'mbed/ping/fixed',
      suite: 'ping',
      provider: 'mbed',
      opcode: 'Ping',
      title: 'fixed',
      expectation: { source: 'f', case: 'mbed/ping/*', outcome: 'fail', reason: 'known' },
    },
  ],
  ...(['flaky-failed', 'flaky-passed'].map((title) => [
    `mbed/ping/${title}`,
    {
      id: `mbed/ping/${title}`,
      suite: 'ping',
      provider: 'mbed',
      opcode: 'Ping',
      title,
      expectation: { source: 'f', case: 'mbed/ping/flaky-*', outcome: 'flaky', reason: 'now and then' },
    },
  ]) as [string, CaseMeta][]),
  ['mbed/ping/lost', { id: 'mbed/ping/lost', suite: 'ping', provider: 'mbed', opcode: 'Ping', title: 'lost' }],
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

describe('buildResults', () => {
  const results = buildResults(
    aggregated([
      {
        testFilePath: '/root/suites/core/ping.test.ts',
        testResults: [
          assertion(['mbed', 'ping'], 'passes', 'passed'),
          assertion(['mbed', 'ping'], 'skips', 'pending'),
          assertion(['mbed', 'ping'], 'deviates', 'passed'),
          assertion(['mbed', 'ping'], 'fixed', 'failed'),
          assertion(['mbed', 'ping'], 'flaky-failed', 'passed'),
          assertion(['mbed', 'ping'], 'flaky-passed', 'passed'),
          assertion(['core', 'ping', 'v1'], 'in a variant', 'passed'),
        ],
      },
      {
        testFilePath: '/root/suites/core/broken.test.ts',
        testResults: [],
        failureMessage: '\u001b[31mSyntaxError\u001b[0m: x',
        testExecError: { message: 'x' },
      },
    ]),
    context,
    metas,
    new Map([
      ['mbed/ping/deviates', 'expected PsaErrorNotPermitted, got Success'],
      ['mbed/ping/flaky-failed', 'PsaErrorCommunicationFailure'],
    ]),
    '/root',
    3500,
  );
  const byId = new Map(results.cases.map((c) => [c.id, c]));

  it('maps Jest outcomes through the declared expectations', () => {
    expect(byId.get('mbed/ping/passes')?.status).toBe('passed');
    expect(byId.get('mbed/ping/skips')).toMatchObject({ status: 'skipped', message: 'because' });
    expect(byId.get('mbed/ping/deviates')).toMatchObject({
      status: 'expected-fail',
      message: 'known; observed: expected PsaErrorNotPermitted, got Success',
    });
    expect(byId.get('mbed/ping/fixed')).toMatchObject({ status: 'unexpected-pass', observed: 'passed' });
  });

  it('reports a case a flaky entry covers as flaky, saying which outcome it saw', () => {
    expect(byId.get('mbed/ping/flaky-failed')).toMatchObject({
      status: 'flaky',
      observed: 'failed',
      message: 'now and then; observed: failed (PsaErrorCommunicationFailure)',
      expectation: { outcome: 'flaky', source: 'f' },
    });
    expect(byId.get('mbed/ping/flaky-passed')).toMatchObject({ status: 'flaky', observed: 'passed' });
  });

  it('turns a test file that did not load, and a declared case never reported, into named failures', () => {
    expect(byId.get('harness/core/broken/suite-runs')).toMatchObject({ status: 'failed', message: 'SyntaxError: x' });
    expect(byId.get('mbed/ping/lost')).toMatchObject({ status: 'failed' });
  });

  it('gives a variant case its variant segment and field', () => {
    expect(byId.get('core/ping/v1/in-a-variant')).toMatchObject({ status: 'passed', variant: 'v1', suite: 'ping' });
  });

  it('records the target from the run context and the duration from Jest', () => {
    expect(results.target).toMatchObject({
      kind: 'native',
      parsecVersion: '1.4.1',
      parsecBinary: '/p/parsec',
      parsecSource: 'debian:trixie',
      backends: { mbedtls: '3.6.4-2' },
    });
    expect(results.target.providers.map((p) => p.id)).toEqual([1, 0]);
    expect(results.durationMs).toBe(2500);
  });

  it('serialises results.json with the documented keys', () => {
    const json = JSON.parse(renderResultsJson(results));
    expect(Object.keys(json)).toEqual(['target', 'startedAt', 'durationMs', 'cases']);
    expect(Object.keys(json.cases[0])).toEqual([
      'id',
      'suite',
      'provider',
      'opcode',
      'title',
      'status',
      'durationMs',
      'message',
      'file',
    ]);
  });
});
