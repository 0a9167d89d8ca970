import { CURVES, type CurveSpec } from '../../oracle/curves';
import type { KeyAttributes, UsageFlags } from '../../wire';
import type { Probe } from '../probe';
import { RSA_SIZES, rsaSigningKey } from './asymmetric';

/**
 * Key templates of the key-management suites (generate, import, export, destroy, key names) and the CanDoCrypto
 * questions about exactly those templates, so each case looks up the answer for the attributes it sends.
 */

/** RSA key pair for PKCS#1 v1.5 SHA-256 signing; `extra` adds usage flags (e.g. export). */
export function rsaKeyPair(bits: number, extra: UsageFlags = {}): KeyAttributes {
  return rsaSigningKey(bits, { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' }, extra);
}

export function rsaPublicKey(bits: number): KeyAttributes {
  return {
    keyType: { type: 'RsaPublicKey' },
    keyBits: bits,
    policy: { usage: { verifyHash: true }, algorithm: { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' } },
  };
}

/** ECDSA SHA-256 signing key on a Weierstrass curve, raw ECDH key on a Montgomery curve. */
export function eccKeyPair(curve: CurveSpec, extra: UsageFlags = {}, bits = curve.bits): KeyAttributes {
  return curve.montgomery
    ? {
        keyType: { type: 'EccKeyPair', curveFamily: curve.family },
        keyBits: bits,
        policy: { usage: { derive: true, ...extra }, algorithm: { alg: 'Ecdh' } },
      }
    : {
        keyType: { type: 'EccKeyPair', curveFamily: curve.family },
        keyBits: bits,
        policy: { usage: { signHash: true, verifyHash: true, ...extra }, algorithm: { alg: 'Ecdsa', hash: 'Sha256' } },
      };
}

export function eccPublicKey(curve: CurveSpec, bits = curve.bits): KeyAttributes {
  return curve.montgomery
    ? {
        keyType: { type: 'EccPublicKey', curveFamily: curve.family },
        keyBits: bits,
        policy: { usage: { derive: true }, algorithm: { alg: 'Ecdh' } },
      }
    : {
        keyType: { type: 'EccPublicKey', curveFamily: curve.family },
        keyBits: bits,
        policy: { usage: { verifyHash: true }, algorithm: { alg: 'Ecdsa', hash: 'Sha256' } },
      };
}

/** AES-GCM key that may be exported (so an export check can read it back where ExportKey is offered). */
export function aesExportableKey(bits: number): KeyAttributes {
  return {
    keyType: { type: 'Aes' },
    keyBits: bits,
    policy: { usage: { encrypt: true, decrypt: true, export: true }, algorithm: { alg: 'Gcm' } },
  };
}

export const CHACHA20_KEY: KeyAttributes = {
  keyType: { type: 'Chacha20' },
  keyBits: 256,
  policy: { usage: { encrypt: true, decrypt: true, export: true }, algorithm: { alg: 'Chacha20Poly1305' } },
};

/** Sizes that are not an RSA key size a provider offers, and a P-256 request off by one bit. */
export const ODD_RSA_BITS = 1000;
export const P256_WRONG_BITS = 255;

function* probes(): Generator<Probe> {
  for (const bits of RSA_SIZES) {
    yield { checkType: 'Import', attributes: rsaKeyPair(bits, { export: true }) };
    yield { checkType: 'Import', attributes: rsaPublicKey(bits) };
  }
  yield { checkType: 'Generate', attributes: rsaKeyPair(ODD_RSA_BITS) };
  for (const curve of CURVES) {
    for (const checkType of ['Generate', 'Import'] as const) {
      yield { checkType, attributes: eccKeyPair(curve) };
      yield { checkType, attributes: eccKeyPair(curve, { export: true }) };
    }
    yield { checkType: 'Import', attributes: eccPublicKey(curve) };
  }
  const p256 = CURVES.find((c) => c.family === 'SecpR1' && c.bits === 256);
  if (p256) yield { checkType: 'Generate', attributes: eccKeyPair(p256, {}, P256_WRONG_BITS) };
  for (const bits of [128, 192, 256]) {
    yield { checkType: 'Generate', attributes: aesExportableKey(bits) };
    yield { checkType: 'Import', attributes: aesExportableKey(bits) };
  }
  yield { checkType: 'Generate', attributes: CHACHA20_KEY };
}

export const KEY_PROBES: readonly Probe[] = [...probes()];
