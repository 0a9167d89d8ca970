import type { Aead, AsymmetricEncryption, KeyAttributes } from '../../wire';
import type { Probe } from '../probe';
import { OAEP_HASHES, RSA_SIZES, rsaEncryptionKey } from './asymmetric';
import { aesKey } from './symmetric';

/** Every RSA encryption algorithm a policy can name: PKCS#1 v1.5 and OAEP with each hash the oracle knows. */
export const RSA_ENCRYPTION_ALGS: readonly AsymmetricEncryption[] = [
  { alg: 'RsaPkcs1v15Crypt' },
  ...OAEP_HASHES.map((hash): AsymmetricEncryption => ({ alg: 'RsaOaep', hash })),
];

/** An RSA public key that may only encrypt, with the given algorithm. */
export function rsaEncryptionPublicKey(bits: number, alg: AsymmetricEncryption): KeyAttributes {
  return { keyType: { type: 'RsaPublicKey' }, keyBits: bits, policy: { usage: { encrypt: true }, algorithm: alg } };
}

/** Shortened tags the AEAD suites exercise (with 128-bit AES keys). */
export const SHORT_TAG_AEADS: readonly Aead[] = [
  { alg: 'Gcm', tagLength: 8 },
  { alg: 'Gcm', tagLength: 12 },
  { alg: 'Ccm', tagLength: 4 },
  { alg: 'Ccm', tagLength: 8 },
  { alg: 'Ccm', tagLength: 12 },
];

function* probes(): Generator<Probe> {
  for (const alg of RSA_ENCRYPTION_ALGS) {
    yield { checkType: 'Import', attributes: rsaEncryptionKey(2048, alg) };
    yield { checkType: 'Import', attributes: rsaEncryptionPublicKey(2048, alg) };
  }
  for (const bits of RSA_SIZES) {
    yield { checkType: 'Import', attributes: rsaEncryptionKey(bits, { alg: 'RsaPkcs1v15Crypt' }) };
    yield { checkType: 'Import', attributes: rsaEncryptionPublicKey(bits, { alg: 'RsaPkcs1v15Crypt' }) };
  }
  for (const alg of SHORT_TAG_AEADS) {
    for (const checkType of ['Import', 'Use'] as const) yield { checkType, attributes: aesKey(128, alg) };
  }
}

export const ENCRYPTION_PROBES: readonly Probe[] = [...probes()];
