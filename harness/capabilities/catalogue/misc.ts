import { CURVES } from '../../oracle/curves';
import type { EccFamily, KeyAttributes } from '../../wire';
import type { Probe } from '../probe';

/** A key pair for raw ECDH: the policy PSA asks for (derive usage, ECDH algorithm). */
export function ecdhAgreementKey(
  family: EccFamily,
  bits: number,
  usage: KeyAttributes['policy']['usage'] = { derive: true },
) {
  const attributes: KeyAttributes = {
    keyType: { type: 'EccKeyPair', curveFamily: family },
    keyBits: bits,
    policy: { usage, algorithm: { alg: 'Ecdh' } },
  };
  return attributes;
}

/**
 * The question that decides whether a curve is offered for ECDH. Parsec's CanDoCrypto use check only counts the
 * encrypt/decrypt/sign/verify flags, so a derive-only ECDH key is always "not supported" there (that answer is its
 * own case in psa-raw-key-agreement); the verify_hash flag next to derive gets the curve itself asked about.
 */
export function ecdhCurveProbe(family: EccFamily, bits: number): KeyAttributes {
  return ecdhAgreementKey(family, bits, { derive: true, verifyHash: true });
}

function* probes(): Generator<Probe> {
  for (const curve of CURVES) {
    yield { checkType: 'Generate', attributes: ecdhCurveProbe(curve.family, curve.bits) };
    yield { checkType: 'Import', attributes: ecdhCurveProbe(curve.family, curve.bits) };
  }
}

export const MISC_PROBES: readonly Probe[] = [...probes()];
