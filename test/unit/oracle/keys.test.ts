import { execFileSync } from 'node:child_process';
import { sign, verify } from 'node:crypto';
import { CURVES, curveOf } from '../../../harness/oracle/curves';
import { oracleEcKeyPair, oracleRsaKeyPair, parseEcPublicKey, parseRsaPublicKey } from '../../../harness/oracle/keys';
import { OracleError } from '../../../harness/oracle/oracle-error';

/** The group orders in the table are checked against OpenSSL's own explicit curve parameters. */
function opensslOrder(name: string): bigint {
  const text = execFileSync('openssl', ['ecparam', '-name', name, '-param_enc', 'explicit', '-text', '-noout'], {
    encoding: 'utf8',
  });
  const block = /Order:\s*\n([\s0-9a-f:]+)/.exec(text)?.[1] ?? '';
  return BigInt(`0x${block.replace(/[\s:]/g, '')}`);
}

describe('curve table', () => {
  it.each(CURVES.filter((c) => c.order !== undefined).map((c) => [c.nodeName, c] as const))(
    '%s order matches OpenSSL',
    (_n, c) => {
      expect(c.order).toBe(opensslOrder(c.nodeName));
    },
  );
  it('names unknown curves with the known ones', () => {
    expect(() => curveOf('SecpR1', 123)).toThrow('the oracle has no curve SecpR1/123; known: SecpR1/192');
  });
});

describe('RSA keys', () => {
  const pair = oracleRsaKeyPair(1024);
  it('parses PKCS#1 RSAPublicKey and reads size and exponent from the key', () => {
    const parsed = parseRsaPublicKey(pair.pkcs1Public);
    expect(parsed.modulusBits).toBe(1024);
    expect(parsed.exponent).toBe(65537n);
  });
  it('rejects SPKI, truncated and tampered encodings', () => {
    const spki = pair.publicKey.export({ format: 'der', type: 'spki' });
    expect(() => parseRsaPublicKey(spki)).toThrow(OracleError);
    expect(() => parseRsaPublicKey(pair.pkcs1Public.subarray(0, 40))).toThrow(OracleError);
    const tampered = Buffer.from(pair.pkcs1Public);
    tampered[0] = 0x31;
    expect(() => parseRsaPublicKey(tampered)).toThrow(OracleError);
  });
});

describe('EC keys', () => {
  it.each(['prime256v1', 'secp384r1', 'brainpoolP256r1', 'secp256k1'])(
    '%s: generated pair signs and its point re-parses',
    (name) => {
      const curve = CURVES.find((c) => c.nodeName === name)!;
      const pair = oracleEcKeyPair(curve);
      expect(pair.scalar.length).toBe(curve.coordBytes);
      expect(pair.point.length).toBe(1 + 2 * curve.coordBytes);
      const sig = sign('sha256', Buffer.from('m'), pair.privateKey);
      expect(verify('sha256', Buffer.from('m'), parseEcPublicKey(curve, pair.point), sig)).toBe(true);
    },
  );
  it('rejects a compressed point, a wrong length and a point off the curve', () => {
    const curve = curveOf('SecpR1', 256);
    const { point } = oracleEcKeyPair(curve);
    const compressed = Buffer.concat([Buffer.from([0x02]), point.subarray(1, 33)]);
    expect(() => parseEcPublicKey(curve, compressed)).toThrow('must be an uncompressed point of 65 bytes');
    expect(() => parseEcPublicKey(curve, point.subarray(0, 64))).toThrow(OracleError);
    const off = Buffer.from(point);
    off[64] ^= 1;
    expect(() => parseEcPublicKey(curve, off)).toThrow('not on the curve');
  });
  it('handles Montgomery keys as raw u coordinates', () => {
    const curve = curveOf('Montgomery', 255);
    const pair = oracleEcKeyPair(curve);
    expect(pair.point.length).toBe(32);
    expect(parseEcPublicKey(curve, pair.point).asymmetricKeyType).toBe('x25519');
  });
});
