import type { Aead, Cipher, KeyAttributes } from '../../wire';
import type { Probe } from '../probe';

export const AES_SIZES = [128, 192, 256] as const;
export const CIPHER_MODES: readonly Cipher[] = ['Ctr', 'Cfb', 'Ofb', 'EcbNoPadding', 'CbcNoPadding', 'CbcPkcs7'];

export function aesKey(bits: number, algorithm: KeyAttributes['policy']['algorithm']): KeyAttributes {
  return { keyType: { type: 'Aes' }, keyBits: bits, policy: { usage: { encrypt: true, decrypt: true }, algorithm } };
}

function* probes(): Generator<Probe> {
  const aeads: Aead[] = [{ alg: 'Gcm' }, { alg: 'Ccm' }, { alg: 'Gcm', tagLength: 12 }, { alg: 'Ccm', tagLength: 8 }];
  for (const bits of AES_SIZES) {
    for (const a of aeads)
      for (const checkType of ['Generate', 'Import', 'Use'] as const) yield { checkType, attributes: aesKey(bits, a) };
    for (const cipher of CIPHER_MODES) {
      for (const checkType of ['Generate', 'Import', 'Use'] as const)
        yield { checkType, attributes: aesKey(bits, { alg: 'Cipher', cipher }) };
    }
  }
  const chacha: KeyAttributes = {
    keyType: { type: 'Chacha20' },
    keyBits: 256,
    policy: { usage: { encrypt: true, decrypt: true }, algorithm: { alg: 'Chacha20Poly1305' } },
  };
  for (const checkType of ['Generate', 'Import', 'Use'] as const) yield { checkType, attributes: chacha };
}

export const SYMMETRIC_PROBES: readonly Probe[] = [...probes()];
