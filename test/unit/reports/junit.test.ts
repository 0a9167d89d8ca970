import { renderJunit, xmlEscape } from '../../../harness/reports/junit';
import type { CaseResult, RunResults } from '../../../harness/reports/model';
import { runSucceeded } from '../../../harness/reports/model';
import { xmllintValidate } from '../../fixtures/junit/xmllint';

const base: Omit<CaseResult, 'id' | 'status' | 'message' | 'title'> = {
  suite: 'ping',
  provider: 'core',
  opcode: 'Ping',
  durationMs: 12,
};

/** Results of a run under --strict (the release gate) unless `strict` says otherwise. */
function results(cases: CaseResult[], target: Partial<RunResults['target']> = {}, strict = true): RunResults {
  return {
    options: { argv: [], suites: [], workers: 1, strict, profiles: [] },
    target: {
      kind: 'native',
      parsecVersion: '1.4.1',
      parsecBinary: '/x/parsec',
      providers: [{ id: 0, name: 'Core', version: '1.4.1' }],
      ...target,
    },
    startedAt: '2026-11-29T00:00:00.000Z',
    durationMs: 1500,
    cases,
  };
}

/** The <testcase> element of one case, by its id property. */
function testcaseOf(xml: string, id: string): string {
  const found = xml
    .split(/(?=<testcase )/)
    .map((part) => part.slice(0, part.indexOf('</testcase>') + '</testcase>'.length))
    .find((tc) => tc.includes(`<property name="id" value="${id}"/>`));
  if (!found) throw new Error(`no testcase with id ${id} in:\n${xml}`);
  return found;
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

  it('groups cases by <provider>.<suite> classname with counts; an expected failure counts as skipped', () => {
    expect(xml).toContain('<testsuite name="core.ping" tests="3" failures="1" errors="0" skipped="1"');
    expect(xml).toContain('<testsuite name="mbed.ping" tests="2" failures="1" errors="0" skipped="1"');
    expect(xml).toContain(
      '<testsuites name="parsec-conformance" tests="5" failures="2" errors="0" skipped="2" time="1.500">',
    );
  });

  it('without --strict shows an unexpected pass as a skip that says so, as the gate passes', () => {
    const lenient = renderJunit(
      results(
        [
          {
            ...base,
            provider: 'mbed',
            id: 'mbed/ping/e',
            title: 'stale deviation',
            status: 'unexpected-pass',
            message: 'x',
          },
        ],
        {},
        false,
      ),
    );
    expect(lenient).toContain('failures="0" errors="0" skipped="1"');
    expect(testcaseOf(lenient, 'mbed/ping/e')).toContain(
      '<skipped type="unexpected-pass" message="x (fails the gate with --strict)">',
    );
    expect(xmllintValidate(lenient).code).toBe(0);
  });

  it('escapes names and carries the skip reason as the skip message', () => {
    expect(xml).toContain('name="answers &lt;1.0&gt; &amp; &quot;more&quot;"');
    expect(xml).toContain('<skipped message="PsaSignMessage (0x18) not listed by provider TPM (3)"/>');
  });

  it('reports failures and unexpected passes as <failure>, expected failures as skipped with pytest.xfail', () => {
    expect(xml).toContain('<failure message="expected X" type="failed">expected X\nstack</failure>');
    expect(xml).toContain('<failure message="x" type="unexpected-pass">x</failure>');
    expect(testcaseOf(xml, 'mbed/ping/d')).toContain('<skipped type="pytest.xfail" message="reason">');
    expect(xml).not.toContain('<system-out>');
  });

  it('records the run metadata at the root and again in every suite', () => {
    expect(xml).toContain('<property name="parsec.version" value="1.4.1"/>');
    // Root, core.ping and mbed.ping.
    expect(xml.match(/<property name="parsec\.version"/g)).toHaveLength(3);
    expect(xml.match(/<property name="parsec\.binary"/g)).toHaveLength(1);
  });

  it('is valid against the JUnit XSD', () => {
    expect(xmllintValidate(xml)).toEqual({ code: 0, output: '- validates' });
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

describe('renderJunit: every status, hostile text, the environment', () => {
  const sign: Omit<CaseResult, 'id' | 'status' | 'message' | 'title'> = {
    suite: 'psa-sign-hash',
    provider: 'pkcs11',
    opcode: 'PsaSignHash',
    durationMs: 40,
    file: 'suites/crypto/psa-sign-hash.test.ts',
  };
  const expectation = {
    source: 'fixtures/expectations/parsec.json',
    case: 'pkcs11/psa-sign-hash/*',
    reason: 'SoftHSM2 answers CKR_GENERAL_ERROR under load',
    evidence: 'parsec issue #123 & "log" <line>',
  };
  const cases: CaseResult[] = [
    { ...sign, id: 'pkcs11/psa-sign-hash/passes', title: 'signs ECDSA P-256 — ✓ 鍵', status: 'passed', message: '' },
    {
      ...sign,
      id: 'pkcs11/psa-sign-hash/fails',
      title: 'quotes \' and " and a bell \u0007',
      status: 'failed',
      message: 'expected PsaErrorNotPermitted, got Success\u001b[31m <red> & more\n    at suites/crypto/x.ts:1',
      logLines: ['[INFO parsec] request <PsaSignHash> & "ok"', 'NUL\u0000 dropped'],
      failedRequest: { opcode: 'PsaSignHash', provider: 'pkcs11', status: 'Success', summary: 'key k1, ECDSA' },
    },
    {
      ...sign,
      id: 'pkcs11/psa-sign-hash/skips',
      title: 'skips',
      status: 'skipped',
      message: 'PsaSignMessage (0x18) not listed\nby provider TPM (3)',
    },
    {
      ...sign,
      id: 'pkcs11/psa-sign-hash/xfail',
      title: 'known deviation',
      status: 'expected-fail',
      message: 'SoftHSM2 answers CKR_GENERAL_ERROR under load; observed: PsaErrorHardwareFailure',
      observed: 'failed',
      expectation: { ...expectation, outcome: 'fail' },
    },
    {
      ...sign,
      id: 'pkcs11/psa-sign-hash/xpass',
      title: 'stale deviation',
      status: 'unexpected-pass',
      message: 'expected to fail (old reason) but passed',
      observed: 'passed',
    },
    {
      ...sign,
      id: 'pkcs11/psa-sign-hash/flaky-passed',
      title: 'flaky, passed this time',
      status: 'flaky',
      message: 'SoftHSM2 answers CKR_GENERAL_ERROR under load',
      observed: 'passed',
      expectation: { ...expectation, outcome: 'flaky' },
    },
    {
      ...sign,
      id: 'pkcs11/psa-sign-hash/flaky-failed',
      title: 'flaky, failed this time',
      status: 'flaky',
      message: 'SoftHSM2 answers CKR_GENERAL_ERROR under load',
      observed: 'failed',
      expectation: { ...expectation, outcome: 'flaky' },
    },
    // A harness check has no suite file: no file attribute.
    {
      id: 'harness/hygiene/no-keys-left-behind',
      suite: 'hygiene',
      provider: 'harness',
      opcode: 'n/a',
      title: 'no keys left behind',
      status: 'passed',
      durationMs: 3,
      message: '',
    },
  ];
  const xml = renderJunit(
    results(cases, {
      parsecSource: 'debian:trixie',
      backends: { softhsm2: '2.6.1', 'tpm2-tss': '4.1.3', 'x"<&>': 'v\u0001' },
      features: ['mbed-crypto-provider', 'pkcs11-provider'],
    }),
  );

  it('is well-formed and valid against the JUnit XSD', () => {
    expect(xmllintValidate(xml)).toEqual({ code: 0, output: '- validates' });
  });

  it('writes an expected failure as <skipped type="pytest.xfail"> with the reason, what was observed, the entry', () => {
    const tc = testcaseOf(xml, 'pkcs11/psa-sign-hash/xfail');
    expect(tc).toContain(
      '<skipped type="pytest.xfail" message="SoftHSM2 answers CKR_GENERAL_ERROR under load; observed: PsaErrorHardwareFailure">',
    );
    expect(tc).toContain('expectation: fail pkcs11/psa-sign-hash/* (fixtures/expectations/parsec.json)');
    expect(tc).toContain('evidence: parsec issue #123 &amp; &quot;log&quot; &lt;line&gt;');
    expect(tc).toContain('<property name="status" value="expected-fail"/>');
    expect(tc).toContain('<property name="observed" value="failed"/>');
  });

  it('writes a flaky case that passed as a pass and one that failed as <skipped type="flaky">, never a failure', () => {
    const passed = testcaseOf(xml, 'pkcs11/psa-sign-hash/flaky-passed');
    expect(passed).toContain('<property name="status" value="flaky"/>');
    expect(passed).not.toMatch(/<skipped|<failure|<error/);
    const failed = testcaseOf(xml, 'pkcs11/psa-sign-hash/flaky-failed');
    expect(failed).toContain(
      '<skipped type="flaky" message="SoftHSM2 answers CKR_GENERAL_ERROR under load; observed: failed">',
    );
    expect(failed).not.toMatch(/<failure|<error/);
  });

  it('counts exactly the elements it writes', () => {
    const suite = /<testsuite name="pkcs11\.psa-sign-hash"[^>]*>/.exec(xml)?.[0];
    expect(suite).toContain('tests="7" failures="2" errors="0" skipped="3"');
    expect(xml).toContain('<testsuites name="parsec-conformance" tests="8" failures="2" errors="0" skipped="3"');
    expect(xml.match(/<skipped /g)).toHaveLength(3);
    expect(xml.match(/<failure /g)).toHaveLength(2);
  });

  it('gives a failure its first line as message, the request and the service log lines, escaped', () => {
    const tc = testcaseOf(xml, 'pkcs11/psa-sign-hash/fails');
    expect(tc).toContain(
      '<failure message="expected PsaErrorNotPermitted, got Success[31m &lt;red&gt; &amp; more" type="failed">',
    );
    expect(tc).toContain('request: PsaSignHash to pkcs11, answered Success (key k1, ECDSA)</failure>');
    expect(tc).toContain(
      '<system-out>[INFO parsec] request &lt;PsaSignHash&gt; &amp; &quot;ok&quot;\nNUL dropped</system-out>',
    );
    expect(tc).toContain('name="quotes &apos; and &quot; and a bell "');
  });

  it('keeps unicode as is and line breaks inside attributes as references', () => {
    expect(xml).toContain('name="signs ECDSA P-256 — ✓ 鍵"');
    expect(xml).toContain('<skipped message="PsaSignMessage (0x18) not listed&#10;by provider TPM (3)"/>');
    // eslint-disable-next-line no-control-regex
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });

  it('puts the suite file on each case and on its suite, and none on a harness check', () => {
    expect(testcaseOf(xml, 'pkcs11/psa-sign-hash/passes')).toContain(
      'time="0.040" file="suites/crypto/psa-sign-hash.test.ts">',
    );
    expect(xml).toMatch(/<testsuite name="pkcs11\.psa-sign-hash"[^>]* file="suites\/crypto\/psa-sign-hash\.test\.ts">/);
    expect(testcaseOf(xml, 'harness/hygiene/no-keys-left-behind')).not.toContain('file=');
  });

  it('gives every suite the provider, the target, Parsec and the backends as properties', () => {
    const suiteProps = (name: string) => {
      const start = xml.indexOf(`<testsuite name="${name}"`);
      return xml.slice(start, xml.indexOf('</properties>', start));
    };
    for (const [name, provider] of [
      ['pkcs11.psa-sign-hash', 'pkcs11'],
      ['harness.hygiene', 'harness'],
    ]) {
      const props = suiteProps(name);
      expect(props).toContain(`<property name="provider" value="${provider}"/>`);
      expect(props).toContain('<property name="target.kind" value="native"/>');
      expect(props).toContain('<property name="parsec.version" value="1.4.1"/>');
      expect(props).toContain('<property name="parsec.source" value="debian:trixie"/>');
      expect(props).toContain('<property name="backend.softhsm2" value="2.6.1"/>');
      expect(props).toContain('<property name="backend.tpm2-tss" value="4.1.3"/>');
      expect(props).toContain('<property name="backend.x&quot;&lt;&amp;&gt;" value="v"/>');
    }
    const root = xml.slice(0, xml.indexOf('<testsuite '));
    expect(root).toContain('<property name="parsec.features" value="mbed-crypto-provider,pkcs11-provider"/>');
    expect(root).toContain('<property name="providers" value="0:Core@1.4.1"/>');
  });
});

describe('the JUnit XSD rejects what consumers would not read', () => {
  const valid = renderJunit(
    results([
      { ...base, id: 'core/ping/a', title: 'a', status: 'passed', message: '', file: 'suites/core/ping.test.ts' },
    ]),
  );

  it.each([
    ['an unknown element in a testcase', valid.replace('</testcase>', '<xfail/></testcase>'), "Element 'xfail'"],
    ['a testcase without its name', valid.replace(' name="a"', ''), "The attribute 'name' is required"],
    [
      'a testsuite without its tests count',
      valid.replace(/(<testsuite [^>]*?) tests="1"/, '$1'),
      "The attribute 'tests' is required",
    ],
    ['a count that is not a number', valid.replace('failures="0"', 'failures="none"'), "attribute 'failures'"],
    ['a time that is negative', valid.replace('time="0.012"', 'time="-1"'), "attribute 'time'"],
    ['an unknown attribute', valid.replace('<testcase ', '<testcase outcome="xfail" '), "attribute 'outcome'"],
    [
      "a testcase's properties after its outcome",
      valid.replace(/(<properties>\s*<property name="id"[\s\S]*?<\/properties>)(\s*<\/testcase>)/, '<skipped/>$1$2'),
      "Element 'properties': This element is not expected",
    ],
  ])('%s', (_what, xml, named) => {
    expect(xml).not.toBe(valid);
    const res = xmllintValidate(xml);
    expect(res.code).toBe(3);
    expect(res.output).toContain('fails to validate');
    expect(res.output).toContain(named);
  });

  it('and xmllint rejects a document that is not well-formed', () => {
    const res = xmllintValidate(valid.replace('</testcase>', ''));
    expect(res.code).toBe(1);
    expect(res.output).toMatch(/parser error/);
  });
});

describe('runSucceeded', () => {
  const c = (status: CaseResult['status']): CaseResult => ({ ...base, id: status, title: status, status, message: '' });
  it('is green with passes, skips, expected failures and flaky cases only', () => {
    expect(runSucceeded([c('passed'), c('skipped'), c('expected-fail'), c('flaky')])).toBe(true);
  });
  it('is red on a failure and on an empty run', () => {
    expect(runSucceeded([c('passed'), c('failed')])).toBe(false);
    expect(runSucceeded([])).toBe(false);
  });
  it('is red on an unexpected pass with --strict only', () => {
    expect(runSucceeded([c('unexpected-pass')])).toBe(true);
    expect(runSucceeded([c('unexpected-pass')], true)).toBe(false);
  });
});
