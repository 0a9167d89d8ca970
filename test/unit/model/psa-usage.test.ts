import { withImpliedUsage } from '../../../harness/model/psa-usage';
import type { KeyAttributes } from '../../../harness/wire';

const attrs = (usage: KeyAttributes['policy']['usage']): KeyAttributes => ({
  keyType: { type: 'RsaKeyPair' },
  keyBits: 2048,
  policy: { usage, algorithm: { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' } },
});

describe('PSA implied usage flags', () => {
  it('adds the message flags implied by the hash flags, and nothing else', () => {
    expect(withImpliedUsage(attrs({ signHash: true, verifyHash: true, export: true })).policy.usage).toEqual({
      signHash: true,
      signMessage: true,
      verifyHash: true,
      verifyMessage: true,
      export: true,
    });
    expect(withImpliedUsage(attrs({ verifyHash: true })).policy.usage).toEqual({
      verifyHash: true,
      verifyMessage: true,
    });
    expect(withImpliedUsage(attrs({ encrypt: true })).policy.usage).toEqual({ encrypt: true });
  });
  it('does not touch the input', () => {
    const a = attrs({ signHash: true });
    withImpliedUsage(a);
    expect(a.policy.usage).toEqual({ signHash: true });
  });
});
