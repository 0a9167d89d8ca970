import { caseId, slugify } from '../../../harness/kit/case-id';

describe('case ids', () => {
  it.each([
    ['answers wire protocol version 1.0', 'answers-wire-protocol-version-1.0'],
    ['RSA-PSS with SHA-256: sign, then verify', 'rsa-pss-with-sha-256-sign-then-verify'],
    ['PKCS#1 v1.5 (2048 bits)', 'pkcs#1-v1.5-2048-bits'],
    ['  Ünïcode & spaces  ', 'n-code-spaces'],
  ])('slugify(%j) = %j', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it('joins provider, suite and slug', () => {
    expect(caseId('tpm', 'psa-sign-hash', 'Signs SHA-256')).toBe('tpm/psa-sign-hash/signs-sha-256');
  });
});
