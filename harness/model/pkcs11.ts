import type { KeyAttributes } from '../wire';

/**
 * PKCS#11 facts the harness names in reports: return values, token flags, session states and the mechanisms that
 * Parsec's PKCS#11 provider uses (values from the PKCS#11 2.40 base specification).
 */
export const CKR = {
  CKR_OK: 0x0,
  CKR_GENERAL_ERROR: 0x5,
  CKR_FUNCTION_FAILED: 0x6,
  CKR_ARGUMENTS_BAD: 0x7,
  CKR_DEVICE_ERROR: 0x30,
  CKR_FUNCTION_NOT_SUPPORTED: 0x54,
  CKR_MECHANISM_INVALID: 0x70,
  CKR_PIN_INCORRECT: 0xa0,
  CKR_PIN_INVALID: 0xa1,
  CKR_PIN_LEN_RANGE: 0xa2,
  CKR_PIN_EXPIRED: 0xa3,
  CKR_PIN_LOCKED: 0xa4,
  CKR_SESSION_HANDLE_INVALID: 0xb3,
  CKR_TOKEN_NOT_PRESENT: 0xe0,
  CKR_USER_ALREADY_LOGGED_IN: 0x100,
  CKR_USER_NOT_LOGGED_IN: 0x101,
  CKR_USER_PIN_NOT_INITIALIZED: 0x102,
  CKR_USER_TYPE_INVALID: 0x103,
  CKR_CRYPTOKI_ALREADY_INITIALIZED: 0x191,
} as const;
export type CkrName = keyof typeof CKR;

export function ckrName(value: number): string {
  const name = (Object.keys(CKR) as CkrName[]).find((k) => CKR[k] === value);
  return name ?? `CKR_0x${value.toString(16)}`;
}

/** CK_TOKEN_INFO flags. */
export const CKF_TOKEN = {
  CKF_RNG: 1 << 0,
  CKF_WRITE_PROTECTED: 1 << 1,
  CKF_LOGIN_REQUIRED: 1 << 2,
  CKF_USER_PIN_INITIALIZED: 1 << 3,
  CKF_RESTORE_KEY_NOT_NEEDED: 1 << 5,
  CKF_CLOCK_ON_TOKEN: 1 << 6,
  CKF_PROTECTED_AUTHENTICATION_PATH: 1 << 8,
  CKF_DUAL_CRYPTO_OPERATIONS: 1 << 9,
  CKF_TOKEN_INITIALIZED: 1 << 10,
  CKF_SECONDARY_AUTHENTICATION: 1 << 11,
  CKF_USER_PIN_COUNT_LOW: 1 << 16,
  CKF_USER_PIN_FINAL_TRY: 1 << 17,
  CKF_USER_PIN_LOCKED: 1 << 18,
  CKF_USER_PIN_TO_BE_CHANGED: 1 << 19,
  CKF_SO_PIN_COUNT_LOW: 1 << 20,
  CKF_SO_PIN_FINAL_TRY: 1 << 21,
  CKF_SO_PIN_LOCKED: 1 << 22,
  CKF_SO_PIN_TO_BE_CHANGED: 1 << 23,
} as const;
export type TokenFlagName = keyof typeof CKF_TOKEN;

export function tokenFlagNames(flags: number): TokenFlagName[] {
  return (Object.keys(CKF_TOKEN) as TokenFlagName[]).filter((k) => (flags & CKF_TOKEN[k]) !== 0);
}

/** CK_STATE of a session. */
export const CKS = {
  CKS_RO_PUBLIC_SESSION: 0,
  CKS_RO_USER_FUNCTIONS: 1,
  CKS_RW_PUBLIC_SESSION: 2,
  CKS_RW_USER_FUNCTIONS: 3,
  CKS_RW_SO_FUNCTIONS: 4,
} as const;

export function sessionIsUser(state: number): boolean {
  return state === CKS.CKS_RO_USER_FUNCTIONS || state === CKS.CKS_RW_USER_FUNCTIONS;
}

/** CK_MECHANISM_INFO flags. */
export const CKF_MECHANISM = {
  CKF_HW: 0x1,
  CKF_ENCRYPT: 0x100,
  CKF_DECRYPT: 0x200,
  CKF_DIGEST: 0x400,
  CKF_SIGN: 0x800,
  CKF_SIGN_RECOVER: 0x1000,
  CKF_VERIFY: 0x2000,
  CKF_VERIFY_RECOVER: 0x4000,
  CKF_GENERATE: 0x8000,
  CKF_GENERATE_KEY_PAIR: 0x10000,
  CKF_WRAP: 0x20000,
  CKF_UNWRAP: 0x40000,
  CKF_DERIVE: 0x80000,
  CKF_EC_F_P: 0x100000,
  CKF_EC_F_2M: 0x200000,
  CKF_EC_ECPARAMETERS: 0x400000,
  CKF_EC_NAMEDCURVE: 0x800000,
  CKF_EC_UNCOMPRESS: 0x1000000,
  CKF_EC_COMPRESS: 0x2000000,
} as const;
export type MechanismFlagName = keyof typeof CKF_MECHANISM;

export function mechanismFlagNames(flags: number): MechanismFlagName[] {
  return (Object.keys(CKF_MECHANISM) as MechanismFlagName[]).filter((k) => (flags & CKF_MECHANISM[k]) !== 0);
}

/** Names of the mechanisms a token profile lists (others are shown as CKM_0x…). */
const MECHANISM_NAMES: Readonly<Record<number, string>> = {
  0x0: 'CKM_RSA_PKCS_KEY_PAIR_GEN',
  0x1: 'CKM_RSA_PKCS',
  0x3: 'CKM_RSA_X_509',
  0x5: 'CKM_MD5_RSA_PKCS',
  0x6: 'CKM_SHA1_RSA_PKCS',
  0x9: 'CKM_RSA_PKCS_OAEP',
  0xd: 'CKM_RSA_PKCS_PSS',
  0xe: 'CKM_SHA1_RSA_PKCS_PSS',
  0x40: 'CKM_SHA256_RSA_PKCS',
  0x41: 'CKM_SHA384_RSA_PKCS',
  0x42: 'CKM_SHA512_RSA_PKCS',
  0x43: 'CKM_SHA256_RSA_PKCS_PSS',
  0x44: 'CKM_SHA384_RSA_PKCS_PSS',
  0x45: 'CKM_SHA512_RSA_PKCS_PSS',
  0x46: 'CKM_SHA224_RSA_PKCS',
  0x47: 'CKM_SHA224_RSA_PKCS_PSS',
  0x220: 'CKM_SHA_1',
  0x221: 'CKM_SHA_1_HMAC',
  0x250: 'CKM_SHA256',
  0x251: 'CKM_SHA256_HMAC',
  0x255: 'CKM_SHA224',
  0x256: 'CKM_SHA224_HMAC',
  0x260: 'CKM_SHA384',
  0x261: 'CKM_SHA384_HMAC',
  0x270: 'CKM_SHA512',
  0x271: 'CKM_SHA512_HMAC',
  0x350: 'CKM_GENERIC_SECRET_KEY_GEN',
  0x1040: 'CKM_EC_KEY_PAIR_GEN',
  0x1041: 'CKM_ECDSA',
  0x1042: 'CKM_ECDSA_SHA1',
  0x1043: 'CKM_ECDSA_SHA224',
  0x1044: 'CKM_ECDSA_SHA256',
  0x1045: 'CKM_ECDSA_SHA384',
  0x1046: 'CKM_ECDSA_SHA512',
  0x1050: 'CKM_ECDH1_DERIVE',
  0x1080: 'CKM_AES_KEY_GEN',
  0x1081: 'CKM_AES_ECB',
  0x1082: 'CKM_AES_CBC',
  0x1085: 'CKM_AES_CBC_PAD',
  0x1086: 'CKM_AES_CTR',
  0x1087: 'CKM_AES_GCM',
  0x1088: 'CKM_AES_CCM',
  0x2109: 'CKM_AES_KEY_WRAP',
};

export function mechanismName(value: number): string {
  return MECHANISM_NAMES[value] ?? `CKM_0x${value.toString(16)}`;
}

/** One thing Parsec's PKCS#11 provider does with a token mechanism (its key management, asym_sign, asym_encryption). */
export interface ParsecMechanismUse {
  /** Stable id, used in token profiles. */
  readonly id: string;
  readonly operations: string;
  readonly what: string;
  readonly mechanism: number;
  /** The mechanism flag the use needs (CKF_GENERATE_KEY_PAIR, CKF_SIGN, CKF_DECRYPT…). */
  readonly flag: MechanismFlagName;
}

/** What Parsec's PKCS#11 provider asks of a token: a token without one answers those operations with not-supported. */
export const PARSEC_MECHANISM_USES: readonly ParsecMechanismUse[] = [
  {
    id: 'generate-rsa',
    operations: 'PsaGenerateKey',
    what: 'RSA key pairs',
    mechanism: 0x0,
    flag: 'CKF_GENERATE_KEY_PAIR',
  },
  {
    id: 'generate-ecc',
    operations: 'PsaGenerateKey',
    what: 'ECC key pairs',
    mechanism: 0x1040,
    flag: 'CKF_GENERATE_KEY_PAIR',
  },
  {
    id: 'sign-rsa-pkcs1v15',
    operations: 'PsaSignHash, PsaVerifyHash',
    what: 'RSA PKCS#1 v1.5 signatures',
    mechanism: 0x1,
    flag: 'CKF_SIGN',
  },
  {
    id: 'sign-rsa-pss',
    operations: 'PsaSignHash, PsaVerifyHash',
    what: 'RSA PSS signatures',
    mechanism: 0xd,
    flag: 'CKF_SIGN',
  },
  {
    id: 'sign-ecdsa',
    operations: 'PsaSignHash, PsaVerifyHash',
    what: 'ECDSA signatures',
    mechanism: 0x1041,
    flag: 'CKF_SIGN',
  },
  {
    id: 'encrypt-rsa-pkcs1v15',
    operations: 'PsaAsymmetricEncrypt, PsaAsymmetricDecrypt',
    what: 'RSA PKCS#1 v1.5 encryption',
    mechanism: 0x1,
    flag: 'CKF_DECRYPT',
  },
  {
    id: 'encrypt-rsa-oaep',
    operations: 'PsaAsymmetricEncrypt, PsaAsymmetricDecrypt',
    what: 'RSA OAEP encryption',
    mechanism: 0x9,
    flag: 'CKF_DECRYPT',
  },
];

/**
 * The uses of token mechanisms a CanDoCrypto question (or an operation on a key with these attributes) depends on:
 * generating an RSA or ECC key pair, and the key's signature or encryption algorithm.
 */
export function mechanismUsesFor(checkType: string, attributes: KeyAttributes): ParsecMechanismUse[] {
  const ids: string[] = [];
  const type = attributes.keyType.type;
  if (checkType === 'Generate' && type === 'RsaKeyPair') ids.push('generate-rsa');
  if (checkType === 'Generate' && type === 'EccKeyPair') ids.push('generate-ecc');
  const rsa = type === 'RsaKeyPair' || type === 'RsaPublicKey';
  const ecc = type === 'EccKeyPair' || type === 'EccPublicKey';
  switch (attributes.policy.algorithm.alg) {
    case 'RsaPkcs1v15Sign':
      if (rsa) ids.push('sign-rsa-pkcs1v15');
      break;
    case 'RsaPss':
      if (rsa) ids.push('sign-rsa-pss');
      break;
    case 'Ecdsa':
      if (ecc) ids.push('sign-ecdsa');
      break;
    case 'RsaPkcs1v15Crypt':
      if (rsa) ids.push('encrypt-rsa-pkcs1v15');
      break;
    case 'RsaOaep':
      if (rsa) ids.push('encrypt-rsa-oaep');
      break;
    default:
      break;
  }
  return PARSEC_MECHANISM_USES.filter((u) => ids.includes(u.id));
}
