import { answerFor, CATALOGUE, probeKey } from '../../../harness/capabilities';
import type { KeyAttributes } from '../../../harness/wire';

const a: KeyAttributes = {
  keyType: { type: 'RsaKeyPair' },
  keyBits: 2048,
  policy: { usage: { signHash: true, verifyHash: true }, algorithm: { alg: 'RsaPss', hash: 'Sha256' } },
};

describe('capability probes', () => {
  it('give the same key to the same question written differently', () => {
    const b = {
      policy: {
        algorithm: { hash: 'Sha256', alg: 'RsaPss' },
        usage: { verifyHash: true, export: false, signHash: true },
      },
      keyBits: 2048,
      keyType: { type: 'RsaKeyPair' },
    } as KeyAttributes;
    expect(probeKey({ checkType: 'Use', attributes: b })).toBe(probeKey({ checkType: 'Use', attributes: a }));
  });
  it('tell different check types and attributes apart', () => {
    expect(probeKey({ checkType: 'Generate', attributes: a })).not.toBe(probeKey({ checkType: 'Use', attributes: a }));
    expect(probeKey({ checkType: 'Use', attributes: { ...a, keyBits: 3072 } })).not.toBe(
      probeKey({ checkType: 'Use', attributes: a }),
    );
  });
  it('answer from the discovered table, and name a question that was never asked', () => {
    const answers = { [probeKey({ checkType: 'Use', attributes: a })]: 'Success' };
    expect(answerFor(answers, { checkType: 'Use', attributes: a })).toBe('Success');
    expect(() => answerFor(answers, { checkType: 'Generate', attributes: { ...a, keyBits: 123 } })).toThrow(
      'is not in harness/capabilities/catalogue',
    );
    expect(answerFor(undefined, { checkType: 'Use', attributes: a })).toBe('PsaErrorNotSupported');
  });
  it('has no duplicate questions', () => {
    expect(new Set(CATALOGUE.map(probeKey)).size).toBe(CATALOGUE.length);
  });
});
