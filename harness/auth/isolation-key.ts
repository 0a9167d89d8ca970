import { createHash, randomBytes, verify } from 'node:crypto';
import { eccSigningKey } from '../capabilities';
import { curveOf } from '../oracle/curves';
import { parseEcPublicKey } from '../oracle/keys';
import type { AsymmetricSignature, KeyAttributes } from '../wire';

/**
 * The key the isolation suites give each identity: ECDSA P-256, cheap to generate on every provider. Whose key
 * answered is decided by the oracle: a signature verifies under exactly one identity's exported public key.
 */
export const ISOLATION_ALG: AsymmetricSignature = { alg: 'Ecdsa', hash: 'Sha256' };
export const ISOLATION_KEY: KeyAttributes = eccSigningKey('SecpR1', 256, ISOLATION_ALG);

/** A fresh message and its SHA-256 digest (what SignHash signs). */
export function freshDigest(): { message: Buffer; digest: Buffer } {
  const message = randomBytes(48);
  return { message, digest: createHash('sha256').update(message).digest() };
}

/** Node's crypto verifies a raw r||s P-256 signature of `message` under an exported uncompressed point. */
export function p256Verifies(publicPoint: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const key = parseEcPublicKey(curveOf('SecpR1', 256), publicPoint);
  return verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
}
