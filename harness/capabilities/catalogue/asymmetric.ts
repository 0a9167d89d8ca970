import { CURVES } from '../../oracle/curves';
import type { AsymmetricEncryption, AsymmetricSignature, EccFamily, Hash, KeyAttributes } from '../../wire';
import type { Probe } from '../probe';

export const RSA_SIZES = [1024, 2048, 3072, 4096] as const;
/** Hashes a signature policy can name (the deprecated ones too: the service must refuse them precisely). */
export const SIGN_HASHES: readonly Hash[] = [
  'Sha1',
  'Sha224',
  'Sha256',
  'Sha384',
  'Sha512',
  'Sha3_256',
  'Sha3_384',
  'Sha3_512',
  'Ripemd160',
  'Md5',
];
export const OAEP_HASHES: readonly Hash[] = ['Sha1', 'Sha224', 'Sha256', 'Sha384', 'Sha512'];

export function rsaSigningKey(
  bits: number,
  alg: AsymmetricSignature,
  extra: KeyAttributes['policy']['usage'] = {},
): KeyAttributes {
  return {
    keyType: { type: 'RsaKeyPair' },
    keyBits: bits,
    policy: { usage: { signHash: true, verifyHash: true, ...extra }, algorithm: alg },
  };
}

export function rsaEncryptionKey(
  bits: number,
  alg: AsymmetricEncryption,
  extra: KeyAttributes['policy']['usage'] = {},
): KeyAttributes {
  return {
    keyType: { type: 'RsaKeyPair' },
    keyBits: bits,
    policy: { usage: { encrypt: true, decrypt: true, ...extra }, algorithm: alg },
  };
}

export function eccSigningKey(family: EccFamily, bits: number, alg: AsymmetricSignature): KeyAttributes {
  return {
    keyType: { type: 'EccKeyPair', curveFamily: family },
    keyBits: bits,
    policy: { usage: { signHash: true, verifyHash: true }, algorithm: alg },
  };
}

function* probes(): Generator<Probe> {
  for (const bits of RSA_SIZES) {
    const algs: AsymmetricSignature[] = [
      ...SIGN_HASHES.map((hash): AsymmetricSignature => ({ alg: 'RsaPkcs1v15Sign', hash })),
      ...SIGN_HASHES.map((hash): AsymmetricSignature => ({ alg: 'RsaPss', hash })),
      { alg: 'RsaPkcs1v15SignRaw' },
    ];
    for (const alg of algs) {
      yield { checkType: 'Generate', attributes: rsaSigningKey(bits, alg) };
      yield { checkType: 'Use', attributes: rsaSigningKey(bits, alg) };
    }
    const enc: AsymmetricEncryption[] = [
      { alg: 'RsaPkcs1v15Crypt' },
      ...OAEP_HASHES.map((hash): AsymmetricEncryption => ({ alg: 'RsaOaep', hash })),
    ];
    for (const alg of enc) {
      yield { checkType: 'Generate', attributes: rsaEncryptionKey(bits, alg) };
      yield { checkType: 'Use', attributes: rsaEncryptionKey(bits, alg) };
    }
    for (const type of ['RsaKeyPair', 'RsaPublicKey'] as const) {
      yield {
        checkType: 'Import',
        attributes: {
          keyType: { type },
          keyBits: bits,
          policy: { usage: { verifyHash: true }, algorithm: { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' } },
        },
      };
    }
  }
  for (const curve of CURVES) {
    const families = {
      keyPair: { type: 'EccKeyPair', curveFamily: curve.family },
      publicKey: { type: 'EccPublicKey', curveFamily: curve.family },
    } as const;
    const algs: KeyAttributes['policy']['algorithm'][] = curve.montgomery
      ? [{ alg: 'Ecdh' }]
      : [
          { alg: 'Ecdsa', hash: 'Sha256' },
          { alg: 'Ecdsa', hash: 'Sha384' },
          { alg: 'DeterministicEcdsa', hash: 'Sha256' },
          { alg: 'EcdsaAny' },
          { alg: 'Ecdh' },
        ];
    for (const algorithm of algs) {
      const usage = algorithm.alg === 'Ecdh' ? { derive: true } : { signHash: true, verifyHash: true };
      const pair: KeyAttributes = { keyType: families.keyPair, keyBits: curve.bits, policy: { usage, algorithm } };
      yield { checkType: 'Generate', attributes: pair };
      yield { checkType: 'Use', attributes: pair };
      yield { checkType: 'Import', attributes: pair };
      if (algorithm.alg !== 'Ecdh') {
        yield {
          checkType: 'Import',
          attributes: {
            keyType: families.publicKey,
            keyBits: curve.bits,
            policy: { usage: { verifyHash: true }, algorithm },
          },
        };
      }
    }
  }
}

export const ASYMMETRIC_PROBES: readonly Probe[] = [...probes()];
