import { createHash, randomBytes } from 'node:crypto';
import { curveOf } from '../../../harness/oracle/curves';
import {
  HASH_LENGTH,
  LEGACY_HASH_KATS,
  expectDigest,
  expectDistinctDraws,
  expectKnownDigest,
  expectRandomLooking,
  expectSharedSecret,
  oracleDigest,
  oracleHasHash,
  oraclePublicPoint,
  oracleScalarSharedSecret,
  oracleSharedSecret,
} from '../../../harness/oracle/digests-and-agreement';
import { oracleEcKeyPair } from '../../../harness/oracle/keys';
import { OracleError } from '../../../harness/oracle/oracle-error';
import { HASHES } from '../../../harness/wire';

const MESSAGE = Buffer.from('I am a message');

describe('digests', () => {
  it.each(HASHES.filter(oracleHasHash).map((h) => [h]))('%s has the PSA length and matches itself', (hash) => {
    const d = oracleDigest(hash, MESSAGE);
    expect(d.length).toBe(HASH_LENGTH[hash]);
    expect(() => expectDigest(hash, MESSAGE, d)).not.toThrow();
  });

  it("matches Parsec's own SHA-256 known answer for its 14-byte message", () => {
    expect(oracleDigest('Sha256', MESSAGE).toString('hex')).toBe(
      '0dc4bc13fd9174529224c38e0ee075fa9ed80b7847e6aea76ae98cf9ddd92669',
    );
  });

  it('fails on a tampered, truncated or wrong-algorithm digest', () => {
    const good = oracleDigest('Sha256', MESSAGE);
    const flipped = Buffer.from(good);
    flipped[5]! ^= 0x10;
    expect(() => expectDigest('Sha256', MESSAGE, flipped)).toThrow(OracleError);
    expect(() => expectDigest('Sha256', MESSAGE, good.subarray(0, 31))).toThrow(OracleError);
    expect(() => expectDigest('Sha3_256', MESSAGE, good)).toThrow(OracleError);
    expect(() => expectDigest('Sha256', Buffer.from('I am a messagf'), good)).toThrow(OracleError);
  });

  it('checks MD2/MD4 known answers and rejects a wrong one', () => {
    for (const hash of ['Md2', 'Md4'] as const) {
      const [message, hex] = LEGACY_HASH_KATS[hash]![2]!;
      expect(() => expectKnownDigest(hash, message, hex, Buffer.from(hex, 'hex'))).not.toThrow();
      const wrong = Buffer.from(hex, 'hex');
      wrong[0]! ^= 1;
      expect(() => expectKnownDigest(hash, message, hex, wrong)).toThrow(OracleError);
    }
  });

  it('refuses to compute a hash Node lacks instead of guessing', () => {
    const missing = HASHES.find((h) => !oracleHasHash(h));
    if (missing) expect(() => oracleDigest(missing, MESSAGE)).toThrow(OracleError);
    expect(createHash('sha256').update('').digest('hex')).toBe(oracleDigest('Sha256', Buffer.alloc(0)).toString('hex'));
  });
});

describe('ECDH', () => {
  it.each(['prime256v1', 'brainpoolP256r1', 'secp521r1', 'x25519', 'x448'])(
    '%s: both sides agree and a wrong secret fails',
    (name) => {
      const curve = [
        curveOf('SecpR1', 256),
        curveOf('BrainpoolPR1', 256),
        curveOf('SecpR1', 521),
        curveOf('Montgomery', 255),
        curveOf('Montgomery', 448),
      ].find((c) => c.nodeName === name)!;
      const a = oracleEcKeyPair(curve);
      const b = oracleEcKeyPair(curve);
      const ab = oracleSharedSecret(curve, a.privateKey, b.point);
      const ba = oracleSharedSecret(curve, b.privateKey, a.point);
      expect(() => expectSharedSecret(curve, ab, ba)).not.toThrow();
      const wrong = Buffer.from(ba);
      wrong[wrong.length - 1]! ^= 1;
      expect(() => expectSharedSecret(curve, ab, wrong)).toThrow(OracleError);
      expect(() => expectSharedSecret(curve, ab, ba.subarray(1))).toThrow(OracleError);
      const third = oracleEcKeyPair(curve);
      expect(() => expectSharedSecret(curve, ab, oracleSharedSecret(curve, third.privateKey, b.point))).toThrow(
        OracleError,
      );
    },
  );

  it('scalar-based ECDH equals key-object ECDH and the public point matches', () => {
    const curve = curveOf('SecpR1', 256);
    const a = oracleEcKeyPair(curve);
    const b = oracleEcKeyPair(curve);
    expect(oraclePublicPoint(curve, a.scalar).equals(a.point)).toBe(true);
    expect(
      oracleScalarSharedSecret(curve, a.scalar, b.point).equals(oracleSharedSecret(curve, a.privateKey, b.point)),
    ).toBe(true);
  });

  it('refuses a peer point that is not on the curve', () => {
    const curve = curveOf('SecpR1', 256);
    const a = oracleEcKeyPair(curve);
    const bad = Buffer.from(oracleEcKeyPair(curve).point);
    bad[64]! ^= 1;
    expect(() => oracleSharedSecret(curve, a.privateKey, bad)).toThrow(OracleError);
  });
});

describe('random checks', () => {
  it('accept real random bytes', () => {
    expect(() => expectRandomLooking(randomBytes(65536), 65536)).not.toThrow();
    expect(() => expectRandomLooking(Buffer.alloc(0), 0)).not.toThrow();
    expect(() => expectDistinctDraws(randomBytes(32), randomBytes(32))).not.toThrow();
  });
  it('fail on a short answer, constant bytes, a repeating block, biased bits and equal draws', () => {
    expect(() => expectRandomLooking(randomBytes(64), 1024)).toThrow('expected 1024 random bytes, got 64');
    expect(() => expectRandomLooking(Buffer.alloc(32, 0xab), 32)).toThrow(OracleError);
    // A zero-filled tail: not constant, no repeated block, but 8 equal bytes in a row.
    const tail = Buffer.concat([randomBytes(24), Buffer.alloc(8)]);
    expect(() => expectRandomLooking(tail, 32)).toThrow('8 equal bytes (0x00) in a row ending at offset 31');
    const block = randomBytes(16);
    const repeating = Buffer.concat([randomBytes(4096), block, randomBytes(1024), block]);
    expect(() => expectRandomLooking(repeating, repeating.length)).toThrow('repeat a 16-byte block');
    const biased = Buffer.from(randomBytes(65536).map((b) => b | 0x01));
    expect(() => expectRandomLooking(biased, 65536)).toThrow('ones fraction');
    const d = randomBytes(32);
    expect(() => expectDistinctDraws(d, Buffer.from(d))).toThrow(OracleError);
  });
});
