import type { KeyObject } from 'node:crypto';
import { aesKey, rsaEncryptionKey, rsaSigningKey, SIGN_HASHES } from '../../harness/capabilities';
import { defineSuite, expectStatus, slowRsaGeneration } from '../../harness/kit';
import { oracleRsaKeyPair } from '../../harness/oracle/keys';
import {
  checkRsaRawSignature,
  checkRsaSignature,
  digestInfo,
  digestOf,
  type RsaScheme,
} from '../../harness/oracle/signatures';
import type { Hash, KeyAttributes } from '../../harness/wire';
import {
  DEPRECATED_HASHES,
  expectUnsupported,
  exportedRsaKey,
  hashLabel,
  MESSAGE,
  rsaAlg,
  withAlgorithm,
  withUsage,
} from '../../fixtures/signatures/shared';

const SCHEMES: readonly { scheme: RsaScheme; label: string }[] = [
  { scheme: 'pkcs1v15', label: 'PKCS#1 v1.5' },
  { scheme: 'pss', label: 'PSS' },
];

defineSuite(
  { name: 'psa-sign-hash-rsa', opcode: 'PsaSignHash', description: 'SignHash with RSA keys, checked by the oracle' },
  (s) => {
    s.eachProvider((c, provider) => {
      if (!provider.lists('PsaSignHash')) {
        c.case('RSA 2048 PKCS#1 v1.5 SHA-256 signature', async ({ client, keys }) => {
          const name = await keys.generate(provider.id, rsaSigningKey(2048, rsaAlg('pkcs1v15', 'Sha256')), 'unlisted');
          await expectStatus(
            client.signHash(provider.id, name, rsaAlg('pkcs1v15', 'Sha256'), Buffer.alloc(32)),
            'PsaErrorNotSupported',
          );
        });
        return;
      }

      const publicKeys = new Map<string, Promise<KeyObject>>();
      const rsaPublic = (client: Parameters<typeof exportedRsaKey>[0], name: string): Promise<KeyObject> => {
        let p = publicKeys.get(name);
        if (!p) {
          p = exportedRsaKey(client, provider, name);
          publicKeys.set(name, p);
        }
        return p;
      };

      // One 2048-bit key per scheme with the wildcard hash where the provider takes it, else one per hash.
      const sharedKeys = new Map<string, () => Promise<string>>();
      const shared = (attrs: KeyAttributes, tag: string): (() => Promise<string>) => {
        let k = sharedKeys.get(tag);
        if (!k) {
          k = c.sharedKey(tag, (client, name) => client.generateKey(provider.id, name, attrs));
          sharedKeys.set(tag, k);
        }
        return k;
      };
      const wildcard = (scheme: RsaScheme): KeyAttributes => rsaSigningKey(2048, rsaAlg(scheme, 'any'));
      const hasWildcard = (scheme: RsaScheme): boolean =>
        provider.can('Generate', wildcard(scheme)) && provider.can('Use', wildcard(scheme));
      const keyFor = (scheme: RsaScheme, hash: Hash): (() => Promise<string>) =>
        hasWildcard(scheme)
          ? shared(wildcard(scheme), `rsa2048-${scheme}-any`)
          : shared(rsaSigningKey(2048, rsaAlg(scheme, hash)), `rsa2048-${scheme}-${hash}`);

      for (const { scheme, label } of SCHEMES) {
        for (const hash of SIGN_HASHES) {
          c.case(`RSA 2048 ${label} ${hashLabel(hash)} signature`, async ({ client, keys }) => {
            const attrs = rsaSigningKey(2048, rsaAlg(scheme, hash));
            const digest = digestOf(hash, MESSAGE);
            const sign = (name: string): Promise<Buffer> =>
              client.signHash(provider.id, name, rsaAlg(scheme, hash), digest);
            if (hasWildcard(scheme)) {
              const name = await keyFor(scheme, hash)();
              if (provider.can('Use', attrs))
                checkRsaSignature(await rsaPublic(client, name), scheme, hash, MESSAGE, await sign(name));
              else await expectStatus(sign(name), 'PsaErrorNotSupported');
            } else if (DEPRECATED_HASHES.has(hash)) {
              await expectStatus(keys.generate(provider.id, attrs, 'deprecated'), 'DeprecatedPrimitive');
            } else if (provider.can('Generate', attrs) && provider.can('Use', attrs)) {
              const name = await keyFor(scheme, hash)();
              checkRsaSignature(await rsaPublic(client, name), scheme, hash, MESSAGE, await sign(name));
            } else {
              await expectUnsupported(() => keys.generate(provider.id, attrs, 'unsupported'), sign);
            }
          });
        }
      }

      for (const bits of [1024, 3072, 4096]) {
        c.case(
          `RSA ${bits} PKCS#1 v1.5 SHA-256 signature`,
          async ({ client, keys }) => {
            const attrs = rsaSigningKey(bits, rsaAlg('pkcs1v15', 'Sha256'));
            if (!(provider.can('Generate', attrs) && provider.can('Use', attrs))) {
              await expectUnsupported(
                () => keys.generate(provider.id, attrs, `rsa${bits}`),
                async (name) =>
                  client.signHash(provider.id, name, rsaAlg('pkcs1v15', 'Sha256'), digestOf('Sha256', MESSAGE)),
              );
              return;
            }
            const name = await keys.generate(provider.id, attrs, `rsa${bits}`);
            const sig = await client.signHash(
              provider.id,
              name,
              rsaAlg('pkcs1v15', 'Sha256'),
              digestOf('Sha256', MESSAGE),
            );
            const key = await exportedRsaKey(client, provider, name);
            expect(key.asymmetricKeyDetails?.modulusLength).toBe(bits);
            checkRsaSignature(key, 'pkcs1v15', 'Sha256', MESSAGE, sig);
          },
          slowRsaGeneration(bits),
        );
      }

      c.case('RSA 2048 PKCS#1 v1.5 raw signature over a SHA-256 DigestInfo', async ({ client, keys }) => {
        const attrs = rsaSigningKey(2048, { alg: 'RsaPkcs1v15SignRaw' });
        if (!(provider.can('Generate', attrs) && provider.can('Use', attrs))) {
          await expectUnsupported(
            () => keys.generate(provider.id, attrs, 'raw'),
            async (name) => client.signHash(provider.id, name, { alg: 'RsaPkcs1v15SignRaw' }, Buffer.alloc(32, 1)),
          );
          return;
        }
        const name = await keys.generate(provider.id, attrs, 'raw');
        const input = digestInfo('Sha256', digestOf('Sha256', MESSAGE));
        const sig = await client.signHash(provider.id, name, { alg: 'RsaPkcs1v15SignRaw' }, input);
        const key = await exportedRsaKey(client, provider, name);
        checkRsaRawSignature(key, input, sig);
        checkRsaSignature(key, 'pkcs1v15', 'Sha256', MESSAGE, sig);
      });

      c.case('RSA 2048 key pair made by the oracle signs PKCS#1 v1.5 SHA-256', async ({ client, keys }) => {
        const attrs = rsaSigningKey(2048, rsaAlg('pkcs1v15', 'Sha256'));
        const pair = oracleRsaKeyPair(2048);
        const probe = withUsage(attrs, { verifyHash: true });
        if (!provider.can('Import', probe)) {
          await expectStatus(keys.import(provider.id, attrs, pair.pkcs1Private, 'imported'), 'PsaErrorNotSupported');
          return;
        }
        const name = await keys.import(provider.id, attrs, pair.pkcs1Private, 'imported');
        const sig = await client.signHash(provider.id, name, rsaAlg('pkcs1v15', 'Sha256'), digestOf('Sha256', MESSAGE));
        checkRsaSignature(pair.publicKey, 'pkcs1v15', 'Sha256', MESSAGE, sig);
      });

      // ------------------------------------------------------------------------------- refused requests
      const sha256Key = (): Promise<string> => keyFor('pkcs1v15', 'Sha256')();
      for (const length of [31, 33]) {
        c.case(`RSA PKCS#1 v1.5 SHA-256 with a ${length}-byte hash`, async ({ client }) => {
          await expectStatus(
            client.signHash(provider.id, await sha256Key(), rsaAlg('pkcs1v15', 'Sha256'), Buffer.alloc(length, 0x5a)),
            'PsaErrorInvalidArgument',
          );
        });
      }

      c.case('sign with a key name that does not exist', async ({ client, keys }) => {
        await expectStatus(
          client.signHash(provider.id, keys.name('missing'), rsaAlg('pkcs1v15', 'Sha256'), digestOf('Sha256', MESSAGE)),
          'PsaErrorDoesNotExist',
        );
      });

      const smallBits = provider.can('Generate', rsaSigningKey(1024, rsaAlg('pkcs1v15', 'Sha256'))) ? 1024 : 2048;
      const base = rsaSigningKey(smallBits, rsaAlg('pkcs1v15', 'Sha256'));
      const perturbations: readonly {
        title: string;
        attrs: KeyAttributes;
        alg: ReturnType<typeof rsaAlg>;
        hash: Hash;
      }[] = [
        {
          title: 'verify_hash usage only',
          attrs: withUsage(base, { verifyHash: true }),
          alg: rsaAlg('pkcs1v15', 'Sha256'),
          hash: 'Sha256',
        },
        {
          title: 'sign_message and verify_message usage only',
          attrs: withUsage(base, { signMessage: true, verifyMessage: true }),
          alg: rsaAlg('pkcs1v15', 'Sha256'),
          hash: 'Sha256',
        },
        { title: 'no usage flags', attrs: withUsage(base, {}), alg: rsaAlg('pkcs1v15', 'Sha256'), hash: 'Sha256' },
        {
          title: 'PKCS#1 v1.5 SHA-256 policy asked for SHA-384',
          attrs: base,
          alg: rsaAlg('pkcs1v15', 'Sha384'),
          hash: 'Sha384',
        },
        {
          title: 'PKCS#1 v1.5 SHA-256 policy asked for PSS SHA-256',
          attrs: base,
          alg: rsaAlg('pss', 'Sha256'),
          hash: 'Sha256',
        },
        {
          title: 'PSS SHA-256 policy asked for PKCS#1 v1.5 SHA-256',
          attrs: withAlgorithm(base, rsaAlg('pss', 'Sha256')),
          alg: rsaAlg('pkcs1v15', 'Sha256'),
          hash: 'Sha256',
        },
      ];
      for (const p of perturbations) {
        c.case(`RSA key with ${p.title}`, async ({ client, keys }) => {
          const name = await keys.generate(provider.id, p.attrs, 'perturbed');
          await expectStatus(
            client.signHash(provider.id, name, p.alg, digestOf(p.hash, MESSAGE)),
            'PsaErrorNotPermitted',
          );
        });
      }

      c.case('RSA encryption key (PKCS#1 v1.5 encryption policy) asked to sign', async ({ client, keys }) => {
        const attrs = rsaEncryptionKey(smallBits, { alg: 'RsaPkcs1v15Crypt' });
        const name = await keys.generate(provider.id, attrs, 'encryption');
        await expectStatus(
          client.signHash(provider.id, name, rsaAlg('pkcs1v15', 'Sha256'), digestOf('Sha256', MESSAGE)),
          'PsaErrorNotPermitted',
        );
      });

      c.case('RSA public key with sign_hash usage asked to sign', async ({ client, keys }) => {
        const attrs: KeyAttributes = { ...base, keyType: { type: 'RsaPublicKey' }, keyBits: 0 };
        const name = await keys.import(provider.id, attrs, oracleRsaKeyPair(2048).pkcs1Public, 'public');
        await expectStatus(
          client.signHash(provider.id, name, rsaAlg('pkcs1v15', 'Sha256'), digestOf('Sha256', MESSAGE)),
          'PsaErrorInvalidArgument',
        );
      });

      c.case('AES key asked to sign with RSA PKCS#1 v1.5', async ({ client, keys }) => {
        const attrs = aesKey(128, { alg: 'Gcm' });
        if (!provider.can('Generate', attrs)) {
          await expectStatus(keys.generate(provider.id, attrs, 'aes'), 'PsaErrorNotSupported');
          return;
        }
        const name = await keys.generate(provider.id, attrs, 'aes');
        await expectStatus(
          client.signHash(provider.id, name, rsaAlg('pkcs1v15', 'Sha256'), digestOf('Sha256', MESSAGE)),
          'PsaErrorNotPermitted',
        );
      });
    });
  },
);
