import {
  createECDH,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { CURVES, type CurveSpec } from './curves';
import { bitString, explicit, integer, octets, oid, seq } from './der';
import { OracleError } from './oracle-error';

const EC_PUBLIC_KEY_OID = '1.2.840.10045.2.1';

/**
 * Parses what PsaExportPublicKey gives for an RSA key: DER PKCS#1 RSAPublicKey (not SPKI). Returns the key for
 * Node's crypto and its modulus size and exponent, read back from the parsed key, not from the bytes we were given.
 */
export function parseRsaPublicKey(der: Uint8Array): { key: KeyObject; modulusBits: number; exponent: bigint } {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'pkcs1' });
  } catch (e) {
    throw new OracleError(
      `exported RSA public key is not DER PKCS#1 RSAPublicKey (${der.length} bytes): ${(e as Error).message}`,
    );
  }
  const jwk = key.export({ format: 'jwk' });
  const n = Buffer.from(jwk.n as string, 'base64url');
  const e = BigInt(`0x${Buffer.from(jwk.e as string, 'base64url').toString('hex')}`);
  const bits = n.length * 8 - Math.clz32(n[0] ?? 0) + 24;
  return { key, modulusBits: bits, exponent: e };
}

/** Parses an exported Weierstrass public key: the uncompressed point 04 || X || Y of the given curve. */
export function parseEcPublicKey(curve: CurveSpec, point: Uint8Array): KeyObject {
  if (curve.montgomery) {
    if (point.length !== curve.coordBytes) {
      throw new OracleError(`${curve.nodeName} public key must be ${curve.coordBytes} bytes, got ${point.length}`);
    }
    return createPublicKey({ key: seq(seq(oid(curve.oid)), bitString(point)), format: 'der', type: 'spki' });
  }
  const expected = 1 + 2 * curve.coordBytes;
  if (point.length !== expected || point[0] !== 0x04) {
    throw new OracleError(
      `${curve.nodeName} public key must be an uncompressed point of ${expected} bytes starting 04, got ${point.length} bytes starting ${Buffer.from(point.subarray(0, 1)).toString('hex')}`,
    );
  }
  try {
    return createPublicKey({
      key: seq(seq(oid(EC_PUBLIC_KEY_OID), oid(curve.oid)), bitString(point)),
      format: 'der',
      type: 'spki',
    });
  } catch (e) {
    throw new OracleError(`${curve.nodeName} point is not on the curve or malformed: ${(e as Error).message}`);
  }
}

export interface OracleRsaKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Parsec's RSA key-pair import format: DER PKCS#1 RSAPrivateKey. */
  readonly pkcs1Private: Buffer;
  /** Parsec's RSA public-key import/export format: DER PKCS#1 RSAPublicKey. */
  readonly pkcs1Public: Buffer;
}

const rsaCache = new Map<number, OracleRsaKeyPair>();
const rsaPending = new Map<number, Promise<OracleRsaKeyPair>>();

/**
 * Exports a freshly generated pair in Parsec's formats and caches it; if a pair of that size got there first (a sync
 * call while an async one was still generating), that one is kept, so every caller of a size sees the same key.
 */
function cacheRsaPair(bits: number, privateKey: KeyObject, publicKey: KeyObject): OracleRsaKeyPair {
  const cached = rsaCache.get(bits);
  if (cached) return cached;
  const pair = {
    privateKey,
    publicKey,
    pkcs1Private: privateKey.export({ format: 'der', type: 'pkcs1' }),
    pkcs1Public: publicKey.export({ format: 'der', type: 'pkcs1' }),
  };
  rsaCache.set(bits, pair);
  return pair;
}

/** An RSA key pair made by the oracle (cached per size: generation is slow and the key is not under test). */
export function oracleRsaKeyPair(bits: number): OracleRsaKeyPair {
  const cached = rsaCache.get(bits);
  if (cached) return cached;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 });
  return cacheRsaPair(bits, privateKey, publicKey);
}

/**
 * An oracle RSA key pair made off the event loop (libuv thread pool): a suite starts the sizes it needs at load
 * time, so 3072/4096-bit generation overlaps with the cases instead of blocking them. Shares the cache of
 * oracleRsaKeyPair, so a sync call after this one has resolved does not generate a second key.
 */
export function oracleRsaKeyPairAsync(bits: number): Promise<OracleRsaKeyPair> {
  const cached = rsaCache.get(bits);
  if (cached) return Promise.resolve(cached);
  let pending = rsaPending.get(bits);
  if (!pending) {
    pending = new Promise((resolve, reject) => {
      generateKeyPair('rsa', { modulusLength: bits, publicExponent: 65537 }, (err, publicKey, privateKey) => {
        if (err) reject(err);
        else resolve(cacheRsaPair(bits, privateKey, publicKey));
      });
    });
    rsaPending.set(bits, pending);
  }
  return pending;
}

export interface OracleEcKeyPair {
  readonly curve: CurveSpec;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Parsec's ECC key-pair import format: the raw private scalar, big-endian, curve-size bytes. */
  readonly scalar: Buffer;
  /** Parsec's ECC public-key format: 04 || X || Y (Montgomery: the raw u coordinate). */
  readonly point: Buffer;
}

/** An EC key pair made by the oracle; Montgomery curves through X25519/X448, the others through OpenSSL's ECDH. */
export function oracleEcKeyPair(curve: CurveSpec): OracleEcKeyPair {
  if (curve.montgomery) {
    const { privateKey, publicKey } =
      curve.nodeName === 'x448' ? generateKeyPairSync('x448') : generateKeyPairSync('x25519');
    const jwk = privateKey.export({ format: 'jwk' });
    return {
      curve,
      privateKey,
      publicKey,
      scalar: Buffer.from(jwk.d as string, 'base64url'),
      point: Buffer.from(jwk.x as string, 'base64url'),
    };
  }
  const ecdh = createECDH(curve.nodeName);
  ecdh.generateKeys();
  const scalar = Buffer.alloc(curve.coordBytes);
  const raw = ecdh.getPrivateKey();
  raw.copy(scalar, curve.coordBytes - raw.length);
  const point = ecdh.getPublicKey(undefined, 'uncompressed');
  // SEC1 ECPrivateKey with named-curve parameters and the public key, as OpenSSL writes it.
  const sec1 = seq(integer(1), octets(scalar), explicit(0, oid(curve.oid)), explicit(1, bitString(point)));
  return {
    curve,
    privateKey: createPrivateKey({ key: sec1, format: 'der', type: 'sec1' }),
    publicKey: parseEcPublicKey(curve, point),
    scalar,
    point,
  };
}

export { CURVES };
