import { CURVES, type CurveSpec } from '../../oracle/curves';
import type { Aead, CheckType, KeyAttributes } from '../../wire';
import type { Probe } from '../probe';
import { aesKey } from './symmetric';
import { rsaEncryptionKey, rsaSigningKey } from './asymmetric';

/**
 * The combinations the CanDoCrypto suite checks for agreement: what discovery answered for Generate, Import and Use
 * must match what PsaGenerateKey, PsaImportKey and the operation then do.
 */
export interface AgreementSubject {
  /** Stable title fragment naming the key, e.g. 'RSA 2048 PKCS#1 v1.5 SHA-256 signing key'. */
  readonly label: string;
  readonly attributes: KeyAttributes;
  readonly checks: readonly CheckType[];
}

export function eccAgreementKey(curve: CurveSpec): KeyAttributes {
  const keyType = { type: 'EccKeyPair', curveFamily: curve.family } as const;
  return curve.montgomery
    ? { keyType, keyBits: curve.bits, policy: { usage: { derive: true }, algorithm: { alg: 'Ecdh' } } }
    : {
        keyType,
        keyBits: curve.bits,
        policy: { usage: { signHash: true, verifyHash: true }, algorithm: { alg: 'Ecdsa', hash: 'Sha256' } },
      };
}

export function eccPublicAgreementKey(curve: CurveSpec): KeyAttributes {
  const keyType = { type: 'EccPublicKey', curveFamily: curve.family } as const;
  return curve.montgomery
    ? { keyType, keyBits: curve.bits, policy: { usage: { derive: true }, algorithm: { alg: 'Ecdh' } } }
    : {
        keyType,
        keyBits: curve.bits,
        policy: { usage: { verifyHash: true }, algorithm: { alg: 'Ecdsa', hash: 'Sha256' } },
      };
}

const AEADS: readonly [string, Aead][] = [
  ['GCM', { alg: 'Gcm' }],
  ['CCM', { alg: 'Ccm' }],
];

export const AGREEMENT_SUBJECTS: readonly AgreementSubject[] = [
  ...[1024, 2048].flatMap((bits): AgreementSubject[] => [
    {
      label: `RSA ${bits} PKCS#1 v1.5 SHA-256 signing key`,
      attributes: rsaSigningKey(bits, { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' }),
      checks: ['Generate', 'Import', 'Use'],
    },
    {
      label: `RSA ${bits} PKCS#1 v1.5 encryption key`,
      attributes: rsaEncryptionKey(bits, { alg: 'RsaPkcs1v15Crypt' }),
      checks: ['Generate', 'Import', 'Use'],
    },
    {
      label: `RSA ${bits} OAEP SHA-256 encryption key`,
      attributes: rsaEncryptionKey(bits, { alg: 'RsaOaep', hash: 'Sha256' }),
      checks: ['Generate', 'Import', 'Use'],
    },
  ]),
  {
    label: 'RSA 2048 public key for PKCS#1 v1.5 SHA-256 verification',
    attributes: {
      keyType: { type: 'RsaPublicKey' },
      keyBits: 2048,
      policy: { usage: { verifyHash: true }, algorithm: { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' } },
    },
    checks: ['Import'],
  },
  ...CURVES.flatMap((curve): AgreementSubject[] => {
    const what = curve.montgomery ? 'ECDH' : 'ECDSA SHA-256';
    return [
      {
        label: `ECC ${curve.family} ${curve.bits} ${what} key pair`,
        attributes: eccAgreementKey(curve),
        checks: ['Generate', 'Import', 'Use'],
      },
      {
        label: `ECC ${curve.family} ${curve.bits} ${what} public key`,
        attributes: eccPublicAgreementKey(curve),
        checks: ['Import'],
      },
    ];
  }),
  ...[128, 256].flatMap((bits) =>
    AEADS.map(([name, alg]): AgreementSubject => ({
      label: `AES ${bits} ${name} key`,
      attributes: aesKey(bits, alg),
      checks: ['Generate', 'Import', 'Use'],
    })),
  ),
];

function* probes(): Generator<Probe> {
  for (const s of AGREEMENT_SUBJECTS) {
    for (const checkType of s.checks) yield { checkType, attributes: s.attributes };
    // Use is answered with a key the provider can get; Generate and Import decide how the case gets one.
    if (s.checks.includes('Use')) {
      yield { checkType: 'Generate', attributes: s.attributes };
      yield { checkType: 'Import', attributes: s.attributes };
    }
  }
}

export const CAN_DO_PROBES: readonly Probe[] = [...probes()];
