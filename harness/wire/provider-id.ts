/** Every provider id the wire protocol defines (0..5), including Core and the ones the harness cannot start. */
export const ProviderId = {
  Core: 0,
  MbedCrypto: 1,
  Pkcs11: 2,
  Tpm: 3,
  TrustedService: 4,
  CryptoAuthLib: 5,
} as const;
export type ProviderIdValue = (typeof ProviderId)[keyof typeof ProviderId];
