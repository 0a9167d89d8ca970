import { curveOf } from '../../../harness/oracle/curves';
import { oracleEcKeyPair, oracleRsaKeyPair } from '../../../harness/oracle/keys';
import { OracleError } from '../../../harness/oracle/oracle-error';
import {
  checkEcdsaSignature,
  clearTopSetBit,
  checkRsaRawSignature,
  checkRsaSignature,
  curveOrder,
  digestInfo,
  digestOf,
  flipBit,
  highS,
  joinRs,
  oracleEcdsaSign,
  oracleRsaSign,
  recoverPkcs1v15,
  splitRs,
  flippedPssSignature,
  rsaPrivateRaw,
  rsaPublicRaw,
} from '../../../harness/oracle/signatures';
import { constants, privateEncrypt } from 'node:crypto';

const MESSAGE = Buffer.from('unit test message');
const OTHER = Buffer.from('another message');

describe('RSA checks', () => {
  const pair = oracleRsaKeyPair(1024);
  const other = oracleRsaKeyPair(2048);
  for (const scheme of ['pkcs1v15', 'pss'] as const) {
    describe(scheme, () => {
      const sig = oracleRsaSign(pair.privateKey, scheme, 'Sha256', MESSAGE);
      it('accepts a valid signature', () => {
        expect(() => checkRsaSignature(pair.publicKey, scheme, 'Sha256', MESSAGE, sig)).not.toThrow();
      });
      it.each([0, 64, -1])('fails on a bit flip at byte %i', (at) => {
        expect(() => checkRsaSignature(pair.publicKey, scheme, 'Sha256', MESSAGE, flipBit(sig, at))).toThrow(
          OracleError,
        );
      });
      it('fails with a wrong public key', () => {
        expect(() => checkRsaSignature(other.publicKey, scheme, 'Sha256', MESSAGE, sig)).toThrow(OracleError);
      });
      it('fails with a wrong hash or message', () => {
        expect(() => checkRsaSignature(pair.publicKey, scheme, 'Sha384', MESSAGE, sig)).toThrow(OracleError);
        expect(() => checkRsaSignature(pair.publicKey, scheme, 'Sha256', OTHER, sig)).toThrow(OracleError);
      });
      it('fails on a wrong length', () => {
        expect(() => checkRsaSignature(pair.publicKey, scheme, 'Sha256', MESSAGE, sig.subarray(1))).toThrow(
          'must be 128 bytes, got 127',
        );
        expect(() =>
          checkRsaSignature(pair.publicKey, scheme, 'Sha256', MESSAGE, Buffer.concat([sig, Buffer.alloc(1)])),
        ).toThrow(OracleError);
      });
    });
  }
  it('PKCS#1 v1.5 recovers the DigestInfo and rejects one for another hash', () => {
    const sig = oracleRsaSign(pair.privateKey, 'pkcs1v15', 'Sha256', MESSAGE);
    expect(recoverPkcs1v15(pair.publicKey, sig)).toEqual(digestInfo('Sha256', digestOf('Sha256', MESSAGE)));
    // Valid RSA over a DigestInfo that names SHA-384 with the SHA-256 digest: the DigestInfo comparison catches it.
    const forged = privateEncrypt(
      { key: pair.privateKey, padding: constants.RSA_PKCS1_PADDING },
      digestInfo('Sha384', digestOf('Sha256', MESSAGE)),
    );
    expect(() => checkRsaSignature(pair.publicKey, 'pkcs1v15', 'Sha256', MESSAGE, forged)).toThrow(OracleError);
  });
  it('raw signatures must open to exactly the input', () => {
    const input = Buffer.from('raw input');
    const sig = privateEncrypt({ key: pair.privateKey, padding: constants.RSA_PKCS1_PADDING }, input);
    expect(() => checkRsaRawSignature(pair.publicKey, input, sig)).not.toThrow();
    expect(() => checkRsaRawSignature(pair.publicKey, Buffer.from('raw inpuT'), sig)).toThrow(OracleError);
    expect(() => checkRsaRawSignature(pair.publicKey, input, flipBit(sig, 5))).toThrow(OracleError);
    expect(() => checkRsaRawSignature(other.publicKey, input, sig)).toThrow(OracleError);
    expect(() => checkRsaRawSignature(pair.publicKey, input, sig.subarray(1))).toThrow(OracleError);
  });
});

describe('ECDSA checks', () => {
  const curve = curveOf('SecpR1', 256);
  const pair = oracleEcKeyPair(curve);
  const other = oracleEcKeyPair(curve);
  const sig = oracleEcdsaSign(pair.privateKey, 'Sha256', MESSAGE);
  it('accepts a valid signature and its high-s twin', () => {
    expect(() => checkEcdsaSignature(curve, pair.publicKey, 'Sha256', MESSAGE, sig)).not.toThrow();
    expect(() => checkEcdsaSignature(curve, pair.publicKey, 'Sha256', MESSAGE, highS(curve, sig))).not.toThrow();
  });
  it.each([0, 32, -1])('fails on a bit flip at byte %i', (at) => {
    expect(() => checkEcdsaSignature(curve, pair.publicKey, 'Sha256', MESSAGE, flipBit(sig, at))).toThrow(OracleError);
  });
  it('fails with a wrong public key, hash, message or length', () => {
    expect(() => checkEcdsaSignature(curve, other.publicKey, 'Sha256', MESSAGE, sig)).toThrow(OracleError);
    expect(() => checkEcdsaSignature(curve, pair.publicKey, 'Sha384', MESSAGE, sig)).toThrow(OracleError);
    expect(() => checkEcdsaSignature(curve, pair.publicKey, 'Sha256', OTHER, sig)).toThrow(OracleError);
    expect(() => checkEcdsaSignature(curve, pair.publicKey, 'Sha256', MESSAGE, sig.subarray(1))).toThrow(
      'must be 64 bytes, got 63',
    );
  });
  it('rejects r or s out of range', () => {
    const { r, s } = splitRs(curve, sig);
    const n = curveOrder(curve);
    for (const bad of [joinRs(curve, 0n, s), joinRs(curve, r, 0n), joinRs(curve, n, s), joinRs(curve, r, n)]) {
      expect(() => checkEcdsaSignature(curve, pair.publicKey, 'Sha256', MESSAGE, bad)).toThrow(OracleError);
    }
    expect(joinRs(curve, r, s)).toEqual(sig);
  });
});

describe('clearTopSetBit', () => {
  it('clears exactly the most significant set bit, so the value only decreases', () => {
    expect(clearTopSetBit(Buffer.from([0x00, 0x5a, 0xff])).toString('hex')).toBe('001aff');
    expect(clearTopSetBit(Buffer.from([0x80, 0x01])).toString('hex')).toBe('0001');
    const sig = Buffer.from('7fffffff', 'hex');
    const out = clearTopSetBit(sig);
    expect(BigInt(`0x${out.toString('hex')}`) < BigInt(`0x${sig.toString('hex')}`)).toBe(true);
  });
  it('refuses an all-zero input rather than returning it unchanged', () => {
    expect(() => clearTopSetBit(Buffer.alloc(4))).toThrow('no set bit');
  });
});

describe('raw RSA and the flipped PSS signature', () => {
  const pair = oracleRsaKeyPair(2048);
  it('the private and public raw operations invert each other', () => {
    const em = Buffer.alloc(256, 0);
    em[0] = 0x12;
    em[255] = 0xbc;
    expect(rsaPublicRaw(pair.publicKey, rsaPrivateRaw(pair.privateKey, em))).toEqual(em);
  });
  it('draws flipped PSS signatures whose encoded message never ends in 0xBC, and the oracle refuses them', () => {
    for (let i = 0; i < 20; i += 1) {
      const sig = flippedPssSignature(pair.privateKey, pair.publicKey, 'Sha256', MESSAGE, 128);
      const em = rsaPublicRaw(pair.publicKey, sig);
      expect(em[em.length - 1]).not.toBe(0xbc);
      expect(() => checkRsaSignature(pair.publicKey, 'pss', 'Sha256', MESSAGE, sig)).toThrow(OracleError);
    }
  });
});
