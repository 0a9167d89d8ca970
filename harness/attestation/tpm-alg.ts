/** TPM_ALG_ID values (TPM 2.0 Part 2, table 9) the attestation helpers read or write. */
export const TpmAlg = {
  Rsa: 0x0001,
  Sha1: 0x0004,
  Aes: 0x0006,
  Sha256: 0x000b,
  Sha384: 0x000c,
  Sha512: 0x000d,
  Null: 0x0010,
  RsaSsa: 0x0014,
  RsaEs: 0x0015,
  RsaPss: 0x0016,
  Oaep: 0x0017,
  Ecdsa: 0x0018,
  Ecdh: 0x0019,
  Ecc: 0x0023,
  Cfb: 0x0043,
} as const;

/** Node's name and the digest size of the TPM hash algorithms a name can use. */
export const TPM_HASHES: Readonly<Record<number, { readonly node: string; readonly size: number }>> = {
  [TpmAlg.Sha1]: { node: 'sha1', size: 20 },
  [TpmAlg.Sha256]: { node: 'sha256', size: 32 },
  [TpmAlg.Sha384]: { node: 'sha384', size: 48 },
  [TpmAlg.Sha512]: { node: 'sha512', size: 64 },
};
