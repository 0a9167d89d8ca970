import { RSA_SIZES } from '../../harness/capabilities';
import {
  CHACHA20_KEY,
  ODD_RSA_BITS,
  P256_WRONG_BITS,
  aesExportableKey,
  eccKeyPair,
  rsaKeyPair,
} from '../../harness/capabilities/catalogue/keys';
import { defineSuite, expectStatus, slowRsaGeneration } from '../../harness/kit';
import { withImpliedUsage } from '../../harness/model/psa-usage';
import { CURVES, curveOf } from '../../harness/oracle/curves';
import { expectRsaPublicKey } from '../../harness/oracle/key-formats';
import { parseEcPublicKey } from '../../harness/oracle/keys';
import type { KeyAttributes } from '../../harness/wire';

const P256 = curveOf('SecpR1', 256);

/** Generation is asked whatever CanDoCrypto says: "unsupported" must then be the answer of the operation too. */
defineSuite(
  { name: 'psa-generate-key', opcode: 'PsaGenerateKey', description: 'GenerateKey makes keys of the requested type' },
  (s) => {
    s.eachProvider((c, provider) => {
      const supported = (attrs: KeyAttributes): boolean => provider.can('Generate', attrs);
      const answer = (attrs: KeyAttributes): string => provider.canDo('Generate', attrs);
      /** The cheapest key pair the provider generates, for cases about the operation rather than the key type. */
      const cheap = supported(eccKeyPair(P256)) ? eccKeyPair(P256) : rsaKeyPair(1024);
      const listed = async (client: import('../../harness/wire').ParsecClient, name: string) =>
        (await client.listKeys()).filter((k) => k.name === name);

      for (const bits of RSA_SIZES) {
        const attrs = rsaKeyPair(bits);
        c.case(
          `RSA ${bits} key pair`,
          async ({ client, keys }) => {
            const name = keys.track(provider.id, keys.name(`rsa${bits}`));
            if (!supported(attrs)) {
              await expectStatus(client.generateKey(provider.id, name, attrs), 'PsaErrorNotSupported');
              return;
            }
            await client.generateKey(provider.id, name, attrs);
            expectRsaPublicKey(await client.exportPublicKey(provider.id, name), bits);
          },
          { timeoutMs: 120_000, ...slowRsaGeneration(bits) },
        );
      }

      for (const curve of CURVES) {
        const attrs = eccKeyPair(curve);
        c.case(`ECC key pair on ${curve.nodeName} (${curve.family} ${curve.bits})`, async ({ client, keys }) => {
          const name = keys.track(provider.id, keys.name(curve.nodeName));
          if (!supported(attrs)) {
            await expectStatus(client.generateKey(provider.id, name, attrs), 'PsaErrorNotSupported');
            return;
          }
          await client.generateKey(provider.id, name, attrs);
          // Length, leading 04 and curve membership are all checked by the oracle's parser.
          parseEcPublicKey(curve, await client.exportPublicKey(provider.id, name));
        });
      }

      const symmetric: [string, KeyAttributes][] = [
        ...[128, 192, 256].map((bits): [string, KeyAttributes] => [`AES ${bits} key`, aesExportableKey(bits)]),
        ['ChaCha20 key', CHACHA20_KEY],
      ];
      for (const [title, attrs] of symmetric) {
        c.case(title, async ({ client, keys }) => {
          const name = keys.track(provider.id, keys.name('sym'));
          if (!supported(attrs)) {
            await expectStatus(client.generateKey(provider.id, name, attrs), 'PsaErrorNotSupported');
            return;
          }
          await client.generateKey(provider.id, name, attrs);
          expect(await listed(client, name)).toEqual([
            { providerId: provider.id, name, attributes: withImpliedUsage(attrs) },
          ]);
          if (provider.lists('PsaExportKey')) {
            const material = await client.exportKey(provider.id, name);
            expect(material.length).toBe(attrs.keyBits / 8);
            // Not a constant: 16+ bytes of zeros or ones from a generator means no randomness went in.
            expect(new Set(material).size).toBeGreaterThan(1);
          }
        });
      }

      c.case('generated key is listed with its provider and the requested attributes', async ({ client, keys }) => {
        const name = await keys.generate(provider.id, cheap, 'listed');
        expect(await listed(client, name)).toEqual([
          { providerId: provider.id, name, attributes: withImpliedUsage(cheap) },
        ]);
      });

      c.case('a second key with the same name', async ({ client, keys }) => {
        const name = await keys.generate(provider.id, cheap, 'dup');
        const before = await client.exportPublicKey(provider.id, name);
        await expectStatus(client.generateKey(provider.id, name, cheap), 'PsaErrorAlreadyExists');
        // The refused request must not have replaced the existing key.
        expect((await client.exportPublicKey(provider.id, name)).equals(before)).toBe(true);
        expect(await listed(client, name)).toHaveLength(1);
      });

      c.case('key type RsaPublicKey', async ({ client, keys }) => {
        const attrs: KeyAttributes = { ...rsaKeyPair(1024), keyType: { type: 'RsaPublicKey' } };
        const name = keys.track(provider.id, keys.name('rsapub'));
        // PSA: generating a public-key type is INVALID_ARGUMENT (reference try_generate_asymmetric_public_key).
        await expectStatus(client.generateKey(provider.id, name, attrs), 'PsaErrorInvalidArgument');
      });

      c.case('key type EccPublicKey on secp256r1', async ({ client, keys }) => {
        const attrs: KeyAttributes = {
          ...eccKeyPair(P256),
          keyType: { type: 'EccPublicKey', curveFamily: 'SecpR1' },
        };
        const name = keys.track(provider.id, keys.name('eccpub'));
        await expectStatus(client.generateKey(provider.id, name, attrs), 'PsaErrorInvalidArgument');
      });

      // allow_deprecated is false in the harness configuration: deprecated primitives give DeprecatedPrimitive (22).
      const deprecated: [string, KeyAttributes][] = [
        [
          'RSA 1024 PKCS#1 v1.5 policy with MD5',
          {
            ...rsaKeyPair(1024),
            policy: { ...rsaKeyPair(1024).policy, algorithm: { alg: 'RsaPkcs1v15Sign', hash: 'Md5' } },
          },
        ],
        [
          'RSA 1024 PKCS#1 v1.5 policy with SHA-1',
          {
            ...rsaKeyPair(1024),
            policy: { ...rsaKeyPair(1024).policy, algorithm: { alg: 'RsaPkcs1v15Sign', hash: 'Sha1' } },
          },
        ],
        [
          'ECC key pair on secp160r2 (SecpR2 160)',
          { ...eccKeyPair(P256), keyType: { type: 'EccKeyPair', curveFamily: 'SecpR2' }, keyBits: 160 },
        ],
        [
          'ECC key pair on sect163r2 (SectR2 163)',
          { ...eccKeyPair(P256), keyType: { type: 'EccKeyPair', curveFamily: 'SectR2' }, keyBits: 163 },
        ],
      ];
      for (const [title, attrs] of deprecated) {
        c.case(title, async ({ client, keys }) => {
          const name = keys.track(provider.id, keys.name('deprecated'));
          await expectStatus(client.generateKey(provider.id, name, attrs), 'DeprecatedPrimitive');
          expect(await listed(client, name)).toEqual([]);
        });
      }

      c.case('RSA key pair with key_bits 0', async ({ client, keys }) => {
        const name = keys.track(provider.id, keys.name('rsa0'));
        // PSA: generation needs a size; 0 is not a valid RSA key size.
        await expectStatus(client.generateKey(provider.id, name, rsaKeyPair(0)), 'PsaErrorInvalidArgument');
      });

      c.case(`RSA key pair of ${ODD_RSA_BITS} bits`, async ({ client, keys }) => {
        const attrs = rsaKeyPair(ODD_RSA_BITS);
        const name = keys.track(provider.id, keys.name('rsaodd'));
        if (!supported(attrs)) {
          await expectStatus(client.generateKey(provider.id, name, attrs), 'PsaErrorNotSupported');
          return;
        }
        await client.generateKey(provider.id, name, attrs);
        expectRsaPublicKey(await client.exportPublicKey(provider.id, name), ODD_RSA_BITS);
      });

      c.case(`ECC SecpR1 key pair of ${P256_WRONG_BITS} bits`, async ({ client, keys }) => {
        const attrs = eccKeyPair(P256, {}, P256_WRONG_BITS);
        const name = keys.track(provider.id, keys.name('ecc255'));
        // No SecpR1 curve has 255 bits; CanDoCrypto must not claim it (checked here too).
        expect(answer(attrs)).not.toBe('Success');
        await expectStatus(client.generateKey(provider.id, name, attrs), 'PsaErrorNotSupported');
      });

      c.case('key pair with no usage flag', async ({ client, keys }) => {
        // Reference no_usage_flag_set: a key nobody may use is still a valid key.
        const attrs: KeyAttributes = { ...cheap, policy: { ...cheap.policy, usage: {} } };
        const name = await keys.generate(provider.id, attrs, 'nousage');
        expect(await listed(client, name)).toEqual([{ providerId: provider.id, name, attributes: attrs }]);
        // Exporting the public part needs no usage flag (PSA).
        expect((await client.exportPublicKey(provider.id, name)).length).toBeGreaterThan(0);
      });

      c.case('a refused generation leaves no key and the name stays usable', async ({ client, keys }) => {
        const name = keys.track(provider.id, keys.name('reuse'));
        const refused: KeyAttributes = { ...rsaKeyPair(1024), keyType: { type: 'RsaPublicKey' } };
        await expectStatus(client.generateKey(provider.id, name, refused), 'PsaErrorInvalidArgument');
        expect(await listed(client, name)).toEqual([]);
        await expectStatus(client.exportPublicKey(provider.id, name), 'PsaErrorDoesNotExist');
        await client.generateKey(provider.id, name, cheap);
        expect(await listed(client, name)).toHaveLength(1);
      });

      c.case('two generated keys are different keys', async ({ client, keys }) => {
        const a = await keys.generate(provider.id, cheap, 'a');
        const b = await keys.generate(provider.id, cheap, 'b');
        const [pa, pb] = [await client.exportPublicKey(provider.id, a), await client.exportPublicKey(provider.id, b)];
        expect(pa.equals(pb)).toBe(false);
      });
    });
  },
);
