import { createECDH, createPrivateKey, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { CurveSpec } from './curves';
import { parseEcPublicKey, parseRsaPublicKey } from './keys';
import { OracleError } from './oracle-error';

/**
 * Checks of the key formats Parsec imports and exports (reference B4), made with Node's crypto only: each check
 * parses what the service gave and compares what it reads back with what the case asked for or imported.
 */

function rsaNumbers(key: KeyObject): { n: Buffer; e: Buffer } {
  const jwk = key.export({ format: 'jwk' });
  return { n: Buffer.from(jwk.n as string, 'base64url'), e: Buffer.from(jwk.e as string, 'base64url') };
}

/**
 * An exported RSA public key: DER PKCS#1 RSAPublicKey whose modulus has exactly `bits` bits and whose public exponent
 * is `exponent` (65537 unless said otherwise). Returns the key for Node's crypto.
 */
export function expectRsaPublicKey(der: Uint8Array, bits: number, exponent = 65537n): KeyObject {
  const parsed = parseRsaPublicKey(der);
  if (parsed.modulusBits !== bits) {
    throw new OracleError(`RSA public key has a ${parsed.modulusBits}-bit modulus, expected ${bits} bits`);
  }
  if (parsed.exponent !== exponent) {
    throw new OracleError(`RSA public key has exponent ${parsed.exponent}, expected ${exponent}`);
  }
  return parsed.key;
}

/** Parses DER PKCS#1 RSAPrivateKey (Parsec's RSA key-pair format); returns the private key and its public half. */
export function parseRsaPrivateKey(der: Uint8Array): { privateKey: KeyObject; publicKey: KeyObject } {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs1' });
  } catch (e) {
    throw new OracleError(
      `exported RSA key pair is not DER PKCS#1 RSAPrivateKey (${der.length} bytes): ${(e as Error).message}`,
    );
  }
  // OpenSSL's decoder also takes PKCS#8 when asked for PKCS#1; re-encoding tells the two apart (and catches
  // non-canonical DER).
  if (privateKey.asymmetricKeyType !== 'rsa' || !privateKey.export({ format: 'der', type: 'pkcs1' }).equals(der)) {
    throw new OracleError(`RSA key pair (${der.length} bytes) is not canonical DER PKCS#1 RSAPrivateKey`);
  }
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** An RSA key pair (PKCS#1 RSAPrivateKey) and a public key (PKCS#1 RSAPublicKey) must share modulus and exponent. */
export function expectRsaPairMatchesPublic(privateDer: Uint8Array, publicDer: Uint8Array): void {
  const pair = rsaNumbers(parseRsaPrivateKey(privateDer).publicKey);
  const pub = rsaNumbers(parseRsaPublicKey(publicDer).key);
  if (!pair.n.equals(pub.n)) throw new OracleError('RSA key pair and public key have different moduli');
  if (!pair.e.equals(pub.e)) {
    throw new OracleError(`RSA key pair exponent ${pair.e.toString('hex')} differs from ${pub.e.toString('hex')}`);
  }
}

/** The public key of a raw private scalar (Parsec's ECC key-pair format), in Parsec's public format. */
export function ecPointOfScalar(curve: CurveSpec, scalar: Uint8Array): Buffer {
  if (scalar.length !== curve.coordBytes) {
    throw new OracleError(`${curve.nodeName} private key must be ${curve.coordBytes} bytes, got ${scalar.length}`);
  }
  if (curve.montgomery) {
    const crv = curve.nodeName === 'x448' ? 'X448' : 'X25519';
    try {
      const priv = createPrivateKey({
        key: { kty: 'OKP', crv, d: Buffer.from(scalar).toString('base64url'), x: '' },
        format: 'jwk',
      });
      return Buffer.from(createPublicKey(priv).export({ format: 'jwk' }).x as string, 'base64url');
    } catch (e) {
      throw new OracleError(`${curve.nodeName} private key is not valid: ${(e as Error).message}`);
    }
  }
  const value = BigInt(`0x${Buffer.from(scalar).toString('hex') || '0'}`);
  if (value === 0n || (curve.order !== undefined && value >= curve.order)) {
    throw new OracleError(`${curve.nodeName} private scalar is not in [1, n-1]`);
  }
  const ecdh = createECDH(curve.nodeName);
  try {
    ecdh.setPrivateKey(Buffer.from(scalar));
  } catch (e) {
    throw new OracleError(`${curve.nodeName} private key is not valid: ${(e as Error).message}`);
  }
  return ecdh.getPublicKey(undefined, 'uncompressed');
}

/** A raw private scalar and an exported public key must be the two halves of one key pair. */
export function expectEcScalarMatchesPoint(curve: CurveSpec, scalar: Uint8Array, point: Uint8Array): void {
  parseEcPublicKey(curve, point);
  const expected = ecPointOfScalar(curve, scalar);
  if (!expected.equals(Buffer.from(point))) {
    throw new OracleError(
      `${curve.nodeName} public key ${Buffer.from(point).toString('hex').slice(0, 20)}… is not the public key of the private scalar`,
    );
  }
}

/** Verifies an RSA PKCS#1 v1.5 signature over the SHA-256 digest of `message` (the service signed the digest). */
export function expectRsaPkcs1Sha256Signature(publicKey: KeyObject, message: Uint8Array, signature: Uint8Array): void {
  if (!verify('sha256', Buffer.from(message), publicKey, Buffer.from(signature))) {
    throw new OracleError(`RSA PKCS#1 v1.5 SHA-256 signature (${signature.length} bytes) does not verify`);
  }
}

/** Verifies a raw r||s ECDSA signature (Parsec's format) over the SHA-256 digest of `message`. */
export function expectEcdsaSha256Signature(publicKey: KeyObject, message: Uint8Array, signature: Uint8Array): void {
  if (!verify('sha256', Buffer.from(message), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature))) {
    throw new OracleError(`ECDSA SHA-256 signature (${signature.length} bytes, r||s) does not verify`);
  }
}
