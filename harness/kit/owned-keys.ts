import { isServiceStatusError, type AsymmetricSignature, type KeyAttributes, type KeyInfo } from '../wire';

/** What an identity must be able to do in a case that speaks as several applications; ParsecClient and OtherUidClient both fit. */
export interface Identity {
  generateKey(provider: number, keyName: string, attributes: KeyAttributes): Promise<void>;
  signHash(provider: number, keyName: string, alg: AsymmetricSignature, hash: Uint8Array): Promise<Buffer>;
  exportPublicKey(provider: number, keyName: string): Promise<Buffer>;
  destroyKey(provider: number, keyName: string): Promise<void>;
  listKeys(): Promise<KeyInfo[]>;
}

/**
 * Keys created by several identities inside one case, destroyed by their own identity at the end, also when the
 * case failed. A key that is already gone is fine; any other cleanup failure fails the case.
 */
export async function withOwnedKeys(
  body: (own: (identity: Identity, provider: number, name: string) => string) => Promise<void>,
): Promise<void> {
  const owned: { identity: Identity; provider: number; name: string }[] = [];
  let failure: unknown;
  try {
    await body((identity, provider, name) => {
      owned.push({ identity, provider, name });
      return name;
    });
  } catch (e) {
    failure = e;
  }
  const problems: string[] = [];
  for (const k of owned.reverse()) {
    try {
      await k.identity.destroyKey(k.provider, k.name);
    } catch (e) {
      if (!isServiceStatusError(e, 'PsaErrorDoesNotExist')) problems.push(`${k.name}: ${(e as Error).message}`);
    }
  }
  if (failure !== undefined) throw failure;
  if (problems.length > 0) throw new Error(`could not destroy keys created by the case: ${problems.join('; ')}`);
}
