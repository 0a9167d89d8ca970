import { renderJunit, xmlEscape } from '../../../harness/reports/junit';
import type { CaseResult, RunResults } from '../../../harness/reports/model';
import { runSucceeded } from '../../../harness/reports/model';

const base: Omit<CaseResult, 'id' | 'status' | 'message' | 'title'> = {
  suite: 'ping',
  provider: 'core',
  opcode: 'Ping',
  durationMs: 12,
};

function results(cases: CaseResult[]): RunResults {
  return {
    target: {
      kind: 'native',
      parsecVersion: '1.4.1',
      parsecBinary: '/x/parsec',
      providers: [{ id: 0, name: 'Core', version: '1.4.1' }],
    },
    startedAt: '2026-11-29T00:00:00.000Z',
    durationMs: 1500,
    cases,
  };
}

describe('renderJunit', () => {
  const xml = renderJunit(
    results([
      { ...base, id: 'core/ping/a', title: 'answers <1.0> & "more"', status: 'passed', message: '' },
      {
        ...base,
        id: 'core/ping/b',
        title: 'skipped one',
        status: 'skipped',
        message: 'PsaSignMessage (0x18) not listed by provider TPM (3)',
      },
      { ...base, id: 'core/ping/c', title: 'failed one', status: 'failed', message: 'expected X\nstack' },
      {
        ...base,
        provider: 'mbed',
        id: 'mbed/ping/d',
        title: 'known deviation',
        status: 'expected-fail',
        message: 'reason',
      },
      {
        ...base,
        provider: 'mbed',
        id: 'mbed/ping/e',
        title: 'stale deviation',
        status: 'unexpected-pass',
        message: 'x',
      },
    ]),
  );

  it('groups cases by <provider>.<suite> classname with counts', () => {
    expect(xml).toContain('<testsuite name="core.ping" tests="3" failures="1" errors="0" skipped="1"');
    expect(xml).toContain('<testsuite name="mbed.ping" tests="2" failures="1" errors="0" skipped="0"');
    expect(xml).toContain(
      '<testsuites name="parsec-conformance" tests="5" failures="2" errors="0" skipped="1" time="1.500">',
    );
  });

  it('escapes names and carries the skip reason as the skip message', () => {
    expect(xml).toContain('name="answers &lt;1.0&gt; &amp; &quot;more&quot;"');
    expect(xml).toContain('<skipped message="PsaSignMessage (0x18) not listed by provider TPM (3)"/>');
  });

  it('reports failures and unexpected passes as <failure>, expected failures as passing with the reason', () => {
    expect(xml).toContain('<failure message="expected X" type="failed">expected X\nstack</failure>');
    expect(xml).toContain('<failure message="unexpected pass" type="unexpected-pass">');
    expect(xml).toContain('<system-out>expected failure: reason</system-out>');
  });

  it('records the run metadata once', () => {
    expect(xml).toContain('<property name="parsec.version" value="1.4.1"/>');
    expect(xml.match(/parsec\.version/g)).toHaveLength(1);
  });

  it('does not repeat the provider when the suite is named after it', () => {
    const pin = renderJunit(
      results([
        {
          ...base,
          provider: 'pkcs11',
          suite: 'pkcs11-pin',
          variant: 'baseline',
          id: 'pkcs11/pkcs11-pin/baseline/hex',
          title: 'hex',
          status: 'passed',
          message: '',
        },
        {
          ...base,
          provider: 'pkcs11',
          suite: 'pkcs11-pin',
          variant: 'any-pin',
          id: 'pkcs11/pkcs11-pin/any-pin/hex',
          title: 'hex',
          status: 'passed',
          message: '',
        },
      ]),
    );
    expect(pin).toContain('<testsuite name="pkcs11-pin.baseline" tests="1"');
    expect(pin).toContain('<testcase classname="pkcs11-pin.any-pin" name="hex"');
    expect(pin).not.toContain('pkcs11.pkcs11-pin');
  });

  it('keeps <provider>.<suite> otherwise, also when the suite merely starts with the same letters', () => {
    const other = renderJunit(
      results([
        {
          ...base,
          provider: 'tpm',
          suite: 'list-opcodes',
          id: 'tpm/list-opcodes/a',
          title: 'a',
          status: 'passed',
          message: '',
        },
        {
          ...base,
          provider: 'pkcs',
          suite: 'pkcs11-pin',
          id: 'pkcs/pkcs11-pin/a',
          title: 'a',
          status: 'passed',
          message: '',
        },
        {
          ...base,
          provider: 'pkcs11',
          suite: 'pkcs11',
          id: 'pkcs11/pkcs11/a',
          title: 'a',
          status: 'passed',
          message: '',
        },
      ]),
    );
    expect(other).toContain('<testcase classname="tpm.list-opcodes" name="a"');
    expect(other).toContain('<testcase classname="pkcs.pkcs11-pin" name="a"');
    expect(other).toContain('<testcase classname="pkcs11.pkcs11" name="a"');
  });

  it('drops characters XML cannot carry', () => {
    expect(xmlEscape('a\u0000b\u001bc')).toBe('abc');
  });
});

describe('runSucceeded', () => {
  const c = (status: CaseResult['status']): CaseResult => ({ ...base, id: status, title: status, status, message: '' });
  it('is green with passes, skips and expected failures only', () => {
    expect(runSucceeded([c('passed'), c('skipped'), c('expected-fail')])).toBe(true);
  });
  it('is red on a failure or an unexpected pass, and on an empty run', () => {
    expect(runSucceeded([c('passed'), c('failed')])).toBe(false);
    expect(runSucceeded([c('unexpected-pass')])).toBe(false);
    expect(runSucceeded([])).toBe(false);
  });
});
