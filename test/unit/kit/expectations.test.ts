import type { TokenProfile } from '../../../harness/model/token-profile';
import { matchExpectation, parseExpectationFile } from '../../../harness/kit/expectations';

const good = JSON.stringify({
  product: 'parsec',
  version: '1.4.1',
  entries: [
    { case: 'mbed/psa-sign-hash/exact', expect: 'fail', reason: 'r1', evidence: 'status 1135' },
    { case: 'tpm/psa-*/wildcard-*', expect: 'fail', reason: 'r2', evidence: 'log line' },
  ],
});

describe('expectation files', () => {
  const files = [{ file: parseExpectationFile(good, 'parsec-1.4.1.json'), source: 'parsec-1.4.1.json' }];

  it('matches exact ids and * patterns, carrying reason and evidence', () => {
    expect(matchExpectation(files, 'mbed/psa-sign-hash/exact')).toEqual({
      reason: 'r1 [evidence: status 1135]',
      source: 'parsec-1.4.1.json',
    });
    expect(matchExpectation(files, 'tpm/psa-verify-hash/wildcard-one')?.reason).toContain('r2');
    expect(matchExpectation(files, 'mbed/psa-sign-hash/exact-not')).toBeUndefined();
    expect(matchExpectation(files, 'pkcs11/psa-verify-hash/wildcard-one')).toBeUndefined();
  });

  it('applies an entry with targets only on those kinds of target', () => {
    const f = parseExpectationFile(
      JSON.stringify({
        product: 'p',
        version: '1',
        entries: [{ case: 'pkcs11/load/x', expect: 'fail', reason: 'r', evidence: 'e', targets: ['native'] }],
      }),
      's',
    );
    expect(matchExpectation([{ file: f, source: 's' }], 'pkcs11/load/x', 'native')).toBeDefined();
    expect(matchExpectation([{ file: f, source: 's' }], 'pkcs11/load/x', 'containers')).toBeUndefined();
    const bad = JSON.stringify({
      product: 'p',
      version: '1',
      entries: [{ case: 'a', expect: 'fail', reason: 'r', evidence: 'e', targets: ['vm'] }],
    });
    expect(() => parseExpectationFile(bad, 'x.json')).toThrow(
      'x.json: entry 0 (a) has targets ["vm"]; expected a non-empty list of native, containers, external',
    );
  });

  it('treats regex characters in ids literally', () => {
    const f = parseExpectationFile(
      JSON.stringify({
        product: 'p',
        version: '1',
        entries: [{ case: 'a/b/pkcs#1-v1.5', expect: 'fail', reason: 'r', evidence: 'e' }],
      }),
      's',
    );
    expect(matchExpectation([{ file: f, source: 's' }], 'a/b/pkcs#1-v1x5')).toBeUndefined();
    expect(matchExpectation([{ file: f, source: 's' }], 'a/b/pkcs#1-v1.5')).toBeDefined();
  });

  it('rejects malformed files with the entry and field named', () => {
    expect(() => parseExpectationFile('{"product":"p"}', 'x.json')).toThrow('x.json: expected {"product"');
    const noEvidence = JSON.stringify({
      product: 'p',
      version: '1',
      entries: [{ case: 'a', expect: 'fail', reason: 'r' }],
    });
    expect(() => parseExpectationFile(noEvidence, 'x.json')).toThrow('x.json: entry 0 lacks evidence');
    const badOutcome = JSON.stringify({
      product: 'p',
      version: '1',
      entries: [{ case: 'a', expect: 'pass', reason: 'r', evidence: 'e' }],
    });
    expect(() => parseExpectationFile(badOutcome, 'x.json')).toThrow("has expect 'pass'");
  });

  it('applies an entry with tokenHas / tokenLacks only with such a token (the harness token has every use)', () => {
    const f = parseExpectationFile(
      JSON.stringify({
        product: 'p',
        version: '1',
        entries: [
          { case: 'pkcs11/x/has', expect: 'fail', reason: 'r', evidence: 'e', tokenHas: ['sign-rsa-pss'] },
          { case: 'pkcs11/x/lacks', expect: 'fail', reason: 'r', evidence: 'e', tokenLacks: ['sign-rsa-pss'] },
        ],
      }),
      's',
    );
    const files = [{ file: f, source: 's' }];
    const lacking = { parsecUses: [{ id: 'sign-rsa-pss', available: false }] } as unknown as TokenProfile;
    expect(matchExpectation(files, 'pkcs11/x/has', 'native')).toBeDefined();
    expect(matchExpectation(files, 'pkcs11/x/lacks', 'native')).toBeUndefined();
    expect(matchExpectation(files, 'pkcs11/x/has', 'native', lacking)).toBeUndefined();
    expect(matchExpectation(files, 'pkcs11/x/lacks', 'native', lacking)).toBeDefined();
    const bad = JSON.stringify({
      product: 'p',
      version: '1',
      entries: [{ case: 'a', expect: 'fail', reason: 'r', evidence: 'e', tokenLacks: ['sign-everything'] }],
    });
    expect(() => parseExpectationFile(bad, 'x.json')).toThrow(
      /x.json: entry 0 \(a\) has tokenLacks \["sign-everything"\]; expected a non-empty list of generate-rsa/,
    );
  });
});
