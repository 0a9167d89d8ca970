import type { TokenProfile } from '../../../harness/model/token-profile';
import {
  EXPECTATIONS_DIR,
  loadExpectationFiles,
  matchExpectation,
  parseExpectationFile,
  type ExpectationEntry,
  type LoadedFile,
} from '../../../harness/kit/expectations';
import { compareVersions, upstreamVersion, versionInRange } from '../../../harness/kit/version-range';

const entry = (e: Partial<ExpectationEntry> & { case: string }): ExpectationEntry => ({
  outcome: 'fail',
  reason: 'r',
  evidence: 'e',
  ...e,
});
const file = (entries: ExpectationEntry[], product = 'parsec', source = `${product}.json`): LoadedFile => ({
  file: parseExpectationFile(JSON.stringify({ product, entries }), source),
  source,
});
const TARGET = {
  parsecVersion: '1.4.1',
  targetKind: 'native',
  backends: { softhsm2: '2.6.1-2.1', swtpm: '0.7.1-1.3', 'tpm2-tss': '4.1.3-1.2' },
};

describe('version ranges', () => {
  it('compare the upstream part of Parsec and Debian versions', () => {
    expect(upstreamVersion('1:0.9.2-3.1+deb12u1')).toBe('0.9.2');
    expect(upstreamVersion('3.6.6-0.1~deb13u1')).toBe('3.6.6');
    expect(upstreamVersion('1.4.1')).toBe('1.4.1');
    expect(compareVersions('1.10.0', '1.9.9')).toBeGreaterThan(0);
    expect(compareVersions('1.4', '1.4.0')).toBe(0);
    expect(compareVersions('1.5.0~rc1', '1.5.0')).toBeLessThan(0);
  });

  it.each([
    ['1.4.1', '1.4.1', true],
    ['1.4.2', '1.4.1', false],
    ['1.5.0', '>=1.4.1', true],
    ['1.4.0', '>=1.4.1', false],
    ['1.5.0', '>=1.4.1 <1.5', false],
    ['1.4.9', '>=1.4.1 <1.5', true],
    ['2.6.1-2.1', '2.6', true],
    ['2.7.0', '2.6', false],
    ['1.5.0', '1.4 || 1.5.0', true],
    ['9.9', '*', true],
  ])('%s in %s: %s', (version, range, holds) => {
    expect(versionInRange(version, range)).toBe(holds);
  });

  it('say what a bad range should look like', () => {
    expect(() =>
      parseExpectationFile(
        JSON.stringify({ product: 'p', entries: [entry({ case: 'a', when: { parsec: 'latest' } })] }),
        'x.json',
      ),
    ).toThrow(
      'x.json: entry 0 (a) has when.parsec "latest": "latest" is not a version comparator; write e.g. 1.4.1, >=1.4.1 <1.6, 2.6 (any 2.6.x) or * (any)',
    );
  });
});

describe('the expectation matrix', () => {
  it('matches exact ids and * patterns, treating regex characters literally, and carries the entry', () => {
    const files = [
      file([entry({ case: 'mbed/psa-sign-hash/exact' }), entry({ case: 'a/b/pkcs#1-v1.5', reason: 'r2' })]),
    ];
    expect(matchExpectation(files, 'mbed/psa-sign-hash/exact', TARGET)).toEqual({
      source: 'parsec.json',
      case: 'mbed/psa-sign-hash/exact',
      outcome: 'fail',
      reason: 'r',
      evidence: 'e',
    });
    expect(matchExpectation(files, 'mbed/psa-sign-hash/exact-not', TARGET)).toBeUndefined();
    expect(matchExpectation(files, 'a/b/pkcs#1-v1x5', TARGET)).toBeUndefined();
    expect(matchExpectation(files, 'a/b/pkcs#1-v1.5', TARGET)?.reason).toBe('r2');
  });

  it('holds an entry only under its conditions: Parsec version, target, backend version, variant', () => {
    const files = [
      file([
        entry({ case: 'x/old', when: { parsec: '<1.5' } }),
        entry({ case: 'x/containers', when: { target: ['containers'] } }),
        entry({ case: 'x/softhsm', when: { backend: { softhsm2: '2.6' } } }),
        entry({ case: 'x/softhsm3', when: { backend: { softhsm2: '>=3' } } }),
        entry({ case: 'x/no-such-backend', when: { backend: { 'p11-kit': '*' } } }),
        entry({ case: 'pkcs11/pin/*', when: { variant: ['any-pin'] } }),
      ]),
    ];
    expect(matchExpectation(files, 'x/old', TARGET)).toBeDefined();
    expect(matchExpectation(files, 'x/old', { ...TARGET, parsecVersion: '1.5.0' })).toBeUndefined();
    expect(matchExpectation(files, 'x/containers', TARGET)).toBeUndefined();
    expect(matchExpectation(files, 'x/containers', { ...TARGET, targetKind: 'containers' })).toBeDefined();
    expect(matchExpectation(files, 'x/softhsm', TARGET)).toBeDefined();
    expect(matchExpectation(files, 'x/softhsm3', TARGET)).toBeUndefined();
    expect(matchExpectation(files, 'x/no-such-backend', TARGET)).toBeUndefined();
    expect(matchExpectation(files, 'pkcs11/pin/absent', { ...TARGET, variant: 'any-pin' })).toBeDefined();
    expect(matchExpectation(files, 'pkcs11/pin/absent', { ...TARGET, variant: 'baseline' })).toBeUndefined();
    expect(matchExpectation(files, 'pkcs11/pin/absent', TARGET)).toBeUndefined();
  });

  it("applies a backend's file only where the target reports that backend", () => {
    const files = [file([entry({ case: 'pkcs11/x', outcome: 'flaky' })], 'softhsm2')];
    expect(matchExpectation(files, 'pkcs11/x', TARGET)?.outcome).toBe('flaky');
    expect(matchExpectation(files, 'pkcs11/x', { ...TARGET, backends: { 'vendor-token': '1.0' } })).toBeUndefined();
  });

  it('lets a later file (a --profile) override an earlier one, and keeps flaky and skip outcomes', () => {
    const files = [
      file([entry({ case: 'pkcs11/*' })]),
      file([entry({ case: 'pkcs11/a', outcome: 'skip', reason: 'hangs the token' })], 'parsec', 'my-token.json'),
    ];
    expect(matchExpectation(files, 'pkcs11/a', TARGET)).toMatchObject({ outcome: 'skip', source: 'my-token.json' });
    expect(matchExpectation(files, 'pkcs11/b', TARGET)).toMatchObject({ outcome: 'fail', source: 'parsec.json' });
  });

  it('applies an entry with tokenHas / tokenLacks only with such a token (the harness token has every use)', () => {
    const files = [
      file([
        entry({ case: 'pkcs11/x/has', when: { tokenHas: ['sign-rsa-pss'] } }),
        entry({ case: 'pkcs11/x/lacks', when: { tokenLacks: ['sign-rsa-pss'] } }),
      ]),
    ];
    const lacking = { parsecUses: [{ id: 'sign-rsa-pss', available: false }] } as unknown as TokenProfile;
    expect(matchExpectation(files, 'pkcs11/x/has', TARGET)).toBeDefined();
    expect(matchExpectation(files, 'pkcs11/x/lacks', TARGET)).toBeUndefined();
    expect(matchExpectation(files, 'pkcs11/x/has', { ...TARGET, tokenProfile: lacking })).toBeUndefined();
    expect(matchExpectation(files, 'pkcs11/x/lacks', { ...TARGET, tokenProfile: lacking })).toBeDefined();
  });

  it('rejects malformed files with the entry and field named and what to write instead', () => {
    const bad =
      (entries: unknown[], extra: Record<string, unknown> = {}): (() => unknown) =>
      () =>
        parseExpectationFile(JSON.stringify({ product: 'p', entries, ...extra }), 'x.json');
    expect(() => parseExpectationFile('{"product":"p"}', 'x.json')).toThrow(
      'x.json: expected {"product": string, "entries": [...]}',
    );
    expect(bad([], { version: '1.4.1' })).toThrow('a file per product version is the old format');
    expect(bad([{ case: 'a', outcome: 'fail', reason: 'r' }])).toThrow(
      'x.json: entry 0 (a) lacks evidence (or a link to it)',
    );
    expect(bad([{ case: 'a', outcome: 'pass', reason: 'r', evidence: 'e' }])).toThrow(
      "x.json: entry 0 (a) has outcome 'pass'; expected one of fail, flaky, skip",
    );
    expect(bad([{ case: 'a', expect: 'fail', reason: 'r', evidence: 'e' }])).toThrow('("expect" is now "outcome")');
    expect(bad([entry({ case: 'a', when: { target: ['vm'] } })])).toThrow(
      'x.json: entry 0 (a) has when.target ["vm"]; expected a non-empty list of native, containers, external',
    );
    expect(bad([entry({ case: 'a', when: { tokenLacks: ['sign-everything'] } })])).toThrow(
      /entry 0 \(a\) has when.tokenLacks \["sign-everything"\]; expected a non-empty list of generate-rsa/,
    );
    expect(bad([entry({ case: 'a', when: { os: 'linux' } as never })])).toThrow('has unknown condition(s) os');
    // A link stands in for evidence.
    expect(bad([{ case: 'a', outcome: 'fail', reason: 'r', link: 'parsec#603' }])).not.toThrow();
  });

  it("reads the project's own files: one per product, every entry valid", () => {
    const files = loadExpectationFiles([], EXPECTATIONS_DIR);
    expect(files.map((f) => f.source)).toEqual([
      'fixtures/expectations/parsec.json',
      'fixtures/expectations/softhsm2.json',
    ]);
    expect(files.every((f) => f.file.entries.length > 0)).toBe(true);
  });
});
