import { expectStatus, type CaseDeclarer, type ProviderCaseCtx, type ProviderCtx } from '../kit';
import { isServiceStatusError, type AsymmetricSignature, type KeyAttributes, type KeyInfo } from '../wire';
import { freshDigest, ISOLATION_ALG, ISOLATION_KEY, p256Verifies } from './isolation-key';

/** What an identity must be able to do for the isolation cases; ParsecClient and OtherUidClient both fit. */
export interface Identity {
  generateKey(provider: number, keyName: string, attributes: KeyAttributes): Promise<void>;
  signHash(provider: number, keyName: string, alg: AsymmetricSignature, hash: Uint8Array): Promise<Buffer>;
  exportPublicKey(provider: number, keyName: string): Promise<Buffer>;
  destroyKey(provider: number, keyName: string): Promise<void>;
  listKeys(): Promise<KeyInfo[]>;
}

export interface IdentityPair {
  /** Creates the key the cases are about. */
  readonly owner: Identity;
  /** Another application of the same service. */
  readonly other: Identity;
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

function holds(list: readonly KeyInfo[], provider: number, name: string): boolean {
  return list.some((k) => k.providerId === provider && k.name === name);
}

/**
 * The isolation cases of Parsec's multitenancy / auth tests, for one provider: the other identity cannot list, use,
 * export or destroy the owner's key, and both can hold a key of the same name, each working as its own.
 */
export function declareIsolationCases(
  c: CaseDeclarer<ProviderCaseCtx>,
  provider: ProviderCtx,
  identities: () => Promise<IdentityPair>,
  options: { readonly skip?: string } = {},
): void {
  const p = provider.id;
  const needs = { requires: ['PsaGenerateKey', 'PsaSignHash', 'PsaExportPublicKey'] as const, ...options };

  c.case(
    "ListKeys of another application does not show the owner's key",
    async ({ keys }) => {
      const { owner, other } = await identities();
      await withOwnedKeys(async (own) => {
        const name = own(owner, p, keys.name('iso-list'));
        await owner.generateKey(p, name, ISOLATION_KEY);
        expect(holds(await owner.listKeys(), p, name)).toBe(true);
        const seen = await other.listKeys();
        expect(seen.filter((k) => k.name === name)).toEqual([]);
      });
    },
    { ...needs, opcode: 'ListKeys' },
  );

  c.case(
    "another application signing with the owner's key name is answered PsaErrorDoesNotExist",
    async ({ keys }) => {
      const { owner, other } = await identities();
      await withOwnedKeys(async (own) => {
        const name = own(owner, p, keys.name('iso-sign'));
        await owner.generateKey(p, name, ISOLATION_KEY);
        await expectStatus(other.signHash(p, name, ISOLATION_ALG, freshDigest().digest), 'PsaErrorDoesNotExist');
      });
    },
    { ...needs, opcode: 'PsaSignHash' },
  );

  c.case(
    "another application exporting the owner's public key is answered PsaErrorDoesNotExist",
    async ({ keys }) => {
      const { owner, other } = await identities();
      await withOwnedKeys(async (own) => {
        const name = own(owner, p, keys.name('iso-export'));
        await owner.generateKey(p, name, ISOLATION_KEY);
        await expectStatus(other.exportPublicKey(p, name), 'PsaErrorDoesNotExist');
      });
    },
    { ...needs, opcode: 'PsaExportPublicKey' },
  );

  c.case(
    "another application destroying the owner's key is answered PsaErrorDoesNotExist and the key still signs",
    async ({ keys }) => {
      const { owner, other } = await identities();
      await withOwnedKeys(async (own) => {
        const name = own(owner, p, keys.name('iso-destroy'));
        await owner.generateKey(p, name, ISOLATION_KEY);
        await expectStatus(other.destroyKey(p, name), 'PsaErrorDoesNotExist');
        const { message, digest } = freshDigest();
        const signature = await owner.signHash(p, name, ISOLATION_ALG, digest);
        expect(p256Verifies(await owner.exportPublicKey(p, name), message, signature)).toBe(true);
      });
    },
    { ...needs, opcode: 'PsaDestroyKey' },
  );

  c.case(
    'two applications hold keys of the same name independently; each signs with its own',
    async ({ keys }) => {
      const { owner, other } = await identities();
      await withOwnedKeys(async (own) => {
        const name = keys.name('iso-same');
        own(owner, p, name);
        own(other, p, name);
        await owner.generateKey(p, name, ISOLATION_KEY);
        await other.generateKey(p, name, ISOLATION_KEY);
        expect(holds(await owner.listKeys(), p, name)).toBe(true);
        expect(holds(await other.listKeys(), p, name)).toBe(true);

        const ownerPub = await owner.exportPublicKey(p, name);
        const otherPub = await other.exportPublicKey(p, name);
        expect(ownerPub.equals(otherPub)).toBe(false);
        const { message, digest } = freshDigest();
        const byOwner = await owner.signHash(p, name, ISOLATION_ALG, digest);
        const byOther = await other.signHash(p, name, ISOLATION_ALG, digest);
        // Each signature verifies under its signer's public key and not under the other one's.
        expect([p256Verifies(ownerPub, message, byOwner), p256Verifies(otherPub, message, byOwner)]).toEqual([
          true,
          false,
        ]);
        expect([p256Verifies(otherPub, message, byOther), p256Verifies(ownerPub, message, byOther)]).toEqual([
          true,
          false,
        ]);

        // Destroying one leaves the other in place.
        await other.destroyKey(p, name);
        expect(holds(await other.listKeys(), p, name)).toBe(false);
        expect((await owner.exportPublicKey(p, name)).equals(ownerPub)).toBe(true);
      });
    },
    { ...needs, opcode: 'PsaGenerateKey' },
  );
}
