import type { CaseResult, RunResults } from '../../../harness/reports/model';

/** A small run with one case of each status, a variant suite, an expectation entry and hostile text. */
export const HOSTILE = `<script>alert("x")</script> & 'quotes' </script><!-- https://evil.example/x`;

const base = { suite: 'ping', provider: 'core', opcode: 'Ping', durationMs: 3, message: '' } as const;

export function sampleCases(): CaseResult[] {
  return [
    { ...base, id: 'core/ping/answers', title: 'answers', status: 'passed' },
    {
      ...base,
      id: 'mbed/psa-sign-hash/broken',
      suite: 'psa-sign-hash',
      provider: 'mbed',
      opcode: 'PsaSignHash',
      title: 'broken <one>',
      status: 'failed',
      message: `${HOSTILE}\nsecond line`,
      file: 'suites/crypto/psa-sign-hash.test.ts',
      failedRequest: { opcode: 'PsaSignHash', provider: 'mbed', status: 'PsaErrorGenericError', summary: 'key "k<1>"' },
      logLines: ['[2026-11-29T00:00:00Z ERROR parsec] <bad> & worse'],
    },
    {
      ...base,
      id: 'pkcs11/psa-sign-hash/rsa-pss',
      suite: 'psa-sign-hash',
      provider: 'pkcs11',
      opcode: 'PsaSignHash',
      title: 'RSA PSS',
      status: 'expected-fail',
      message: 'PSS is NotSupported; observed: PsaErrorNotSupported',
      observed: 'failed',
      expectation: {
        source: 'fixtures/expectations/parsec.json',
        case: 'pkcs11/psa-sign-hash/rsa-pss*',
        outcome: 'fail',
        reason: 'PSS is NotSupported',
        evidence: 'parsec.log <line>',
      },
    },
    { ...base, id: 'tpm/ping/skipped', provider: 'tpm', title: 'skipped', status: 'skipped', message: 'not listed' },
    {
      ...base,
      id: 'pkcs11/load/concurrent',
      suite: 'load',
      provider: 'pkcs11',
      opcode: 'PsaGenerateKey',
      title: 'concurrent',
      status: 'flaky',
      observed: 'passed',
      message: 'CKR_GENERAL_ERROR now and then',
      expectation: {
        source: 'fixtures/expectations/softhsm2.json',
        case: 'pkcs11/load/*',
        outcome: 'flaky',
        reason: 'now and then',
      },
    },
    { ...base, id: 'mbed/ping/stale', provider: 'mbed', title: 'stale', status: 'unexpected-pass', message: 'passed' },
    {
      ...base,
      id: 'pkcs11/pkcs11-pin/empty-pin/pin-a',
      suite: 'pkcs11-pin',
      variant: 'empty-pin',
      provider: 'pkcs11',
      opcode: 'PsaGenerateKey',
      title: 'pin a',
      status: 'passed',
    },
    {
      ...base,
      id: 'harness/hygiene/no-keys-left-behind',
      suite: 'hygiene',
      provider: 'harness',
      opcode: 'ListKeys',
      title: 'no keys',
      status: 'passed',
    },
  ];
}

export function sampleRun(cases: CaseResult[] = sampleCases()): RunResults {
  return {
    formatVersion: 2,
    harness: { version: '0.1.0', commit: '0123456789abcdef0123', contract: 'parsec-operations 1.0' },
    options: { argv: ['run', '--suite', 'core/*'], suites: ['core/*'], workers: 1, strict: false, profiles: [] },
    target: {
      kind: 'native',
      parsecVersion: '1.4.1',
      parsecBinary: '/p/parsec',
      parsecSource: 'debian:trixie',
      backends: { softhsm2: '2.6.1-3', swtpm: '0.7.1' },
      providers: [{ id: 1, name: 'Mbed Crypto provider', version: '0.1.0' }],
    },
    startedAt: '2026-11-29T00:00:00.000Z',
    durationMs: 1500,
    cases,
    expectationFiles: ['fixtures/expectations/parsec.json'],
    repeats: { rounds: 3, changed: [{ id: 'pkcs11/load/concurrent', outcomes: { passed: 2, failed: 1 } }] },
  };
}
