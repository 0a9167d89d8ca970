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

/**
 * Mechanisms Parsec's PKCS#11 provider relies on, and what it uses each for (its key management, asym_sign and
 * asym_encryption modules): a token without one answers those operations with not-supported.
 */
export const PARSEC_MECHANISMS: readonly { readonly name: string; readonly value: number; readonly uses: string }[] = [
  { name: 'CKM_RSA_PKCS_KEY_PAIR_GEN', value: 0x0, uses: 'PsaGenerateKey of RSA key pairs' },
  {
    name: 'CKM_RSA_PKCS',
    value: 0x1,
    uses: 'PsaSignHash/PsaVerifyHash RSA PKCS#1 v1.5, PsaAsymmetricEncrypt/Decrypt PKCS#1 v1.5',
  },
  { name: 'CKM_RSA_PKCS_OAEP', value: 0x9, uses: 'PsaAsymmetricEncrypt/Decrypt RSA OAEP' },
  { name: 'CKM_RSA_PKCS_PSS', value: 0xd, uses: 'PsaSignHash/PsaVerifyHash RSA PSS' },
  { name: 'CKM_EC_KEY_PAIR_GEN', value: 0x1040, uses: 'PsaGenerateKey of ECC key pairs' },
  { name: 'CKM_ECDSA', value: 0x1041, uses: 'PsaSignHash/PsaVerifyHash ECDSA' },
];
