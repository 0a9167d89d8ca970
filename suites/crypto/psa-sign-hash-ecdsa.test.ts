import { eccSigningKey, ecdsaHashFor } from '../../harness/capabilities';
import { defineSuite, expectStatus } from '../../harness/kit';
import { oracleEcKeyPair } from '../../harness/oracle/keys';
import { checkEcdsaSignature, digestOf } from '../../harness/oracle/signatures';
import { ServiceStatusError, type AsymmetricSignature, type KeyAttributes } from '../../harness/wire';
import {
  curveLabel,
  ECDSA_CURVES,
  ECDSA_SHA256,
  expectUnsupported,
  exportedEcKey,
  hashLabel,
  MESSAGE,
  P256,
  publicOf,
  withAlgorithm,
  withUsage,
} from '../../fixtures/signatures/shared';

defineSuite(
  { name: 'psa-sign-hash-ecdsa', opcode: 'PsaSignHash', description: 'SignHash with ECC keys, checked by the oracle' },
  (s) => {
    s.eachProvider((c, provider) => {
      if (!provider.lists('PsaSignHash')) {
        c.case('ECDSA SecpR1 256 SHA-256 signature', async ({ client, keys }) => {
          const name = await keys.generate(provider.id, eccSigningKey('SecpR1', 256, ECDSA_SHA256), 'unlisted');
          await expectStatus(
            client.signHash(provider.id, name, ECDSA_SHA256, digestOf('Sha256', MESSAGE)),
            'PsaErrorNotSupported',
          );
        });
        return;
      }

      for (const curve of ECDSA_CURVES) {
        const hash = ecdsaHashFor(curve.bits);
        for (const deterministic of [false, true]) {
          const alg: AsymmetricSignature = { alg: deterministic ? 'DeterministicEcdsa' : 'Ecdsa', hash };
          const title = `${deterministic ? 'deterministic ECDSA' : 'ECDSA'} ${curveLabel(curve)} ${hashLabel(hash)} signature`;
          c.case(title, async ({ client, keys }) => {
            const attrs = eccSigningKey(curve.family, curve.bits, alg);
            const digest = digestOf(hash, MESSAGE);
            const sign = (name: string): Promise<Buffer> => client.signHash(provider.id, name, alg, digest);
            if (!(provider.can('Generate', attrs) && provider.can('Use', attrs))) {
              await expectUnsupported(() => keys.generate(provider.id, attrs, 'unsupported'), sign);
              return;
            }
            const name = await keys.generate(provider.id, attrs, 'ecdsa');
            const first = await sign(name);
            const key = await exportedEcKey(client, provider, name, curve);
            checkEcdsaSignature(curve, key, hash, MESSAGE, first);
            if (deterministic) {
              const second = await sign(name);
              expect({ sameSignatureTwice: second.equals(first) }).toEqual({ sameSignatureTwice: true });
            }
          });
        }
      }

      c.case('ECDSA SecpR1 256 key pair made by the oracle signs SHA-256', async ({ client, keys }) => {
        const attrs = eccSigningKey('SecpR1', 256, ECDSA_SHA256);
        const pair = oracleEcKeyPair(P256);
        const digest = digestOf('Sha256', MESSAGE);
        if (!provider.can('Import', attrs)) {
          await expectUnsupported(
            () => keys.import(provider.id, attrs, pair.scalar, 'imported'),
            (name) => client.signHash(provider.id, name, ECDSA_SHA256, digest),
          );
          return;
        }
        const name = await keys.import(provider.id, attrs, pair.scalar, 'imported');
        checkEcdsaSignature(
          P256,
          pair.publicKey,
          'Sha256',
          MESSAGE,
          await client.signHash(provider.id, name, ECDSA_SHA256, digest),
        );
      });

      // ------------------------------------------------------------------------------- refused requests
      const p256Key = c.sharedKey('p256-ecdsa-sha256', (client, name) =>
        client.generateKey(provider.id, name, eccSigningKey('SecpR1', 256, ECDSA_SHA256)),
      );
      for (const length of [31, 33]) {
        c.case(`ECDSA SecpR1 256 SHA-256 with a ${length}-byte hash`, async ({ client }) => {
          await expectStatus(
            client.signHash(provider.id, await p256Key(), ECDSA_SHA256, Buffer.alloc(length, 0x5a)),
            'PsaErrorInvalidArgument',
          );
        });
      }

      c.case('ECDSA sign with a key name that does not exist', async ({ client, keys }) => {
        await expectStatus(
          client.signHash(provider.id, keys.name('missing'), ECDSA_SHA256, digestOf('Sha256', MESSAGE)),
          'PsaErrorDoesNotExist',
        );
      });

      const base = eccSigningKey('SecpR1', 256, ECDSA_SHA256);
      const perturbations: readonly { title: string; attrs: KeyAttributes; alg: AsymmetricSignature; bytes: number }[] =
        [
          {
            title: 'verify_hash usage only',
            attrs: withUsage(base, { verifyHash: true }),
            alg: ECDSA_SHA256,
            bytes: 32,
          },
          {
            title: 'sign_message and verify_message usage only',
            attrs: withUsage(base, { signMessage: true, verifyMessage: true }),
            alg: ECDSA_SHA256,
            bytes: 32,
          },
          { title: 'export usage only', attrs: withUsage(base, { export: true }), alg: ECDSA_SHA256, bytes: 32 },
          {
            title: 'ECDSA SHA-256 policy asked for SHA-384',
            attrs: base,
            alg: { alg: 'Ecdsa', hash: 'Sha384' },
            bytes: 48,
          },
        ];
      for (const p of perturbations) {
        c.case(`SecpR1 256 key with ${p.title}`, async ({ client, keys }) => {
          const name = await keys.generate(provider.id, p.attrs, 'perturbed');
          const digest = digestOf(p.bytes === 48 ? 'Sha384' : 'Sha256', MESSAGE);
          await expectStatus(client.signHash(provider.id, name, p.alg, digest), 'PsaErrorNotPermitted');
        });
      }

      c.case('SecpR1 256 ECDH key (derive usage) asked to sign', async ({ client, keys }) => {
        const attrs = withAlgorithm(withUsage(base, { derive: true }), { alg: 'Ecdh' });
        const sign = (name: string): Promise<Buffer> =>
          client.signHash(provider.id, name, ECDSA_SHA256, digestOf('Sha256', MESSAGE));
        if (provider.can('Generate', attrs)) {
          await expectStatus(sign(await keys.generate(provider.id, attrs, 'ecdh')), 'PsaErrorNotPermitted');
          return;
        }
        // CanDoCrypto calls the key unsupported: refused at creation, or, if created anyway, not usable to sign.
        let name: string;
        try {
          name = await keys.generate(provider.id, attrs, 'ecdh');
        } catch (e) {
          if (e instanceof ServiceStatusError && e.statusName === 'PsaErrorNotSupported') return;
          throw e;
        }
        await expectStatus(sign(name), 'PsaErrorNotPermitted');
      });

      c.case('SecpR1 256 public key with sign_hash usage asked to sign', async ({ client, keys }) => {
        const attrs = publicOf(base, { signHash: true, verifyHash: true });
        const name = await keys.import(provider.id, attrs, oracleEcKeyPair(P256).point, 'public');
        await expectStatus(
          client.signHash(provider.id, name, ECDSA_SHA256, digestOf('Sha256', MESSAGE)),
          'PsaErrorInvalidArgument',
        );
      });
    });
  },
);
