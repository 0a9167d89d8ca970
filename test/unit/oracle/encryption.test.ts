import { randomBytes } from 'node:crypto';
import {
  aeadDecrypt,
  aeadEncrypt,
  aesCipherDecrypt,
  aesCipherEncrypt,
  expectAeadCiphertext,
  expectRsaCiphertext,
  rsaEncrypt,
  rsaMaxPlaintext,
  type AeadInput,
} from '../../../harness/oracle/encryption';
import { oracleRsaKeyPair } from '../../../harness/oracle/keys';
import { OracleError } from '../../../harness/oracle/oracle-error';
import type { AsymmetricEncryption } from '../../../harness/wire';

const flip = (b: Uint8Array, i: number): Buffer => {
  const out = Buffer.from(b);
  out[i] = (out[i] ?? 0) ^ 0x01;
  return out;
};

describe('RSA encryption oracle', () => {
  const pair = oracleRsaKeyPair(1024);
  const other = oracleRsaKeyPair(2048);
  const algs: AsymmetricEncryption[] = [
    { alg: 'RsaPkcs1v15Crypt' },
    { alg: 'RsaOaep', hash: 'Sha1' },
    { alg: 'RsaOaep', hash: 'Sha256' },
  ];
  const msg = Buffer.from('attack at dawn');

  it.each(algs.map((a) => [a.alg === 'RsaOaep' ? a.hash : 'pkcs1', a] as const))(
    '%s accepts its own ciphertext',
    (_n, alg) => {
      expect(() => expectRsaCiphertext(pair.privateKey, alg, rsaEncrypt(pair.publicKey, alg, msg), msg)).not.toThrow();
    },
  );
  it('fails on a tampered ciphertext', () => {
    const alg: AsymmetricEncryption = { alg: 'RsaOaep', hash: 'Sha256' };
    const ct = rsaEncrypt(pair.publicKey, alg, msg);
    expect(() => expectRsaCiphertext(pair.privateKey, alg, flip(ct, 20), msg)).toThrow(OracleError);
  });
  it('fails with the wrong key and on a ciphertext of the wrong length', () => {
    const alg: AsymmetricEncryption = { alg: 'RsaPkcs1v15Crypt' };
    const ct = rsaEncrypt(pair.publicKey, alg, msg);
    expect(() => expectRsaCiphertext(other.privateKey, alg, ct, msg)).toThrow('must be 256 bytes, got 128');
    const fromOther = rsaEncrypt(other.publicKey, alg, msg);
    expect(() => expectRsaCiphertext(pair.privateKey, alg, fromOther, msg)).toThrow(OracleError);
  });
  it('fails on the wrong label, the wrong hash and a different plaintext', () => {
    const alg: AsymmetricEncryption = { alg: 'RsaOaep', hash: 'Sha256' };
    const ct = rsaEncrypt(pair.publicKey, alg, msg, Buffer.from('label'));
    expect(() => expectRsaCiphertext(pair.privateKey, alg, ct, msg, Buffer.from('label'))).not.toThrow();
    expect(() => expectRsaCiphertext(pair.privateKey, alg, ct, msg, Buffer.from('other'))).toThrow(OracleError);
    expect(() => expectRsaCiphertext(pair.privateKey, alg, ct, msg)).toThrow(OracleError);
    expect(() =>
      expectRsaCiphertext(pair.privateKey, { alg: 'RsaOaep', hash: 'Sha1' }, ct, msg, Buffer.from('label')),
    ).toThrow(OracleError);
    expect(() =>
      expectRsaCiphertext(pair.privateKey, alg, ct, Buffer.from('attack at dusk'), Buffer.from('label')),
    ).toThrow('differ');
  });
  it('computes the RFC 8017 plaintext limits, which Node itself enforces', () => {
    expect(rsaMaxPlaintext({ alg: 'RsaPkcs1v15Crypt' }, 2048)).toBe(245);
    expect(rsaMaxPlaintext({ alg: 'RsaOaep', hash: 'Sha256' }, 2048)).toBe(190);
    expect(rsaMaxPlaintext({ alg: 'RsaOaep', hash: 'Sha512' }, 1024)).toBe(-2);
    const alg: AsymmetricEncryption = { alg: 'RsaOaep', hash: 'Sha1' };
    const max = rsaMaxPlaintext(alg, 1024);
    expect(() => rsaEncrypt(pair.publicKey, alg, randomBytes(max))).not.toThrow();
    expect(() => rsaEncrypt(pair.publicKey, alg, randomBytes(max + 1))).toThrow();
  });
});

describe('AEAD oracle', () => {
  const inputs: AeadInput[] = [
    { alg: { alg: 'Gcm' }, key: randomBytes(16), nonce: randomBytes(12), aad: Buffer.from('hdr') },
    { alg: { alg: 'Gcm', tagLength: 12 }, key: randomBytes(32), nonce: randomBytes(12), aad: Buffer.alloc(0) },
    { alg: { alg: 'Ccm' }, key: randomBytes(24), nonce: randomBytes(13), aad: Buffer.from('hdr') },
    { alg: { alg: 'Ccm', tagLength: 8 }, key: randomBytes(16), nonce: randomBytes(7), aad: Buffer.from('hdr') },
    { alg: { alg: 'Chacha20Poly1305' }, key: randomBytes(32), nonce: randomBytes(12), aad: Buffer.from('hdr') },
  ];
  const msg = Buffer.from('twenty-four byte message');

  it.each(inputs.map((i) => [JSON.stringify(i.alg), i.key.length, i] as const))(
    '%s %d accepts its own output',
    (_a, _b, input) => {
      const ct = aeadEncrypt(input, msg);
      expect(ct.length).toBe(msg.length + (input.alg.tagLength ?? 16));
      expect(() => expectAeadCiphertext(input, msg, ct)).not.toThrow();
      expect(aeadDecrypt(input, ct)).toEqual(msg);
    },
  );
  it.each(inputs.map((i) => [JSON.stringify(i.alg), i] as const))(
    '%s fails on a tampered tag, body, nonce, AAD or key',
    (_a, input) => {
      const ct = aeadEncrypt(input, msg);
      expect(() => expectAeadCiphertext(input, msg, flip(ct, ct.length - 1))).toThrow(OracleError);
      expect(() => expectAeadCiphertext(input, msg, flip(ct, 0))).toThrow(OracleError);
      expect(() => expectAeadCiphertext({ ...input, nonce: flip(input.nonce, 0) }, msg, ct)).toThrow(OracleError);
      expect(() => expectAeadCiphertext({ ...input, aad: Buffer.from('HDR') }, msg, ct)).toThrow(OracleError);
      expect(() => expectAeadCiphertext({ ...input, key: flip(input.key, 3) }, msg, ct)).toThrow(OracleError);
      expect(() => expectAeadCiphertext(input, Buffer.from('twenty-four byte messagE'), ct)).toThrow('differ');
      expect(() => aeadDecrypt(input, ct.subarray(0, 3))).toThrow('must hold the');
    },
  );
  it('handles empty plaintext (the ciphertext is the tag)', () => {
    const input = inputs[0]!;
    const ct = aeadEncrypt(input, Buffer.alloc(0));
    expect(ct.length).toBe(16);
    expect(() => expectAeadCiphertext(input, Buffer.alloc(0), ct)).not.toThrow();
    expect(() => expectAeadCiphertext(input, Buffer.alloc(0), flip(ct, 5))).toThrow(OracleError);
  });
  it('matches a published GCM vector (McGrew–Viega test case 2: zero key, zero IV, one zero block)', () => {
    const input: AeadInput = {
      alg: { alg: 'Gcm' },
      key: Buffer.alloc(16),
      nonce: Buffer.alloc(12),
      aad: Buffer.alloc(0),
    };
    expect(aeadEncrypt(input, Buffer.alloc(16)).toString('hex')).toBe(
      '0388dace60b6a392f328c2b971b2fe78' + 'ab6e47d42cec13bdf53a67b21257bddf',
    );
  });
});

describe('AES cipher oracle', () => {
  const key = randomBytes(16);
  const iv = randomBytes(16);
  it.each(['Ctr', 'Cfb', 'Ofb', 'CbcNoPadding', 'CbcPkcs7', 'EcbNoPadding'] as const)(
    '%s round-trips in the IV-first layout',
    (mode) => {
      const msg = randomBytes(32);
      const out = aesCipherEncrypt(mode, key, iv, msg);
      expect(aesCipherDecrypt(mode, key, out)).toEqual(msg);
      if (mode !== 'EcbNoPadding') expect(out.subarray(0, 16)).toEqual(iv);
    },
  );
  it('fails on a wrong key with PKCS#7 padding', () => {
    const out = aesCipherEncrypt('CbcPkcs7', key, iv, randomBytes(20));
    expect(() => aesCipherDecrypt('CbcPkcs7', randomBytes(16), out)).toThrow(OracleError);
  });
});
