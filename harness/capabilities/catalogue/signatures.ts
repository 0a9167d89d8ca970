import { CURVES } from '../../oracle/curves';
import type { Hash, KeyAttributes, SignHash, UsageFlags } from '../../wire';
import type { Probe } from '../probe';
import { RSA_SIZES, SIGN_HASHES, eccSigningKey, rsaSigningKey } from './asymmetric';

/** The hash an ECDSA case pairs with a curve: the SHA-2 member at least as strong as the curve. */
export function ecdsaHashFor(bits: number): Hash {
  if (bits <= 256) return 'Sha256';
  if (bits <= 384) return 'Sha384';
  return 'Sha512';
}

/** A signing key whose usage is exactly the given flags (for message signing and one-field perturbations). */
export function signingKeyWithUsage(base: KeyAttributes, usage: UsageFlags): KeyAttributes {
  return { ...base, policy: { ...base.policy, usage } };
}

const MESSAGE_USAGE: UsageFlags = { signMessage: true, verifyMessage: true };

function* probes(): Generator<Probe> {
  const wild: SignHash = 'any';
  for (const bits of RSA_SIZES) {
    for (const alg of [
      { alg: 'RsaPkcs1v15Sign', hash: wild },
      { alg: 'RsaPss', hash: wild },
    ] as const) {
      yield { checkType: 'Generate', attributes: rsaSigningKey(bits, alg) };
      yield { checkType: 'Use', attributes: rsaSigningKey(bits, alg) };
    }
  }
  // Message signing: the same keys with only the message usage flags.
  yield {
    checkType: 'Use',
    attributes: signingKeyWithUsage(rsaSigningKey(2048, { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' }), MESSAGE_USAGE),
  };
  for (const curve of CURVES) {
    if (curve.montgomery) continue;
    const hashes: SignHash[] = [...new Set<SignHash>([ecdsaHashFor(curve.bits), 'Sha256', 'any'])];
    for (const hash of hashes) {
      for (const alg of [
        { alg: 'Ecdsa', hash },
        { alg: 'DeterministicEcdsa', hash },
      ] as const) {
        const pair = eccSigningKey(curve.family, curve.bits, alg);
        yield { checkType: 'Generate', attributes: pair };
        yield { checkType: 'Use', attributes: pair };
        yield { checkType: 'Import', attributes: pair };
        yield {
          checkType: 'Import',
          attributes: {
            keyType: { type: 'EccPublicKey', curveFamily: curve.family },
            keyBits: curve.bits,
            policy: { usage: { verifyHash: true }, algorithm: alg },
          },
        };
      }
    }
  }
  yield {
    checkType: 'Use',
    attributes: signingKeyWithUsage(eccSigningKey('SecpR1', 256, { alg: 'Ecdsa', hash: 'Sha256' }), MESSAGE_USAGE),
  };
  // Importing oracle-made RSA keys for every hash the suites sign with.
  for (const hash of SIGN_HASHES) {
    for (const alg of [
      { alg: 'RsaPkcs1v15Sign', hash },
      { alg: 'RsaPss', hash },
    ] as const) {
      for (const type of ['RsaKeyPair', 'RsaPublicKey'] as const) {
        yield {
          checkType: 'Import',
          attributes: { keyType: { type }, keyBits: 2048, policy: { usage: { verifyHash: true }, algorithm: alg } },
        };
      }
    }
  }
}

export const SIGNATURE_PROBES: readonly Probe[] = [...probes()];
