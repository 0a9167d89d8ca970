import { createECDH, createHash, diffieHellman, getHashes, type KeyObject } from 'node:crypto';
import type { Hash } from '../wire';
import type { CurveSpec } from './curves';
import { parseEcPublicKey } from './keys';
import { OracleError } from './oracle-error';

/** Digest sizes in bytes (PSA_HASH_LENGTH), by the hash's definition (RFC 1319/1320/1321, FIPS 180-4, FIPS 202). */
export const HASH_LENGTH: Readonly<Record<Hash, number>> = {
  Md2: 16,
  Md4: 16,
  Md5: 16,
  Ripemd160: 20,
  Sha1: 20,
  Sha224: 28,
  Sha256: 32,
  Sha384: 48,
  Sha512: 64,
  Sha512_224: 28,
  Sha512_256: 32,
  Sha3_224: 28,
  Sha3_256: 32,
  Sha3_384: 48,
  Sha3_512: 64,
};

/** OpenSSL's digest names; MD2 and MD4 are gone from OpenSSL 3's default provider, so they may be missing. */
const NODE_HASH: Readonly<Record<Hash, string>> = {
  Md2: 'md2',
  Md4: 'md4',
  Md5: 'md5',
  Ripemd160: 'ripemd160',
  Sha1: 'sha1',
  Sha224: 'sha224',
  Sha256: 'sha256',
  Sha384: 'sha384',
  Sha512: 'sha512',
  Sha512_224: 'sha512-224',
  Sha512_256: 'sha512-256',
  Sha3_224: 'sha3-224',
  Sha3_256: 'sha3-256',
  Sha3_384: 'sha3-384',
  Sha3_512: 'sha3-512',
};

/**
 * Known answers for the hashes Node may not compute: the test suites of RFC 1319 (MD2) and RFC 1320 (MD4),
 * message (ASCII) → digest (hex).
 */
export const LEGACY_HASH_KATS: Readonly<Partial<Record<Hash, readonly (readonly [string, string])[]>>> = {
  Md2: [
    ['', '8350e5a3e24c153df2275c9f80692773'],
    ['a', '32ec01ec4a6dac72c0ab96fb34c0b5d1'],
    ['abc', 'da853b0d3f88d99b30283a69e6ded6bb'],
    ['message digest', 'ab4f496bfb2a530b219ff33031fe06b0'],
  ],
  Md4: [
    ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
    ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
    ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
    ['message digest', 'd9130a8164549fe818874806e1c7014b'],
  ],
};

/** Whether this Node (its OpenSSL) can compute the hash itself. */
export function oracleHasHash(hash: Hash): boolean {
  return getHashes().includes(NODE_HASH[hash]);
}

/** The digest of `input`, computed by Node; an OracleError when Node cannot compute this hash. */
export function oracleDigest(hash: Hash, input: Uint8Array): Buffer {
  if (!oracleHasHash(hash)) {
    throw new OracleError(`Node's crypto cannot compute ${hash}; check it against LEGACY_HASH_KATS instead`);
  }
  return createHash(NODE_HASH[hash]).update(input).digest();
}

/** Checks a digest the service computed against Node's. */
export function expectDigest(hash: Hash, input: Uint8Array, got: Uint8Array): void {
  const want = oracleDigest(hash, input);
  if (!want.equals(Buffer.from(got))) {
    throw new OracleError(
      `${hash} of ${input.length} bytes: expected ${want.toString('hex')} (${want.length} bytes), got ${Buffer.from(got).toString('hex').slice(0, 160)} (${got.length} bytes)`,
    );
  }
}

/** Checks a digest against a known answer given as hex. */
export function expectKnownDigest(hash: Hash, message: string, expectedHex: string, got: Uint8Array): void {
  const gotHex = Buffer.from(got).toString('hex');
  if (gotHex !== expectedHex) {
    throw new OracleError(`${hash}('${message}'): expected ${expectedHex}, got ${gotHex.slice(0, 160)}`);
  }
}

/**
 * The raw ECDH shared secret (PSA_ALG_ECDH: the x coordinate, big-endian, curve-size bytes; X25519/X448 output for
 * Montgomery curves) between the oracle's private key and a public key as Parsec exports it.
 */
export function oracleSharedSecret(curve: CurveSpec, oraclePrivate: KeyObject, parsecPublic: Uint8Array): Buffer {
  const publicKey = parseEcPublicKey(curve, parsecPublic);
  try {
    return diffieHellman({ privateKey: oraclePrivate, publicKey });
  } catch (e) {
    throw new OracleError(`${curve.nodeName} ECDH with the exported public key failed: ${(e as Error).message}`);
  }
}

/** The raw ECDH secret for a known private scalar and peer point (Weierstrass curves), via OpenSSL's ECDH. */
export function oracleScalarSharedSecret(curve: CurveSpec, scalar: Uint8Array, peerPoint: Uint8Array): Buffer {
  if (curve.montgomery)
    throw new OracleError(`oracleScalarSharedSecret is for Weierstrass curves, not ${curve.nodeName}`);
  const ecdh = createECDH(curve.nodeName);
  ecdh.setPrivateKey(Buffer.from(scalar));
  const secret = ecdh.computeSecret(Buffer.from(peerPoint));
  // OpenSSL strips nothing here, but pad defensively to the field size PSA uses.
  return Buffer.concat([Buffer.alloc(Math.max(0, curve.coordBytes - secret.length)), secret]);
}

/** The public point (04 || X || Y) for a private scalar on a Weierstrass curve. */
export function oraclePublicPoint(curve: CurveSpec, scalar: Uint8Array): Buffer {
  const ecdh = createECDH(curve.nodeName);
  ecdh.setPrivateKey(Buffer.from(scalar));
  return ecdh.getPublicKey(undefined, 'uncompressed');
}

/** Checks a shared secret the service gave against the oracle's. */
export function expectSharedSecret(curve: CurveSpec, want: Uint8Array, got: Uint8Array): void {
  if (got.length !== curve.coordBytes) {
    throw new OracleError(`${curve.nodeName} shared secret must be ${curve.coordBytes} bytes, got ${got.length}`);
  }
  if (!Buffer.from(want).equals(Buffer.from(got))) {
    throw new OracleError(`${curve.nodeName} shared secret differs from the oracle's ECDH result`);
  }
}

const MAX_EQUAL_RUN = 8;

/**
 * Crude sanity checks of random output (not a statistical test suite): the exact length, not constant, no run of
 * 8 equal bytes, no repeated 16-byte block, and for 64 KiB and more a monobit fraction of ones within 0.49..0.51.
 */
export function expectRandomLooking(bytes: Uint8Array, size: number): void {
  if (bytes.length !== size) throw new OracleError(`expected ${size} random bytes, got ${bytes.length}`);
  if (size >= 16 && bytes.every((b) => b === bytes[0])) {
    throw new OracleError(`${size} random bytes are all 0x${bytes[0]!.toString(16).padStart(2, '0')}`);
  }
  // A run of 8 equal bytes has probability about size * 2^-56 in random data: a stuck or zero-filled tail.
  let run = 1;
  for (let i = 1; i < size; i += 1) {
    run = bytes[i] === bytes[i - 1] ? run + 1 : 1;
    if (run >= MAX_EQUAL_RUN) {
      throw new OracleError(
        `${size} random bytes hold ${MAX_EQUAL_RUN} equal bytes (0x${bytes[i]!.toString(16).padStart(2, '0')}) in a row ending at offset ${i}`,
      );
    }
  }
  const blocks = new Set<string>();
  for (let i = 0; i + 16 <= size; i += 16) {
    const block = Buffer.from(bytes.subarray(i, i + 16)).toString('hex');
    if (blocks.has(block)) throw new OracleError(`${size} random bytes repeat a 16-byte block at offset ${i}`);
    blocks.add(block);
  }
  if (size >= 65536) {
    let ones = 0;
    for (const b of bytes) {
      let v = b;
      while (v) {
        ones += v & 1;
        v >>= 1;
      }
    }
    const fraction = ones / (size * 8);
    if (fraction < 0.49 || fraction > 0.51) {
      throw new OracleError(`${size} random bytes have a ones fraction of ${fraction.toFixed(4)}, outside 0.49..0.51`);
    }
  }
}

/** Two independent draws must differ. */
export function expectDistinctDraws(a: Uint8Array, b: Uint8Array): void {
  if (Buffer.from(a).equals(Buffer.from(b))) {
    throw new OracleError(`two draws of ${a.length} random bytes are identical`);
  }
}
