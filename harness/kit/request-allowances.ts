import type { KeyAttributes } from '../wire';

/**
 * Per-request timeouts longer than the run's (`run --request-timeout`, 5 s by default), for the cases whose requests
 * legitimately take longer. A case asks for one with `requestTimeoutMs` in its options, naming one of these.
 *
 * Measured on the 2-core reference machine while a full run ran beside it (6 generations each, Parsec 1.4.1):
 * RSA 2048 generation took at most 0.5 s (Mbed Crypto), 1.4 s (PKCS#11 on SoftHSM2), 1.3 s (TPM on swtpm); RSA 3072
 * at most 4.3 s (PKCS#11) and 2.6 s (TPM); RSA 4096 at most 6.0 s (Mbed Crypto) and 9.7 s (PKCS#11). Every other
 * request of a full run answered well within 5 s. Prime search makes RSA generation time heavy-tailed, so the
 * allowance is generous: it only matters when the service really hangs.
 */
export const RSA_3072_UP_GENERATION_MS = 60_000;

/** Case options for a case that generates an RSA key of `bits`: the allowance from 3072 bits up, else nothing. */
export function slowRsaGeneration(bits: number): { readonly requestTimeoutMs?: number } {
  return bits >= 3072 ? { requestTimeoutMs: RSA_3072_UP_GENERATION_MS } : {};
}

/** The same for a case that generates a key of these attributes (only RSA key pairs are slow). */
export function slowGenerationOf(attributes: KeyAttributes): { readonly requestTimeoutMs?: number } {
  return attributes.keyType.type === 'RsaKeyPair' ? slowRsaGeneration(attributes.keyBits ?? 0) : {};
}
