import type { EccFamily } from '../wire';

/**
 * Elliptic curves the oracle (Node's OpenSSL) can check, by PSA family and size. OIDs and group orders are from
 * SEC 2, RFC 5639 and RFC 8410; the order is kept for the Weierstrass curves, where signature edge cases need it.
 */
export interface CurveSpec {
  readonly family: EccFamily;
  readonly bits: number;
  /** OpenSSL's name, as Node's crypto takes it. */
  readonly nodeName: string;
  readonly oid: string;
  /** Bytes of one coordinate / of the private scalar. */
  readonly coordBytes: number;
  /** Group order n (Weierstrass curves only). */
  readonly order?: bigint;
  /** Montgomery curves only agree keys; they have no ECDSA. */
  readonly montgomery?: boolean;
}

export const CURVES: readonly CurveSpec[] = [
  {
    family: 'SecpR1',
    bits: 192,
    nodeName: 'prime192v1',
    oid: '1.2.840.10045.3.1.1',
    coordBytes: 24,
    order: 0xffffffffffffffffffffffff99def836146bc9b1b4d22831n,
  },
  {
    family: 'SecpR1',
    bits: 224,
    nodeName: 'secp224r1',
    oid: '1.3.132.0.33',
    coordBytes: 28,
    order: 0xffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3dn,
  },
  {
    family: 'SecpR1',
    bits: 256,
    nodeName: 'prime256v1',
    oid: '1.2.840.10045.3.1.7',
    coordBytes: 32,
    order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  },
  {
    family: 'SecpR1',
    bits: 384,
    nodeName: 'secp384r1',
    oid: '1.3.132.0.34',
    coordBytes: 48,
    order: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  },
  {
    family: 'SecpR1',
    bits: 521,
    nodeName: 'secp521r1',
    oid: '1.3.132.0.35',
    coordBytes: 66,
    order:
      0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  },
  {
    family: 'SecpK1',
    bits: 256,
    nodeName: 'secp256k1',
    oid: '1.3.132.0.10',
    coordBytes: 32,
    order: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
  },
  {
    family: 'BrainpoolPR1',
    bits: 256,
    nodeName: 'brainpoolP256r1',
    oid: '1.3.36.3.3.2.8.1.1.7',
    coordBytes: 32,
    order: 0xa9fb57dba1eea9bc3e660a909d838d718c397aa3b561a6f7901e0e82974856a7n,
  },
  {
    family: 'BrainpoolPR1',
    bits: 384,
    nodeName: 'brainpoolP384r1',
    oid: '1.3.36.3.3.2.8.1.1.11',
    coordBytes: 48,
    order: 0x8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b31f166e6cac0425a7cf3ab6af6b7fc3103b883202e9046565n,
  },
  {
    family: 'BrainpoolPR1',
    bits: 512,
    nodeName: 'brainpoolP512r1',
    oid: '1.3.36.3.3.2.8.1.1.13',
    coordBytes: 64,
    order:
      0xaadd9db8dbe9c48b3fd4e6ae33c9fc07cb308db3b3c9d20ed6639cca70330870553e5c414ca92619418661197fac10471db1d381085ddaddb58796829ca90069n,
  },
  { family: 'Montgomery', bits: 255, nodeName: 'x25519', oid: '1.3.101.110', coordBytes: 32, montgomery: true },
  { family: 'Montgomery', bits: 448, nodeName: 'x448', oid: '1.3.101.111', coordBytes: 56, montgomery: true },
];

export function curveOf(family: EccFamily, bits: number): CurveSpec {
  const c = CURVES.find((x) => x.family === family && x.bits === bits);
  if (!c)
    throw new Error(
      `the oracle has no curve ${family}/${bits}; known: ${CURVES.map((x) => `${x.family}/${x.bits}`).join(', ')}`,
    );
  return c;
}
