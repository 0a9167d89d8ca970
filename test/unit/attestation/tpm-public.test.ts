import { createHash } from 'node:crypto';
import { kdfa, parseTpmtPublic, tpmName, TpmAlg } from '../../../harness/attestation';

const modulus = Buffer.alloc(256, 0xa5);
const rsaPublic = Buffer.concat([
  Buffer.from('0001', 'hex'), // type TPM_ALG_RSA
  Buffer.from('000b', 'hex'), // nameAlg SHA-256
  Buffer.from('00040072', 'hex'), // objectAttributes
  Buffer.from('0000', 'hex'), // authPolicy: empty
  Buffer.from('0010', 'hex'), // symmetric TPM_ALG_NULL
  Buffer.from('0014', 'hex'), // scheme RSASSA
  Buffer.from('000b', 'hex'), // scheme hash SHA-256
  Buffer.from('0800', 'hex'), // keyBits 2048
  Buffer.from('00000000', 'hex'), // exponent 0 (= 65537)
  Buffer.from('0100', 'hex'), // unique.rsa.size
  modulus, // unique.rsa.buffer
]);

const x = Buffer.alloc(32, 0x01);
const y = Buffer.alloc(32, 0x02);
const eccPublic = Buffer.concat([
  Buffer.from('0023', 'hex'), // type TPM_ALG_ECC
  Buffer.from('000b', 'hex'), // nameAlg SHA-256
  Buffer.from('00040072', 'hex'), // objectAttributes
  Buffer.from('0000', 'hex'), // authPolicy: empty
  Buffer.from('0010', 'hex'), // symmetric TPM_ALG_NULL
  Buffer.from('0018', 'hex'), // scheme ECDSA
  Buffer.from('000b', 'hex'), // scheme hash SHA-256
  Buffer.from('0003', 'hex'), // curveID NIST P-256
  Buffer.from('0010', 'hex'), // kdf TPM_ALG_NULL
  Buffer.from('0020', 'hex'), // unique.ecc.x.size
  x,
  Buffer.from('0020', 'hex'), // unique.ecc.y.size
  y,
]);

describe('parseTpmtPublic', () => {
  it('reads an RSA signing key', () => {
    const p = parseTpmtPublic(rsaPublic);
    expect(p).toMatchObject({ type: 'rsa', nameAlg: TpmAlg.Sha256, objectAttributes: 0x00040072, keyBits: 2048 });
    expect(p.scheme).toEqual({ scheme: TpmAlg.RsaSsa, hashAlg: TpmAlg.Sha256 });
    expect(p.symmetric).toBeNull();
    if (p.type !== 'rsa') throw new Error('not rsa');
    expect(p.modulus.equals(modulus)).toBe(true);
    expect(p.exponent).toBe(0);
  });

  it('reads an ECC signing key', () => {
    const p = parseTpmtPublic(eccPublic);
    expect(p).toMatchObject({ type: 'ecc', curveId: 3, kdf: TpmAlg.Null });
    if (p.type !== 'ecc') throw new Error('not ecc');
    expect(p.x.equals(x)).toBe(true);
    expect(p.y.equals(y)).toBe(true);
  });

  it('reads a symmetric definition (AES-128 CFB) when present', () => {
    const withAes = Buffer.concat([
      rsaPublic.subarray(0, 10),
      Buffer.from('000600800043', 'hex'),
      rsaPublic.subarray(12),
    ]);
    expect(parseTpmtPublic(withAes).symmetric).toEqual({ algorithm: TpmAlg.Aes, keyBits: 128, mode: TpmAlg.Cfb });
  });

  it('names a truncated field, trailing bytes and an unknown type', () => {
    expect(() => parseTpmtPublic(rsaPublic.subarray(0, rsaPublic.length - 1))).toThrow(/unique.rsa needs 256 bytes/);
    expect(() => parseTpmtPublic(Buffer.concat([eccPublic, Buffer.from([0])]))).toThrow(/1 trailing bytes/);
    expect(() => parseTpmtPublic(Buffer.concat([Buffer.from('0008', 'hex'), rsaPublic.subarray(2)]))).toThrow(
      /type 0x0008/,
    );
  });
});

describe('tpmName', () => {
  it('is nameAlg || SHA-256 of the marshalled public area', () => {
    const expected = `000b${createHash('sha256').update(rsaPublic).digest('hex')}`;
    expect(tpmName(rsaPublic).toString('hex')).toBe(expected);
  });

  it('refuses an unknown nameAlg', () => {
    expect(() => tpmName(Buffer.from('00010099', 'hex'))).toThrow(/nameAlg 0x99/);
  });
});

describe('kdfa', () => {
  it('gives a prefix of the longer output for a shorter request only when [bits] is equal (it is an input)', () => {
    const a = kdfa('sha256', Buffer.alloc(32, 7), 'STORAGE', Buffer.from('u'), Buffer.alloc(0), 512);
    const b = kdfa('sha256', Buffer.alloc(32, 7), 'STORAGE', Buffer.from('u'), Buffer.alloc(0), 256);
    expect(a.length).toBe(64);
    expect(b.length).toBe(32);
    expect(a.subarray(0, 32).equals(b)).toBe(false);
  });

  it('refuses a size that is not whole bytes', () => {
    expect(() => kdfa('sha256', Buffer.alloc(1), 'X', Buffer.alloc(0), Buffer.alloc(0), 12)).toThrow(/multiple of 8/);
  });
});
