import { defineSuite } from '../../harness/kit';
import { withImpliedUsage } from '../../harness/model/psa-usage';
import type { KeyAttributes } from '../../harness/wire';

/** A key every provider can generate (reference C1 templates): RSA 2048, PKCS#1 v1.5 signing with SHA-256. */
const SIGNING_KEY: KeyAttributes = {
  keyType: { type: 'RsaKeyPair' },
  keyBits: 2048,
  policy: {
    usage: { signHash: true, verifyHash: true },
    algorithm: { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' },
  },
};

defineSuite(
  { name: 'list-keys', opcode: 'ListKeys', description: "ListKeys lists the caller's keys across providers" },
  (s) => {
    s.core((c) => {
      c.case('lists no key of this client before the first suite runs', async ({ context }) => {
        // The snapshot is the service's ListKeys answer, taken in globalSetup before any suite could create a key;
        // the native target's key store is fresh, so the answer must be empty.
        expect(context.keysAtStart).toEqual([]);
      });
    });

    s.eachProvider((c, provider) => {
      c.case(
        'lists a generated key with its provider and attributes, and no longer after DestroyKey',
        async ({ client, keys }) => {
          const name = await keys.generate(provider.id, SIGNING_KEY, 'listed');
          const listed = (await client.listKeys()).filter((k) => k.name === name);
          expect(listed).toEqual([{ providerId: provider.id, name, attributes: withImpliedUsage(SIGNING_KEY) }]);
          await client.destroyKey(provider.id, name);
          expect((await client.listKeys()).filter((k) => k.name === name)).toEqual([]);
        },
        { requires: ['PsaGenerateKey', 'PsaDestroyKey'], opcode: 'ListKeys' },
      );
    });
  },
);
