import type { AeadBase, Cipher, CheckType, DhFamily, EccFamily, Hash, RawKeyAgreement } from './types';

// Numeric values of the protobuf enums (reference B1/B2/B3). Records keyed by the plain names are exhaustive,
// so a name added to a union in types.ts breaks the build until it has a wire value.

export const HASH_VALUES: Readonly<Record<Hash, number>> = {
  Md2: 1,
  Md4: 2,
  Md5: 3,
  Ripemd160: 4,
  Sha1: 5,
  Sha224: 6,
  Sha256: 7,
  Sha384: 8,
  Sha512: 9,
  Sha512_224: 10,
  Sha512_256: 11,
  Sha3_224: 12,
  Sha3_256: 13,
  Sha3_384: 14,
  Sha3_512: 15,
};

export const CIPHER_VALUES: Readonly<Record<Cipher, number>> = {
  StreamCipher: 1,
  Ctr: 2,
  Cfb: 3,
  Ofb: 4,
  Xts: 5,
  EcbNoPadding: 6,
  CbcNoPadding: 7,
  CbcPkcs7: 8,
};

export const AEAD_VALUES: Readonly<Record<AeadBase, number>> = { Ccm: 1, Gcm: 2, Chacha20Poly1305: 3 };

export const RAW_KEY_AGREEMENT_VALUES: Readonly<Record<RawKeyAgreement, number>> = { Ffdh: 1, Ecdh: 2 };

export const ECC_FAMILY_VALUES: Readonly<Record<EccFamily, number>> = {
  SecpK1: 1,
  SecpR1: 2,
  SecpR2: 3,
  SectK1: 4,
  SectR1: 5,
  SectR2: 6,
  BrainpoolPR1: 7,
  Frp: 8,
  Montgomery: 9,
};

// RFC 7919 is value 0, the only one, so unlike the other enums 0 is a real value here.
export const DH_FAMILY_VALUES: Readonly<Record<DhFamily, number>> = { Rfc7919: 0 };

export const CHECK_TYPE_VALUES: Readonly<Record<CheckType, number>> = { Use: 1, Generate: 2, Import: 3, Derive: 4 };
