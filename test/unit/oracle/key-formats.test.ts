import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { curveOf } from '../../../harness/oracle/curves';
import {
  ecPointOfScalar,
  expectEcScalarMatchesPoint,
  expectEcdsaSha256Signature,
  expectRsaPairMatchesPublic,
  expectRsaPkcs1Sha256Signature,
  expectRsaPublicKey,
  parseRsaPrivateKey,
} from '../../../harness/oracle/key-formats';
import { oracleEcKeyPair, oracleRsaKeyPair, oracleRsaKeyPairAsync } from '../../../harness/oracle/keys';
import { OracleError } from '../../../harness/oracle/oracle-error';

const message = Buffer.from('key-formats oracle');

describe('RSA public key check', () => {
  const pair = oracleRsaKeyPair(1024);
  it('accepts the right size and exponent', () => {
    expect(expectRsaPublicKey(pair.pkcs1Public, 1024).asymmetricKeyType).toBe('rsa');
  });
  it('fails on a wrong size', () => {
    expect(() => expectRsaPublicKey(pair.pkcs1Public, 2048)).toThrow('1024-bit modulus, expected 2048 bits');
  });
  it('fails on a wrong exponent', () => {
    const e3 = generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 3 });
    const der = e3.publicKey.export({ format: 'der', type: 'pkcs1' });
    expect(() => expectRsaPublicKey(der, 1024)).toThrow('exponent 3, expected 65537');
  });
  it('fails on a tampered encoding', () => {
    const tampered = Buffer.from(pair.pkcs1Public);
    tampered[1] ^= 0x40;
    expect(() => expectRsaPublicKey(tampered, 1024)).toThrow(OracleError);
  });
});

describe('RSA key pair check', () => {
  const pair = oracleRsaKeyPair(1024);
  it('parses PKCS#1 RSAPrivateKey and matches its own public key', () => {
    expect(parseRsaPrivateKey(pair.pkcs1Private).privateKey.asymmetricKeyType).toBe('rsa');
    expect(() => expectRsaPairMatchesPublic(pair.pkcs1Private, pair.pkcs1Public)).not.toThrow();
  });
  it('rejects PKCS#8 and a truncated encoding', () => {
    const pkcs8 = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
    expect(() => parseRsaPrivateKey(pkcs8)).toThrow(OracleError);
    expect(() => parseRsaPrivateKey(pair.pkcs1Private.subarray(0, 200))).toThrow(OracleError);
  });
  it('fails when the public key belongs to another pair (tampered public key)', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      format: 'der',
      type: 'pkcs1',
    });
    expect(() => expectRsaPairMatchesPublic(pair.pkcs1Private, other)).toThrow('different moduli');
  });
  it('fails when the public exponent differs', () => {
    // The pair's own modulus with exponent 3: same n, different e.
    const own = pair.publicKey.export({ format: 'jwk' });
    const der = createPublicKey({ key: { kty: 'RSA', n: own.n, e: 'Aw' }, format: 'jwk' }).export({
      format: 'der',
      type: 'pkcs1',
    });
    expect(() => expectRsaPairMatchesPublic(pair.pkcs1Private, der)).toThrow('exponent');
  });
});

describe('EC scalar and point check', () => {
  it.each([
    ['SecpR1', 256],
    ['SecpR1', 521],
    ['BrainpoolPR1', 384],
    ['Montgomery', 255],
    ['Montgomery', 448],
  ] as const)('%s %d: the point of the scalar is the oracle pair point', (family, bits) => {
    const curve = curveOf(family, bits);
    const pair = oracleEcKeyPair(curve);
    expect(ecPointOfScalar(curve, pair.scalar).equals(pair.point)).toBe(true);
    expect(() => expectEcScalarMatchesPoint(curve, pair.scalar, pair.point)).not.toThrow();
  });
  it('fails on the point of another key (tampered public key)', () => {
    const curve = curveOf('SecpR1', 256);
    const a = oracleEcKeyPair(curve);
    const b = oracleEcKeyPair(curve);
    expect(() => expectEcScalarMatchesPoint(curve, a.scalar, b.point)).toThrow('is not the public key');
  });
  it('fails on a wrong scalar size, a zero scalar and a scalar equal to the order', () => {
    const curve = curveOf('SecpR1', 256);
    const { point } = oracleEcKeyPair(curve);
    expect(() => expectEcScalarMatchesPoint(curve, Buffer.alloc(31, 1), point)).toThrow('must be 32 bytes');
    expect(() => ecPointOfScalar(curve, Buffer.alloc(32))).toThrow('not in [1, n-1]');
    const n = Buffer.from(curve.order!.toString(16).padStart(64, '0'), 'hex');
    expect(() => ecPointOfScalar(curve, n)).toThrow('not in [1, n-1]');
  });
});

describe('signature checks', () => {
  it('RSA PKCS#1 v1.5 SHA-256: accepts a good signature, fails on a flipped bit', () => {
    const pair = oracleRsaKeyPair(1024);
    const sig = sign('sha256', message, pair.privateKey);
    expect(() => expectRsaPkcs1Sha256Signature(pair.publicKey, message, sig)).not.toThrow();
    sig[5] ^= 1;
    expect(() => expectRsaPkcs1Sha256Signature(pair.publicKey, message, sig)).toThrow(OracleError);
  });
  it('ECDSA SHA-256 r||s: accepts a good signature, fails on another message', () => {
    const pair = oracleEcKeyPair(curveOf('SecpR1', 256));
    const sig = sign('sha256', message, { key: pair.privateKey, dsaEncoding: 'ieee-p1363' });
    expect(sig.length).toBe(64);
    expect(() => expectEcdsaSha256Signature(pair.publicKey, message, sig)).not.toThrow();
    const other = createHash('sha256').update(message).digest();
    expect(() => expectEcdsaSha256Signature(pair.publicKey, other, sig)).toThrow(OracleError);
  });
});

describe('background oracle RSA keys', () => {
  it('gives one cached PKCS#1 pair per size', async () => {
    const [a, b] = await Promise.all([oracleRsaKeyPairAsync(1024), oracleRsaKeyPairAsync(1024)]);
    expect(a).toBe(b);
    expect(() => expectRsaPairMatchesPublic(a.pkcs1Private, a.pkcs1Public)).not.toThrow();
    expectRsaPublicKey(a.pkcs1Public, 1024);
  });

  it('shares its cache with the sync call, so a later sync call makes no second key', async () => {
    const a = await oracleRsaKeyPairAsync(1280);
    expect(oracleRsaKeyPair(1280)).toBe(a);
    expect(await oracleRsaKeyPairAsync(1280)).toBe(a);
  });
});
