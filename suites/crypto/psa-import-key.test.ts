import { createHash } from 'node:crypto';
import { RSA_SIZES } from '../../harness/capabilities';
import {
  aesExportableKey,
  eccKeyPair,
  eccPublicKey,
  rsaKeyPair,
  rsaPublicKey,
} from '../../harness/capabilities/catalogue/keys';
import { defineSuite, expectStatus } from '../../harness/kit';
import { CURVES, curveOf } from '../../harness/oracle/curves';
import { expectEcdsaSha256Signature, expectRsaPkcs1Sha256Signature } from '../../harness/oracle/key-formats';
import { oracleEcKeyPair, oracleRsaKeyPair, oracleRsaKeyPairAsync } from '../../harness/oracle/keys';
import type { KeyAttributes, ParsecClient, StatusName } from '../../harness/wire';

const P256 = curveOf('SecpR1', 256);
const MESSAGE = Buffer.from('imported key signs this');
const DIGEST = createHash('sha256').update(MESSAGE).digest();

/** PSA: a key's attributes report its real size, also when it was imported with key_bits 0. */
function expectBits(actual: number | undefined, expected: number): void {
  if (actual !== expected) throw new Error(`ListKeys reports key_bits ${actual}, expected ${expected}`);
}

const withBits = (attrs: KeyAttributes, keyBits: number): KeyAttributes => ({ ...attrs, keyBits });

// Large oracle keys are made in the background from load time on (see oracleRsaKeyPairAsync).
for (const bits of RSA_SIZES) if (bits > 1024) void oracleRsaKeyPairAsync(bits);

defineSuite(
  { name: 'psa-import-key', opcode: 'PsaImportKey', description: 'ImportKey takes keys in the PSA formats' },
  (s) => {
    s.eachProvider((c, provider) => {
      const importable = (attrs: KeyAttributes): boolean => provider.can('Import', attrs);
      /** Where CanDoCrypto says the import is unsupported, that is the answer whatever the data. */
      const refusal = (attrs: KeyAttributes, status: StatusName): StatusName =>
        importable(attrs) ? status : 'PsaErrorNotSupported';
      const listed = async (client: ParsecClient, name: string) =>
        (await client.listKeys()).filter((k) => k.name === name && k.providerId === provider.id);

      /** A case importing `data`: on success the exported public part must be `publicPart`. */
      const roundTrip = (
        title: string,
        attrs: KeyAttributes,
        data: () => Promise<Buffer> | Buffer,
        publicPart: () => Promise<Buffer> | Buffer,
      ): void => {
        c.case(
          title,
          async ({ client, keys }) => {
            const name = keys.track(provider.id, keys.name('imp'));
            if (!importable(attrs)) {
              await expectStatus(client.importKey(provider.id, name, attrs, await data()), 'PsaErrorNotSupported');
              return;
            }
            await client.importKey(provider.id, name, attrs, await data());
            expect((await client.exportPublicKey(provider.id, name)).equals(await publicPart())).toBe(true);
            expectBits((await listed(client, name))[0]?.attributes.keyBits, attrs.keyBits);
          },
          { timeoutMs: 60_000 },
        );
      };

      for (const bits of RSA_SIZES) {
        roundTrip(
          `RSA ${bits} public key (PKCS#1 RSAPublicKey)`,
          rsaPublicKey(bits),
          async () => (await oracleRsaKeyPairAsync(bits)).pkcs1Public,
          async () => (await oracleRsaKeyPairAsync(bits)).pkcs1Public,
        );
        roundTrip(
          `RSA ${bits} key pair (PKCS#1 RSAPrivateKey)`,
          rsaKeyPair(bits, { export: true }),
          async () => (await oracleRsaKeyPairAsync(bits)).pkcs1Private,
          async () => (await oracleRsaKeyPairAsync(bits)).pkcs1Public,
        );
      }

      for (const curve of CURVES) {
        const label = `${curve.nodeName} (${curve.family} ${curve.bits})`;
        const pair = () => oracleEcKeyPair(curve);
        let cached: ReturnType<typeof oracleEcKeyPair> | undefined;
        const once = () => (cached ??= pair());
        roundTrip(
          `ECC public key on ${label}`,
          eccPublicKey(curve),
          () => once().point,
          () => once().point,
        );
        roundTrip(
          `ECC private key on ${label}`,
          eccKeyPair(curve, { export: true }),
          () => once().scalar,
          () => once().point,
        );
      }

      for (const bits of [128, 192, 256]) {
        const attrs = aesExportableKey(bits);
        const material = Buffer.alloc(bits / 8, 0xa5).map((b, i) => b ^ i);
        c.case(`AES ${bits} key`, async ({ client, keys }) => {
          const name = keys.track(provider.id, keys.name('aes'));
          if (!importable(attrs)) {
            await expectStatus(client.importKey(provider.id, name, attrs, material), 'PsaErrorNotSupported');
            return;
          }
          await client.importKey(provider.id, name, attrs, material);
          expectBits((await listed(client, name))[0]?.attributes.keyBits, bits);
          if (provider.lists('PsaExportKey')) {
            expect((await client.exportKey(provider.id, name)).equals(Buffer.from(material))).toBe(true);
          }
        });
      }

      const rsaPairAttrs = rsaKeyPair(1024, { export: true });
      c.case(
        'imported RSA 1024 key pair signs what the oracle verifies',
        async ({ client, keys }) => {
          const pair = oracleRsaKeyPair(1024);
          const name = await keys.import(provider.id, rsaPairAttrs, pair.pkcs1Private, 'rsasign');
          const sig = await client.signHash(provider.id, name, { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' }, DIGEST);
          expectRsaPkcs1Sha256Signature(pair.publicKey, MESSAGE, sig);
        },
        importable(rsaPairAttrs)
          ? { requires: ['PsaSignHash'] }
          : { skip: `RSA key-pair import: CanDoCrypto(Import) answered ${provider.canDo('Import', rsaPairAttrs)}` },
      );

      const eccPairAttrs = eccKeyPair(P256, { export: true });
      c.case(
        'imported secp256r1 private key signs what the oracle verifies',
        async ({ client, keys }) => {
          const pair = oracleEcKeyPair(P256);
          const name = await keys.import(provider.id, eccPairAttrs, pair.scalar, 'eccsign');
          const sig = await client.signHash(provider.id, name, { alg: 'Ecdsa', hash: 'Sha256' }, DIGEST);
          expectEcdsaSha256Signature(pair.publicKey, MESSAGE, sig);
        },
        importable(eccPairAttrs)
          ? { requires: ['PsaSignHash'] }
          : { skip: `ECC key-pair import: CanDoCrypto(Import) answered ${provider.canDo('Import', eccPairAttrs)}` },
      );

      // ------------------------------------------------------------------------------------- invalid data
      const rsaPub = rsaPublicKey(1024);
      const eccPub = eccPublicKey(P256);
      const invalid: [string, KeyAttributes, () => Buffer, StatusName][] = [
        [
          'RSA public key data of garbage bytes',
          rsaPub,
          () => Buffer.from('not a DER RSAPublicKey at all'),
          'PsaErrorInvalidArgument',
        ],
        [
          'RSA public key data truncated DER',
          rsaPub,
          () => oracleRsaKeyPair(1024).pkcs1Public.subarray(0, 60),
          'PsaErrorInvalidArgument',
        ],
        ['RSA public key data empty', rsaPub, () => Buffer.alloc(0), 'PsaErrorInvalidArgument'],
        [
          'RSA public key data as SPKI instead of PKCS#1',
          rsaPub,
          () => oracleRsaKeyPair(1024).publicKey.export({ format: 'der', type: 'spki' }),
          'PsaErrorInvalidArgument',
        ],
        [
          'RSA key pair data truncated DER',
          rsaPairAttrs,
          () => oracleRsaKeyPair(1024).pkcs1Private.subarray(0, 300),
          refusal(rsaPairAttrs, 'PsaErrorInvalidArgument'),
        ],
        [
          'RSA key pair data as PKCS#8 instead of PKCS#1',
          rsaPairAttrs,
          () => oracleRsaKeyPair(1024).privateKey.export({ format: 'der', type: 'pkcs8' }),
          refusal(rsaPairAttrs, 'PsaErrorInvalidArgument'),
        ],
        [
          'secp256r1 public key as a compressed point',
          eccPub,
          () => {
            const { point } = oracleEcKeyPair(P256);
            return Buffer.concat([Buffer.from([0x02 | (point[64]! & 1)]), point.subarray(1, 33)]);
          },
          refusal(eccPub, 'PsaErrorInvalidArgument'),
        ],
        [
          'secp256r1 public key point not on the curve',
          eccPub,
          () => {
            const point = Buffer.from(oracleEcKeyPair(P256).point);
            point[64] ^= 1;
            return point;
          },
          refusal(eccPub, 'PsaErrorInvalidArgument'),
        ],
        [
          'secp256r1 public key without the 04 prefix',
          eccPub,
          () => oracleEcKeyPair(P256).point.subarray(1),
          refusal(eccPub, 'PsaErrorInvalidArgument'),
        ],
        [
          'secp256r1 private key of 31 bytes',
          eccPairAttrs,
          () => oracleEcKeyPair(P256).scalar.subarray(1),
          refusal(eccPairAttrs, 'PsaErrorInvalidArgument'),
        ],
        [
          'secp256r1 private key of zero',
          eccPairAttrs,
          () => Buffer.alloc(32),
          refusal(eccPairAttrs, 'PsaErrorInvalidArgument'),
        ],
        [
          'secp256r1 private key equal to the group order n',
          eccPairAttrs,
          () => Buffer.from(P256.order!.toString(16).padStart(64, '0'), 'hex'),
          refusal(eccPairAttrs, 'PsaErrorInvalidArgument'),
        ],
        [
          'secp256r1 private key of all ones (above n)',
          eccPairAttrs,
          () => Buffer.alloc(32, 0xff),
          refusal(eccPairAttrs, 'PsaErrorInvalidArgument'),
        ],
        [
          'AES key of 15 bytes',
          withBits(aesExportableKey(128), 0),
          () => Buffer.alloc(15, 1),
          refusal(aesExportableKey(128), 'PsaErrorInvalidArgument'),
        ],
        // Reference check_format_import3 / check_format_import_ecc2: a size that does not match the data.
        [
          'RSA 1024 public key declared as 1023 bits',
          withBits(rsaPub, 1023),
          () => oracleRsaKeyPair(1024).pkcs1Public,
          'PsaErrorInvalidArgument',
        ],
        [
          'RSA 1024 public key declared as 2048 bits',
          withBits(rsaPub, 2048),
          () => oracleRsaKeyPair(1024).pkcs1Public,
          'PsaErrorInvalidArgument',
        ],
        [
          'secp256r1 public key declared as 224 bits',
          withBits(eccPub, 224),
          () => oracleEcKeyPair(P256).point,
          refusal(eccPub, 'PsaErrorInvalidArgument'),
        ],
        [
          'AES 128 key material declared as 256 bits',
          aesExportableKey(256),
          () => Buffer.alloc(16, 1),
          refusal(aesExportableKey(256), 'PsaErrorInvalidArgument'),
        ],
      ];
      for (const [title, attrs, data, status] of invalid) {
        c.case(title, async ({ client, keys }) => {
          const name = keys.track(provider.id, keys.name('bad'));
          await expectStatus(client.importKey(provider.id, name, attrs, data()), status);
          // Reference failed_imported_key_should_be_removed: nothing is left under the name.
          expect(await listed(client, name)).toEqual([]);
        });
      }

      // ---------------------------------------------------------------------------------------- key_bits 0
      c.case('RSA 1024 public key with key_bits 0 takes the size from the data', async ({ client, keys }) => {
        const data = oracleRsaKeyPair(1024).pkcs1Public;
        const name = await keys.import(provider.id, withBits(rsaPub, 0), data, 'bits0');
        expect((await client.exportPublicKey(provider.id, name)).equals(data)).toBe(true);
        expectBits((await listed(client, name))[0]?.attributes.keyBits, 1024);
      });

      c.case(
        'secp256r1 public key with key_bits 0 takes the size from the data',
        async ({ client, keys }) => {
          const { point } = oracleEcKeyPair(P256);
          const name = await keys.import(provider.id, withBits(eccPub, 0), point, 'bits0');
          expect((await client.exportPublicKey(provider.id, name)).equals(point)).toBe(true);
          expectBits((await listed(client, name))[0]?.attributes.keyBits, 256);
        },
        importable(eccPub) ? {} : { skip: `CanDoCrypto(Import) answered ${provider.canDo('Import', eccPub)}` },
      );

      // ------------------------------------------------------------------------------------ names in use
      c.case('import over the name of a generated key', async ({ client, keys }) => {
        const gen = provider.can('Generate', eccKeyPair(P256)) ? eccKeyPair(P256) : rsaKeyPair(1024);
        const name = await keys.generate(provider.id, gen, 'taken');
        const before = await client.exportPublicKey(provider.id, name);
        await expectStatus(
          client.importKey(provider.id, name, rsaPub, oracleRsaKeyPair(1024).pkcs1Public),
          'PsaErrorAlreadyExists',
        );
        expect((await client.exportPublicKey(provider.id, name)).equals(before)).toBe(true);
      });

      c.case('the same public key imported twice under one name', async ({ client, keys }) => {
        const data = oracleRsaKeyPair(1024).pkcs1Public;
        const name = await keys.import(provider.id, rsaPub, data, 'twice');
        await expectStatus(client.importKey(provider.id, name, rsaPub, data), 'PsaErrorAlreadyExists');
        expect(await listed(client, name)).toHaveLength(1);
      });

      c.case('a refused import leaves the name free for a valid one', async ({ client, keys }) => {
        const name = keys.track(provider.id, keys.name('reuse'));
        const data = oracleRsaKeyPair(1024).pkcs1Public;
        await expectStatus(client.importKey(provider.id, name, rsaPub, Buffer.from([0x30])), 'PsaErrorInvalidArgument');
        expect(await listed(client, name)).toEqual([]);
        await client.importKey(provider.id, name, rsaPub, data);
        expect((await client.exportPublicKey(provider.id, name)).equals(data)).toBe(true);
      });
    });
  },
);
