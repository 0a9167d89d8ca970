import {
  aesExportableKey,
  eccKeyPair,
  eccPublicKey,
  rsaKeyPair,
  rsaPublicKey,
} from '../../harness/capabilities/catalogue/keys';
import { defineSuite, expectStatus, type ProviderCaseCtx } from '../../harness/kit';
import { curveOf } from '../../harness/oracle/curves';
import { expectEcScalarMatchesPoint, expectRsaPairMatchesPublic } from '../../harness/oracle/key-formats';
import { oracleEcKeyPair, oracleRsaKeyPair } from '../../harness/oracle/keys';

const P256 = curveOf('SecpR1', 256);
/** One oracle pair per run: the case imports it and compares the export with the same bytes. */
const P256_PAIR = oracleEcKeyPair(P256);

/**
 * ExportKey is offered by Mbed Crypto only (reference A5). Every case runs on every provider: where the opcode is not
 * listed, the same request must be answered PsaErrorNotSupported once its key exists.
 */
defineSuite(
  {
    name: 'psa-export-key',
    opcode: 'PsaExportKey',
    description: 'ExportKey gives key material when the policy allows',
  },
  (s) => {
    s.eachProvider((c, provider) => {
      const offered = provider.lists('PsaExportKey');
      /** Declares a case that creates its key, then checks the export (or the not-supported answer). */
      const exportCase = (
        title: string,
        create: (t: ProviderCaseCtx) => Promise<string>,
        check: (t: ProviderCaseCtx, name: string, material: Buffer) => Promise<void> | void,
        skip?: string,
      ): void => {
        c.case(
          title,
          async (t) => {
            const name = await create(t);
            if (!offered) {
              await expectStatus(t.client.exportKey(provider.id, name), 'PsaErrorNotSupported');
              return;
            }
            await check(t, name, await t.client.exportKey(provider.id, name));
          },
          skip ? { skip } : {},
        );
      };
      const canImport = (attrs: Parameters<typeof provider.can>[1]): string | undefined =>
        provider.can('Import', attrs) ? undefined : `CanDoCrypto(Import) answered ${provider.canDo('Import', attrs)}`;
      const canGenerate = (attrs: Parameters<typeof provider.can>[1]): string | undefined =>
        provider.can('Generate', attrs)
          ? undefined
          : `CanDoCrypto(Generate) answered ${provider.canDo('Generate', attrs)}`;

      exportCase(
        'generated RSA 1024 key pair with the export flag',
        ({ keys }) => keys.generate(provider.id, rsaKeyPair(1024, { export: true }), 'rsa'),
        async ({ client }, name, material) => {
          // PKCS#1 RSAPrivateKey whose public half is what ExportPublicKey gives.
          expectRsaPairMatchesPublic(material, await client.exportPublicKey(provider.id, name));
        },
      );

      exportCase(
        'imported RSA 1024 key pair with the export flag',
        ({ keys }) =>
          keys.import(provider.id, rsaKeyPair(1024, { export: true }), oracleRsaKeyPair(1024).pkcs1Private, 'rsaimp'),
        (_t, _name, material) => {
          // Reference export_rsa_private_key_matches_import.
          expect(material.equals(oracleRsaKeyPair(1024).pkcs1Private)).toBe(true);
        },
        canImport(rsaKeyPair(1024, { export: true })),
      );

      exportCase(
        'generated secp256r1 key pair with the export flag',
        ({ keys }) => keys.generate(provider.id, eccKeyPair(P256, { export: true }), 'ecc'),
        async ({ client }, name, material) => {
          expect(material.length).toBe(P256.coordBytes);
          expectEcScalarMatchesPoint(P256, material, await client.exportPublicKey(provider.id, name));
        },
        canGenerate(eccKeyPair(P256, { export: true })),
      );

      exportCase(
        'imported secp256r1 key pair with the export flag',
        ({ keys }) => keys.import(provider.id, eccKeyPair(P256, { export: true }), P256_PAIR.scalar, 'eccimp'),
        (_t, _name, material) => {
          expect(material.equals(P256_PAIR.scalar)).toBe(true);
        },
        canImport(eccKeyPair(P256, { export: true })),
      );

      exportCase(
        'imported AES 128 key with the export flag',
        ({ keys }) => keys.import(provider.id, aesExportableKey(128), Buffer.alloc(16, 0x3c), 'aes'),
        (_t, _name, material) => {
          expect(material.equals(Buffer.alloc(16, 0x3c))).toBe(true);
        },
        canImport(aesExportableKey(128)),
      );

      exportCase(
        'imported RSA 1024 public key',
        ({ keys }) => keys.import(provider.id, rsaPublicKey(1024), oracleRsaKeyPair(1024).pkcs1Public, 'rsapub'),
        (_t, _name, material) => {
          // PSA: a public key can always be exported, export flag or not; its format is the public one.
          expect(material.equals(oracleRsaKeyPair(1024).pkcs1Public)).toBe(true);
        },
      );

      exportCase(
        'imported secp256r1 public key',
        ({ keys }) => keys.import(provider.id, eccPublicKey(P256), P256_PAIR.point, 'eccpub'),
        (_t, _name, material) => {
          expect(material.equals(P256_PAIR.point)).toBe(true);
        },
        canImport(eccPublicKey(P256)),
      );

      const noExport: [string, Parameters<typeof provider.can>[1]][] = [
        ['generated RSA 1024 key pair without the export flag', rsaKeyPair(1024)],
        ['generated secp256r1 key pair without the export flag', eccKeyPair(P256)],
      ];
      for (const [title, attrs] of noExport) {
        c.case(
          title,
          async ({ client, keys }) => {
            const name = await keys.generate(provider.id, attrs, 'noexport');
            // Reference check_export_{rsa,ecc}_not_possible.
            await expectStatus(
              client.exportKey(provider.id, name),
              offered ? 'PsaErrorNotPermitted' : 'PsaErrorNotSupported',
            );
          },
          canGenerate(attrs) ? { skip: canGenerate(attrs)! } : {},
        );
      }

      c.case('key that does not exist', async ({ client, keys }) => {
        await expectStatus(
          client.exportKey(provider.id, keys.name('missing')),
          offered ? 'PsaErrorDoesNotExist' : 'PsaErrorNotSupported',
        );
      });
    });
  },
);
