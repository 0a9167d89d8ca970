import { createHash } from 'node:crypto';
import {
  aesExportableKey,
  eccKeyPair,
  eccPublicKey,
  rsaKeyPair,
  rsaPublicKey,
} from '../../harness/capabilities/catalogue/keys';
import { defineSuite, expectStatus } from '../../harness/kit';
import { curveOf } from '../../harness/oracle/curves';
import {
  expectEcdsaSha256Signature,
  expectRsaPkcs1Sha256Signature,
  expectRsaPublicKey,
} from '../../harness/oracle/key-formats';
import { oracleEcKeyPair, oracleRsaKeyPairAsync, parseEcPublicKey } from '../../harness/oracle/keys';
import type { KeyAttributes } from '../../harness/wire';

const P256 = curveOf('SecpR1', 256);
const MESSAGE = Buffer.from('exported public key checks this signature');
const DIGEST = createHash('sha256').update(MESSAGE).digest();

const only = (attrs: KeyAttributes, usage: KeyAttributes['policy']['usage']): KeyAttributes => ({
  ...attrs,
  policy: { ...attrs.policy, usage },
});

void oracleRsaKeyPairAsync(2048);

defineSuite(
  {
    name: 'psa-export-public-key',
    opcode: 'PsaExportPublicKey',
    description: 'ExportPublicKey gives the public part in the PSA format',
  },
  (s) => {
    s.eachProvider((c, provider) => {
      const eccGen = provider.can('Generate', eccKeyPair(P256));
      const eccImport = provider.can('Import', eccPublicKey(P256));
      const noEcc = `CanDoCrypto(Generate) for secp256r1 ECDSA answered ${provider.canDo('Generate', eccKeyPair(P256))}`;
      const rsa1024 = c.sharedKey('rsa1024', (client, name) => client.generateKey(provider.id, name, rsaKeyPair(1024)));
      const p256 = c.sharedKey('p256', (client, name) => client.generateKey(provider.id, name, eccKeyPair(P256)));

      c.case('generated RSA 1024 key pair: DER PKCS#1 RSAPublicKey, exponent 65537', async ({ client }) => {
        expectRsaPublicKey(await client.exportPublicKey(provider.id, await rsa1024()), 1024);
      });

      c.case(
        'generated RSA 1024 key pair: the exported key verifies its signature',
        async ({ client }) => {
          const name = await rsa1024();
          const signature = await client.signHash(
            provider.id,
            name,
            { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' },
            DIGEST,
          );
          const key = expectRsaPublicKey(await client.exportPublicKey(provider.id, name), 1024);
          expectRsaPkcs1Sha256Signature(key, MESSAGE, signature);
        },
        { requires: ['PsaSignHash'] },
      );

      c.case(
        'generated secp256r1 key pair: 65-byte point 04||X||Y on the curve',
        async ({ client }) => {
          const point = await client.exportPublicKey(provider.id, await p256());
          expect(point.length).toBe(65);
          expect(point[0]).toBe(0x04);
          parseEcPublicKey(P256, point);
        },
        eccGen ? {} : { skip: noEcc },
      );

      c.case(
        'generated secp256r1 key pair: the exported key verifies its signature',
        async ({ client }) => {
          const name = await p256();
          const signature = await client.signHash(provider.id, name, { alg: 'Ecdsa', hash: 'Sha256' }, DIGEST);
          expectEcdsaSha256Signature(
            parseEcPublicKey(P256, await client.exportPublicKey(provider.id, name)),
            MESSAGE,
            signature,
          );
        },
        eccGen ? { requires: ['PsaSignHash'] } : { skip: noEcc },
      );

      c.case('imported RSA 2048 public key round-trips byte-exact', async ({ client, keys }) => {
        const { pkcs1Public } = await oracleRsaKeyPairAsync(2048);
        const name = await keys.import(provider.id, rsaPublicKey(2048), pkcs1Public, 'rsapub');
        expect((await client.exportPublicKey(provider.id, name)).equals(pkcs1Public)).toBe(true);
      });

      c.case(
        'imported secp256r1 public key round-trips byte-exact',
        async ({ client, keys }) => {
          const { point } = oracleEcKeyPair(P256);
          const name = await keys.import(provider.id, eccPublicKey(P256), point, 'eccpub');
          expect((await client.exportPublicKey(provider.id, name)).equals(point)).toBe(true);
        },
        eccImport
          ? {}
          : {
              skip: `CanDoCrypto(Import) for a secp256r1 public key answered ${provider.canDo('Import', eccPublicKey(P256))}`,
            },
      );

      c.case(
        'exported secp256r1 public key re-imports as a public key with the same bytes',
        async ({ client, keys }) => {
          const exported = await client.exportPublicKey(provider.id, await p256());
          const name = await keys.import(provider.id, eccPublicKey(P256), exported, 'reimport');
          expect((await client.exportPublicKey(provider.id, name)).equals(exported)).toBe(true);
        },
        eccGen && eccImport ? {} : { skip: noEcc },
      );

      c.case('RSA key pair with only the sign_hash usage flag', async ({ client, keys }) => {
        const name = await keys.generate(provider.id, only(rsaKeyPair(1024), { signHash: true }), 'signonly');
        expectRsaPublicKey(await client.exportPublicKey(provider.id, name), 1024);
      });

      c.case(
        'secp256r1 key pair with only the sign_hash usage flag',
        async ({ client, keys }) => {
          const name = await keys.generate(provider.id, only(eccKeyPair(P256), { signHash: true }), 'signonly');
          parseEcPublicKey(P256, await client.exportPublicKey(provider.id, name));
        },
        eccGen ? {} : { skip: noEcc },
      );

      c.case('RSA key pair with no usage flag', async ({ client, keys }) => {
        // PSA: exporting the public part of a key pair is always permitted, whatever the usage flags.
        const name = await keys.generate(provider.id, only(rsaKeyPair(1024), {}), 'nousage');
        expectRsaPublicKey(await client.exportPublicKey(provider.id, name), 1024);
      });

      c.case('key that does not exist', async ({ client, keys }) => {
        await expectStatus(client.exportPublicKey(provider.id, keys.name('missing')), 'PsaErrorDoesNotExist');
      });

      c.case(
        'AES 128 key',
        async ({ client, keys }) => {
          const name = await keys.generate(provider.id, aesExportableKey(128), 'aes');
          // PSA: a symmetric key has no public part.
          await expectStatus(client.exportPublicKey(provider.id, name), 'PsaErrorInvalidArgument');
        },
        provider.can('Generate', aesExportableKey(128))
          ? {}
          : {
              skip: `AES 128 generation not offered: CanDoCrypto(Generate) answered ${provider.canDo('Generate', aesExportableKey(128))}`,
            },
      );
    });
  },
);
