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
    const prefix = `pc-${s.context.runId}-`;
    s.core((c) => {
      c.case('lists no key of this client other than the ones this run creates', async ({ client }) => {
        // The key store is fresh per run; other suites may be creating keys right now, all with this run's prefix.
        const foreign = (await client.listKeys()).filter((k) => !k.name.startsWith(prefix));
        expect(foreign).toEqual([]);
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
