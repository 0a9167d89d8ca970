/**
 * Plain operation types, independent of protobuf: what suites write and what typed client calls return.
 * Enums are string literals and algorithms are one flat union discriminated by `alg`, so attributes stay
 * terse (`{ alg: 'Ecdsa', hash: 'Sha256' }`) and tables of cases can be plain data.
 */
import type { ProviderIdValue } from './provider-id';

export const HASHES = [
  'Md2',
  'Md4',
  'Md5',
  'Ripemd160',
  'Sha1',
  'Sha224',
  'Sha256',
  'Sha384',
  'Sha512',
  'Sha512_224',
  'Sha512_256',
  'Sha3_224',
  'Sha3_256',
  'Sha3_384',
  'Sha3_512',
] as const;
export type Hash = (typeof HASHES)[number];

export const ECC_FAMILIES = [
  'SecpK1',
  'SecpR1',
  'SecpR2',
  'SectK1',
  'SectR1',
  'SectR2',
  'BrainpoolPR1',
  'Frp',
  'Montgomery',
] as const;
export type EccFamily = (typeof ECC_FAMILIES)[number];

export const DH_FAMILIES = ['Rfc7919'] as const;
export type DhFamily = (typeof DH_FAMILIES)[number];

export const CIPHERS = [
  'StreamCipher',
  'Ctr',
  'Cfb',
  'Ofb',
  'Xts',
  'EcbNoPadding',
  'CbcNoPadding',
  'CbcPkcs7',
] as const;
export type Cipher = (typeof CIPHERS)[number];

export const AEAD_BASES = ['Ccm', 'Gcm', 'Chacha20Poly1305'] as const;
export type AeadBase = (typeof AEAD_BASES)[number];

export const RAW_KEY_AGREEMENTS = ['Ffdh', 'Ecdh'] as const;
export type RawKeyAgreement = (typeof RAW_KEY_AGREEMENTS)[number];

// ---------------------------------------------------------------------------------------------- algorithms

export interface AlgorithmNone {
  readonly alg: 'None';
}
export interface HashAlgorithm {
  readonly alg: 'Hash';
  readonly hash: Hash;
}

/** `macLength` present means the truncated MAC of that many bytes. */
export type Mac =
  | { readonly alg: 'Hmac'; readonly hash: Hash; readonly macLength?: number }
  | { readonly alg: 'CbcMac'; readonly macLength?: number }
  | { readonly alg: 'Cmac'; readonly macLength?: number };

export interface CipherAlgorithm {
  readonly alg: 'Cipher';
  readonly cipher: Cipher;
}

/** `tagLength` present means the shortened-tag variant. */
export interface Aead {
  readonly alg: AeadBase;
  readonly tagLength?: number;
}

/** `'any'` is the wildcard hash allowed in a key policy (PSA_ALG_ANY_HASH). */
export type SignHash = Hash | 'any';

export type AsymmetricSignature =
  | { readonly alg: 'RsaPkcs1v15Sign'; readonly hash: SignHash }
  | { readonly alg: 'RsaPkcs1v15SignRaw' }
  | { readonly alg: 'RsaPss'; readonly hash: SignHash }
  | { readonly alg: 'Ecdsa'; readonly hash: SignHash }
  | { readonly alg: 'EcdsaAny' }
  | { readonly alg: 'DeterministicEcdsa'; readonly hash: SignHash };

export type AsymmetricEncryption =
  { readonly alg: 'RsaPkcs1v15Crypt' } | { readonly alg: 'RsaOaep'; readonly hash: Hash };

export interface KeyDerivation {
  readonly alg: 'Hkdf' | 'Tls12Prf' | 'Tls12PskToMs';
  readonly hash: Hash;
}

/** Without `kdf` this is the raw agreement; with it, the agreement followed by that key derivation. */
export interface KeyAgreement {
  readonly alg: RawKeyAgreement;
  readonly kdf?: KeyDerivation;
}

/** Every algorithm of a key policy; each member has a distinct `alg`. */
export type Algorithm =
  | AlgorithmNone
  | HashAlgorithm
  | Mac
  | CipherAlgorithm
  | Aead
  | AsymmetricSignature
  | AsymmetricEncryption
  | KeyAgreement
  | KeyDerivation;

export type AlgorithmName = Algorithm['alg'];

// ------------------------------------------------------------------------------------------ key attributes

export type KeyType =
  | { readonly type: 'RawData' }
  | { readonly type: 'Hmac' }
  | { readonly type: 'Derive' }
  | { readonly type: 'Aes' }
  | { readonly type: 'Des' }
  | { readonly type: 'Camellia' }
  | { readonly type: 'Arc4' }
  | { readonly type: 'Chacha20' }
  | { readonly type: 'RsaPublicKey' }
  | { readonly type: 'RsaKeyPair' }
  | { readonly type: 'EccKeyPair'; readonly curveFamily: EccFamily }
  | { readonly type: 'EccPublicKey'; readonly curveFamily: EccFamily }
  | { readonly type: 'DhKeyPair'; readonly groupFamily: DhFamily }
  | { readonly type: 'DhPublicKey'; readonly groupFamily: DhFamily };

export type KeyTypeName = KeyType['type'];

export const USAGE_FLAGS = [
  'export',
  'copy',
  'cache',
  'encrypt',
  'decrypt',
  'signMessage',
  'verifyMessage',
  'signHash',
  'verifyHash',
  'derive',
] as const;
export type UsageFlag = (typeof USAGE_FLAGS)[number];
/** Missing flags are false. */
export type UsageFlags = Partial<Record<UsageFlag, boolean>>;

export interface KeyPolicy {
  readonly usage: UsageFlags;
  readonly algorithm: Algorithm;
}

export interface KeyAttributes {
  readonly keyType: KeyType;
  /** 0 on import means "take the size from the data". */
  readonly keyBits: number;
  readonly policy: KeyPolicy;
}

// -------------------------------------------------------------------------------------- operation results

export interface ProviderInfo {
  readonly uuid: string;
  readonly description: string;
  readonly vendor: string;
  readonly versionMaj: number;
  readonly versionMin: number;
  readonly versionRev: number;
  readonly id: number;
}

export interface AuthenticatorInfo {
  readonly description: string;
  readonly versionMaj: number;
  readonly versionMin: number;
  readonly versionRev: number;
  readonly id: number;
}

export interface KeyInfo {
  readonly providerId: number;
  readonly name: string;
  readonly attributes: KeyAttributes;
}

export type CheckType = 'Use' | 'Generate' | 'Import' | 'Derive';

export interface PrepareKeyAttestationParams {
  readonly mechanism: 'ActivateCredential';
  readonly attestedKeyName: string;
  /** Empty means the provider's default attesting key. */
  readonly attestingKeyName?: string;
}
export interface PrepareKeyAttestationOutput {
  readonly mechanism: 'ActivateCredential';
  readonly name: Buffer;
  readonly public: Buffer;
  readonly attestingKeyPub: Buffer;
}
export interface AttestationParams {
  readonly mechanism: 'ActivateCredential';
  readonly credentialBlob: Uint8Array;
  readonly secret: Uint8Array;
}
export interface AttestationOutput {
  readonly mechanism: 'ActivateCredential';
  readonly credential: Buffer;
}

type Empty = Record<string, never>;

// Byte inputs are Uint8Array (a Buffer is one); byte outputs are always Buffer.

/**
 * Operation and result of every opcode, keyed by opcode name. Used by `ParsecClient.call` and by the
 * converters; a new opcode name breaks the build until it is listed here.
 */
export interface Operations {
  Ping: { operation: Empty; result: { wireProtocolVersionMaj: number; wireProtocolVersionMin: number } };
  ListProviders: { operation: Empty; result: { providers: ProviderInfo[] } };
  ListOpcodes: { operation: { providerId: ProviderIdValue | number }; result: { opcodes: number[] } };
  ListAuthenticators: { operation: Empty; result: { authenticators: AuthenticatorInfo[] } };
  ListKeys: { operation: Empty; result: { keys: KeyInfo[] } };
  ListClients: { operation: Empty; result: { clients: string[] } };
  DeleteClient: { operation: { client: string }; result: Empty };
  PsaGenerateKey: { operation: { keyName: string; attributes: KeyAttributes }; result: Empty };
  PsaImportKey: { operation: { keyName: string; attributes: KeyAttributes; data: Uint8Array }; result: Empty };
  PsaExportPublicKey: { operation: { keyName: string }; result: { data: Buffer } };
  PsaExportKey: { operation: { keyName: string }; result: { data: Buffer } };
  PsaDestroyKey: { operation: { keyName: string }; result: Empty };
  PsaSignHash: {
    operation: { keyName: string; alg: AsymmetricSignature; hash: Uint8Array };
    result: { signature: Buffer };
  };
  PsaVerifyHash: {
    operation: { keyName: string; alg: AsymmetricSignature; hash: Uint8Array; signature: Uint8Array };
    result: Empty;
  };
  PsaSignMessage: {
    operation: { keyName: string; alg: AsymmetricSignature; message: Uint8Array };
    result: { signature: Buffer };
  };
  PsaVerifyMessage: {
    operation: { keyName: string; alg: AsymmetricSignature; message: Uint8Array; signature: Uint8Array };
    result: Empty;
  };
  PsaAsymmetricEncrypt: {
    operation: { keyName: string; alg: AsymmetricEncryption; plaintext: Uint8Array; salt?: Uint8Array };
    result: { ciphertext: Buffer };
  };
  PsaAsymmetricDecrypt: {
    operation: { keyName: string; alg: AsymmetricEncryption; ciphertext: Uint8Array; salt?: Uint8Array };
    result: { plaintext: Buffer };
  };
  PsaAeadEncrypt: {
    operation: { keyName: string; alg: Aead; nonce: Uint8Array; additionalData: Uint8Array; plaintext: Uint8Array };
    result: { ciphertext: Buffer };
  };
  PsaAeadDecrypt: {
    operation: { keyName: string; alg: Aead; nonce: Uint8Array; additionalData: Uint8Array; ciphertext: Uint8Array };
    result: { plaintext: Buffer };
  };
  PsaCipherEncrypt: {
    operation: { keyName: string; alg: Cipher; plaintext: Uint8Array };
    result: { ciphertext: Buffer };
  };
  PsaCipherDecrypt: {
    operation: { keyName: string; alg: Cipher; ciphertext: Uint8Array };
    result: { plaintext: Buffer };
  };
  PsaMacCompute: { operation: { keyName: string; alg: Mac; input: Uint8Array }; result: { mac: Buffer } };
  PsaMacVerify: { operation: { keyName: string; alg: Mac; input: Uint8Array; mac: Uint8Array }; result: Empty };
  PsaHashCompute: { operation: { alg: Hash; input: Uint8Array }; result: { hash: Buffer } };
  PsaHashCompare: { operation: { alg: Hash; input: Uint8Array; hash: Uint8Array }; result: Empty };
  PsaRawKeyAgreement: {
    operation: { alg: RawKeyAgreement; privateKeyName: string; peerKey: Uint8Array };
    result: { sharedSecret: Buffer };
  };
  /** `size` is a u64 on the wire; a bigint reaches the full range. */
  PsaGenerateRandom: { operation: { size: number | bigint }; result: { randomBytes: Buffer } };
  CanDoCrypto: { operation: { checkType: CheckType; attributes: KeyAttributes }; result: Empty };
  PrepareKeyAttestation: {
    operation: { parameters: PrepareKeyAttestationParams };
    result: { output: PrepareKeyAttestationOutput };
  };
  AttestKey: {
    operation: { attestedKeyName: string; parameters: AttestationParams; attestingKeyName?: string };
    result: { output: AttestationOutput };
  };
}

export type OperationOf<N extends keyof Operations> = Operations[N]['operation'];
export type ResultOf<N extends keyof Operations> = Operations[N]['result'];
