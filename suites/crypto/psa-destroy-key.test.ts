import { aesKey } from '../../harness/capabilities';
import { eccKeyPair, rsaKeyPair, rsaPublicKey } from '../../harness/capabilities/catalogue/keys';
import { defineSuite, expectStatus } from '../../harness/kit';
import { curveOf } from '../../harness/oracle/curves';
import { oracleRsaKeyPair } from '../../harness/oracle/keys';
import type { AsymmetricSignature, KeyAttributes, ParsecClient } from '../../harness/wire';

const P256 = curveOf('SecpR1', 256);
const DIGEST = Buffer.alloc(32, 0x5a);

defineSuite(
  { name: 'psa-destroy-key', opcode: 'PsaDestroyKey', description: 'DestroyKey removes a key and only that key' },
  (s) => {
    s.eachProvider((c, provider) => {
      const useEcc = provider.can('Generate', eccKeyPair(P256));
      const cheap: KeyAttributes = useEcc ? eccKeyPair(P256) : rsaKeyPair(1024);
      const signAlg = cheap.policy.algorithm as AsymmetricSignature;
      const listed = async (client: ParsecClient, name: string) =>
        (await client.listKeys()).filter((k) => k.name === name && k.providerId === provider.id);

      c.case('generated key is destroyed and no longer listed', async ({ client, keys }) => {
        const name = await keys.generate(provider.id, cheap, 'gone');
        expect(await listed(client, name)).toHaveLength(1);
        await client.destroyKey(provider.id, name);
        expect(await listed(client, name)).toEqual([]);
      });

      c.case('imported RSA public key is destroyed and no longer listed', async ({ client, keys }) => {
        const name = await keys.import(provider.id, rsaPublicKey(1024), oracleRsaKeyPair(1024).pkcs1Public, 'pub');
        await client.destroyKey(provider.id, name);
        expect(await listed(client, name)).toEqual([]);
        await expectStatus(client.exportPublicKey(provider.id, name), 'PsaErrorDoesNotExist');
      });

      c.case('key that was never created', async ({ client, keys }) => {
        await expectStatus(client.destroyKey(provider.id, keys.name('never')), 'PsaErrorDoesNotExist');
      });

      c.case('the same key destroyed twice', async ({ client, keys }) => {
        const name = await keys.generate(provider.id, cheap, 'twice');
        await client.destroyKey(provider.id, name);
        await expectStatus(client.destroyKey(provider.id, name), 'PsaErrorDoesNotExist');
      });

      c.case(
        'sign with a destroyed key',
        async ({ client, keys }) => {
          const name = await keys.generate(provider.id, cheap, 'sign');
          await client.destroyKey(provider.id, name);
          await expectStatus(client.signHash(provider.id, name, signAlg, DIGEST), 'PsaErrorDoesNotExist');
        },
        { opcode: 'PsaSignHash' },
      );

      c.case(
        'export the public part of a destroyed key',
        async ({ client, keys }) => {
          const name = await keys.generate(provider.id, cheap, 'export');
          await client.destroyKey(provider.id, name);
          await expectStatus(client.exportPublicKey(provider.id, name), 'PsaErrorDoesNotExist');
        },
        { opcode: 'PsaExportPublicKey' },
      );

      c.case('a name is reusable after destroy and then names a new key', async ({ client, keys }) => {
        const name = await keys.generate(provider.id, cheap, 'again');
        const first = await client.exportPublicKey(provider.id, name);
        await client.destroyKey(provider.id, name);
        await client.generateKey(provider.id, name, cheap);
        expect(await listed(client, name)).toHaveLength(1);
        // A fresh key, not the old one brought back.
        expect((await client.exportPublicKey(provider.id, name)).equals(first)).toBe(false);
      });

      c.case('destroying one key leaves another intact', async ({ client, keys }) => {
        const keep = await keys.generate(provider.id, cheap, 'keep');
        const drop = await keys.generate(provider.id, cheap, 'drop');
        const before = await client.exportPublicKey(provider.id, keep);
        await client.destroyKey(provider.id, drop);
        expect(await listed(client, keep)).toHaveLength(1);
        expect((await client.exportPublicKey(provider.id, keep)).equals(before)).toBe(true);
        expect((await client.signHash(provider.id, keep, signAlg, DIGEST)).length).toBeGreaterThan(0);
      });

      // Key names are per provider: destroying on another provider must not find the key.
      const other = s.context.requestedProviders
        .map((k) => s.context.providers.find((p) => p.key === k)?.id)
        .find((id) => id !== undefined && id !== provider.id);
      c.case(
        'key of this name destroyed through another provider',
        async ({ client, keys }) => {
          const name = await keys.generate(provider.id, cheap, 'elsewhere');
          await expectStatus(client.destroyKey(other ?? 0, name), 'PsaErrorDoesNotExist');
          // The refused request must leave the key where it is, listed and usable.
          if ((await listed(client, name)).length !== 1) {
            throw new Error(
              `key on provider ${provider.id} is no longer listed after DestroyKey through provider ${other}`,
            );
          }
          expect((await client.exportPublicKey(provider.id, name)).length).toBeGreaterThan(0);
        },
        other === undefined ? { skip: 'only one crypto provider is configured' } : {},
      );

      // DestroyKey must not depend on whether the provider can use the key's algorithm: a key that can be created
      // must be destroyable, and a refused destroy must leave the key in place.
      const aesCtr = aesKey(128, { alg: 'Cipher', cipher: 'Ctr' });
      c.case('AES-128 key with a CTR cipher policy', async ({ client, keys }) => {
        const name = keys.track(provider.id, keys.name('aes-ctr'));
        const importing = client.importKey(provider.id, name, aesCtr, Buffer.alloc(16, 0x11));
        const answer = provider.canDo('Import', aesCtr);
        if (answer !== 'Success') {
          await expectStatus(importing, 'PsaErrorNotSupported');
          return;
        }
        await importing;
        expect(await listed(client, name)).toHaveLength(1);
        await client.destroyKey(provider.id, name);
        expect(await listed(client, name)).toEqual([]);
      });
    });
  },
);
