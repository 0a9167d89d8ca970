import { constants, createHash, privateEncrypt, publicDecrypt, sign, verify, type KeyObject } from 'node:crypto';
import type { CurveSpec } from './curves';
import { octets, oid, seq, tlv } from './der';
import { OracleError } from './oracle-error';
import type { Hash } from '../wire';

/**
 * Independent signature checks with Node's crypto (OpenSSL). Every check throws an OracleError naming what was
 * checked, what was expected and what came back; a check never trusts bytes the service computed about itself.
 */

interface HashFacts {
  /** OpenSSL's digest name. */
  readonly node: string;
  readonly bytes: number;
  /** DigestInfo algorithm OID (RFC 8017 appendix A.2.4, NIST CSOR for SHA-3). */
  readonly oid: string;
}

const HASH_FACTS: Partial<Record<Hash, HashFacts>> = {
  Md5: { node: 'md5', bytes: 16, oid: '1.2.840.113549.2.5' },
  Ripemd160: { node: 'ripemd160', bytes: 20, oid: '1.3.36.3.2.1' },
  Sha1: { node: 'sha1', bytes: 20, oid: '1.3.14.3.2.26' },
  Sha224: { node: 'sha224', bytes: 28, oid: '2.16.840.1.101.3.4.2.4' },
  Sha256: { node: 'sha256', bytes: 32, oid: '2.16.840.1.101.3.4.2.1' },
  Sha384: { node: 'sha384', bytes: 48, oid: '2.16.840.1.101.3.4.2.2' },
  Sha512: { node: 'sha512', bytes: 64, oid: '2.16.840.1.101.3.4.2.3' },
  Sha3_256: { node: 'sha3-256', bytes: 32, oid: '2.16.840.1.101.3.4.2.8' },
  Sha3_384: { node: 'sha3-384', bytes: 48, oid: '2.16.840.1.101.3.4.2.9' },
  Sha3_512: { node: 'sha3-512', bytes: 64, oid: '2.16.840.1.101.3.4.2.10' },
};

function facts(hash: Hash): HashFacts {
  const f = HASH_FACTS[hash];
  if (!f) throw new OracleError(`the oracle has no digest ${hash}`);
  return f;
}

export const hashName = (hash: Hash): string => facts(hash).node;
export const hashLength = (hash: Hash): number => facts(hash).bytes;

/** The digest the oracle computes for a message; this, not the service's hash, goes into SignHash. */
export function digestOf(hash: Hash, message: Uint8Array): Buffer {
  return createHash(facts(hash).node).update(message).digest();
}

/** DER DigestInfo (RFC 8017 §9.2): what a PKCS#1 v1.5 signature carries; NULL parameters as RFC 8017 writes them. */
export function digestInfo(hash: Hash, digest: Uint8Array): Buffer {
  return seq(seq(oid(facts(hash).oid), tlv(0x05, Buffer.alloc(0))), octets(digest));
}

export type RsaScheme = 'pkcs1v15' | 'pss';

function expectLength(what: string, signature: Uint8Array, expected: number): void {
  if (signature.length !== expected) {
    throw new OracleError(`${what}: signature must be ${expected} bytes, got ${signature.length}`);
  }
}

function rsaModulusBytes(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (!bits) throw new OracleError('the public key given to the RSA check is not an RSA key');
  return Math.ceil(bits / 8);
}

/**
 * Checks an RSA signature over `message` (the oracle hashes it). PKCS#1 v1.5 is also checked by recovering the
 * DigestInfo with the public key and comparing it with the oracle's; PSS uses MGF1 with the same hash and a salt as
 * long as the hash, as PSA_ALG_RSA_PSS specifies.
 */
export function checkRsaSignature(
  publicKey: KeyObject,
  scheme: RsaScheme,
  hash: Hash,
  message: Uint8Array,
  signature: Uint8Array,
): void {
  const what = `RSA ${scheme === 'pss' ? 'PSS' : 'PKCS#1 v1.5'} ${hash}`;
  expectLength(what, signature, rsaModulusBytes(publicKey));
  const padding = scheme === 'pss' ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING;
  const ok = verify(
    hashName(hash),
    message,
    { key: publicKey, padding, saltLength: scheme === 'pss' ? hashLength(hash) : undefined },
    signature,
  );
  if (!ok) throw new OracleError(`${what}: the signature does not verify with the public key`);
  if (scheme === 'pkcs1v15') {
    const recovered = recoverPkcs1v15(publicKey, signature);
    const expected = digestInfo(hash, digestOf(hash, message));
    if (!recovered.equals(expected)) {
      throw new OracleError(
        `${what}: recovered DigestInfo ${recovered.toString('hex')} differs from the expected ${expected.toString('hex')}`,
      );
    }
  }
}

/** Opens a PKCS#1 v1.5 signature block with the public key; throws when the padding is not type 1. */
export function recoverPkcs1v15(publicKey: KeyObject, signature: Uint8Array): Buffer {
  try {
    return publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch (e) {
    throw new OracleError(`the signature does not open as a PKCS#1 v1.5 block: ${(e as Error).message}`);
  }
}

/** RsaPkcs1v15SignRaw: the signature must open to exactly the input that was signed. */
export function checkRsaRawSignature(publicKey: KeyObject, input: Uint8Array, signature: Uint8Array): void {
  expectLength('RSA PKCS#1 v1.5 raw', signature, rsaModulusBytes(publicKey));
  const recovered = recoverPkcs1v15(publicKey, signature);
  if (!recovered.equals(Buffer.from(input))) {
    throw new OracleError(
      `RSA PKCS#1 v1.5 raw: signature opens to ${recovered.toString('hex')}, expected ${Buffer.from(input).toString('hex')}`,
    );
  }
}

/** Checks a raw r‖s ECDSA signature (the PSA format) over `message` (the oracle hashes it). */
export function checkEcdsaSignature(
  curve: CurveSpec,
  publicKey: KeyObject,
  hash: Hash,
  message: Uint8Array,
  signature: Uint8Array,
): void {
  const what = `ECDSA ${curve.nodeName} ${hash}`;
  expectLength(what, signature, 2 * curve.coordBytes);
  const ok = verify(hashName(hash), message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  if (!ok) throw new OracleError(`${what}: the signature does not verify with the public key`);
}

/** What the oracle says about a signature, for cases that compare the service's verdict with it. */
export function oracleAccepts(check: () => void): boolean {
  try {
    check();
    return true;
  } catch (e) {
    if (e instanceof OracleError) return false;
    throw e;
  }
}

// ------------------------------------------------------------------------------------ oracle-made signatures

export function oracleRsaSign(privateKey: KeyObject, scheme: RsaScheme, hash: Hash, message: Uint8Array): Buffer {
  const padding = scheme === 'pss' ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING;
  return sign(hashName(hash), message, {
    key: privateKey,
    padding,
    saltLength: scheme === 'pss' ? hashLength(hash) : undefined,
  });
}

export function oracleEcdsaSign(privateKey: KeyObject, hash: Hash, message: Uint8Array): Buffer {
  return sign(hashName(hash), message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
}

// ------------------------------------------------------------------------------------ ECDSA edge values

export function splitRs(curve: CurveSpec, signature: Uint8Array): { r: bigint; s: bigint } {
  const half = curve.coordBytes;
  const hex = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
  return { r: hex(signature.subarray(0, half)), s: hex(signature.subarray(half, 2 * half)) };
}

/** r‖s at the curve's fixed width; a value wider than the width is an oracle misuse. */
export function joinRs(curve: CurveSpec, r: bigint, s: bigint): Buffer {
  const fixed = (v: bigint): Buffer => {
    const hex = v.toString(16).padStart(2 * curve.coordBytes, '0');
    if (hex.length > 2 * curve.coordBytes) throw new OracleError(`${v} does not fit ${curve.coordBytes} bytes`);
    return Buffer.from(hex, 'hex');
  };
  return Buffer.concat([fixed(r), fixed(s)]);
}

function orderOf(curve: CurveSpec): bigint {
  if (curve.order === undefined) throw new OracleError(`${curve.nodeName} has no group order: no ECDSA`);
  return curve.order;
}

/** The other valid signature of the same (r, s): s' = n − s. */
export function highS(curve: CurveSpec, signature: Uint8Array): Buffer {
  const { r, s } = splitRs(curve, signature);
  return joinRs(curve, r, orderOf(curve) - s);
}

/** The largest value that fits the curve's width: above n on every curve whose order is below 2^(8·width). */
export const maxScalar = (curve: CurveSpec): bigint => (1n << BigInt(8 * curve.coordBytes)) - 1n;

export const curveOrder = orderOf;

/** A copy with one bit flipped at byte `index` (negative counts from the end). */
export function flipBit(bytes: Uint8Array, index: number, bit = 0): Buffer {
  const out = Buffer.from(bytes);
  const at = index < 0 ? out.length + index : index;
  out[at] = out[at]! ^ (1 << bit);
  return out;
}

/**
 * A copy whose most significant set bit is cleared. The value only gets smaller, so an RSA signature stays below
 * the modulus and must be refused as an invalid signature; flipping a fixed high bit could push it past the
 * modulus (an invalid argument instead), depending on the random key.
 */
export function clearTopSetBit(bytes: Uint8Array): Buffer {
  const out = Buffer.from(bytes);
  const at = out.findIndex((b) => b !== 0);
  if (at < 0) throw new Error('clearTopSetBit: all bytes are zero, there is no set bit to clear');
  out[at] = out[at]! & ~(0x80 >> (Math.clz32(out[at]!) - 24));
  return out;
}

/** The RSA public-key operation on a signature, s^e mod n, as bytes of the modulus' length (RFC 8017 RSAVP1). */
export function rsaPublicRaw(publicKey: KeyObject, signature: Uint8Array): Buffer {
  return publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, signature);
}

/** The RSA private-key operation, m^d mod n (RSASP1): a "signature" whose encoded message is exactly `em`. */
export function rsaPrivateRaw(privateKey: KeyObject, em: Uint8Array): Buffer {
  return privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, em);
}

/**
 * A PSS signature of `message` with one bit flipped (at byte `index`) whose encoded message, as a verifier decodes
 * it, does not end in the PSS trailer 0xBC. A flipped signature decodes to a random encoded message; in 1 of 256
 * the trailer still matches and verifiers take another path (the leading-bits check), so the salt is drawn anew
 * until the plain case holds: the check then is the same in every run.
 */
export function flippedPssSignature(
  privateKey: KeyObject,
  publicKey: KeyObject,
  hash: Hash,
  message: Uint8Array,
  index: number,
): Buffer {
  for (let attempt = 0; attempt < 64; attempt += 1) {
    const flipped = flipBit(oracleRsaSign(privateKey, 'pss', hash, message), index, 1);
    let em: Buffer;
    try {
      em = rsaPublicRaw(publicKey, flipped);
    } catch {
      continue; // the flipped value is not below the modulus
    }
    if (em[em.length - 1] !== 0xbc) return flipped;
  }
  throw new OracleError('no flipped PSS signature without the 0xBC trailer in 64 draws');
}
