import { eccSigningKey, ecdsaHashFor } from '../../harness/capabilities';
import { defineSuite, expectStatus } from '../../harness/kit';
import { oracleEcKeyPair } from '../../harness/oracle/keys';
import {
  checkEcdsaSignature,
  curveOrder,
  digestOf,
  flipBit,
  highS,
  joinRs,
  maxScalar,
  oracleAccepts,
  oracleEcdsaSign,
  splitRs,
} from '../../harness/oracle/signatures';
import type { AsymmetricSignature, KeyAttributes } from '../../harness/wire';
import {
  curveLabel,
  ECDSA_CURVES,
  ECDSA_SHA256,
  expectUnsupported,
  hashLabel,
  MESSAGE,
  OTHER_MESSAGE,
  P256,
  publicOf,
  withUsage,
} from '../../fixtures/signatures/shared';

defineSuite(
  {
    name: 'psa-verify-hash-ecdsa',
    opcode: 'PsaVerifyHash',
    description: 'VerifyHash with ECC keys: signatures made by the oracle, and their edge cases',
  },
  (s) => {
    s.eachProvider((c, provider) => {
      const pair = oracleEcKeyPair(P256);
      const digest = digestOf('Sha256', MESSAGE);
      const sig = oracleEcdsaSign(pair.privateKey, 'Sha256', MESSAGE);
      const publicAttrs = (family = P256.family, bits = P256.bits, alg = ECDSA_SHA256): KeyAttributes =>
        publicOf(eccSigningKey(family, bits, alg), { verifyHash: true });

      if (!provider.lists('PsaVerifyHash')) {
        c.case('ECDSA SecpR1 256 SHA-256 signature made by the oracle', async ({ client, keys }) => {
          const name = await keys.import(provider.id, publicAttrs(), pair.point, 'unlisted');
          await expectStatus(client.verifyHash(provider.id, name, ECDSA_SHA256, digest, sig), 'PsaErrorNotSupported');
        });
        return;
      }

      for (const curve of ECDSA_CURVES) {
        const hash = ecdsaHashFor(curve.bits);
        c.case(
          `ECDSA ${curveLabel(curve)} ${hashLabel(hash)} signature made by the oracle`,
          async ({ client, keys }) => {
            const alg: AsymmetricSignature = { alg: 'Ecdsa', hash };
            const attrs = publicAttrs(curve.family, curve.bits, alg);
            const theirs = oracleEcKeyPair(curve);
            const signature = oracleEcdsaSign(theirs.privateKey, hash, MESSAGE);
            const verify = (name: string): Promise<void> =>
              client.verifyHash(provider.id, name, alg, digestOf(hash, MESSAGE), signature);
            if (!provider.can('Import', attrs)) {
              await expectUnsupported(() => keys.import(provider.id, attrs, theirs.point, 'unsupported'), verify);
              return;
            }
            await verify(await keys.import(provider.id, attrs, theirs.point, 'public'));
          },
        );
      }

      c.case('ECDSA SecpR1 256 SHA-256 signature made by Parsec', async ({ client, keys }) => {
        const name = await keys.generate(provider.id, eccSigningKey('SecpR1', 256, ECDSA_SHA256), 'pair');
        const made = await client.signHash(provider.id, name, ECDSA_SHA256, digest);
        await client.verifyHash(provider.id, name, ECDSA_SHA256, digest, made);
        await expectStatus(
          client.verifyHash(provider.id, name, ECDSA_SHA256, digest, flipBit(made, 40)),
          'PsaErrorInvalidSignature',
        );
      });

      // ---------------------------------------------------------------- edge cases on one imported key
      const shared = c.sharedKey('p256-public-ecdsa-sha256', (client, name) =>
        client.importKey(provider.id, name, publicAttrs(), pair.point),
      );
      const n = curveOrder(P256);
      const { r, s: sValue } = splitRs(P256, sig);
      const invalid: readonly { title: string; hash: Buffer; sig: Buffer }[] = [
        { title: 'first byte with one bit flipped', hash: digest, sig: flipBit(sig, 0, 7) },
        { title: 'middle byte with one bit flipped', hash: digest, sig: flipBit(sig, 32, 0) },
        { title: 'last byte with one bit flipped', hash: digest, sig: flipBit(sig, -1, 0) },
        { title: 'truncated by one byte', hash: digest, sig: sig.subarray(0, sig.length - 1) },
        { title: 'extended by one byte', hash: digest, sig: Buffer.concat([sig, Buffer.from([0])]) },
        { title: 'all-zero', hash: digest, sig: Buffer.alloc(sig.length) },
        { title: 'with r zero', hash: digest, sig: joinRs(P256, 0n, sValue) },
        { title: 'with s zero', hash: digest, sig: joinRs(P256, r, 0n) },
        { title: 'with r equal to the group order', hash: digest, sig: joinRs(P256, n, sValue) },
        { title: 'with s equal to the group order', hash: digest, sig: joinRs(P256, r, n) },
        { title: 'with r above the group order', hash: digest, sig: joinRs(P256, maxScalar(P256), sValue) },
        { title: 'with s above the group order', hash: digest, sig: joinRs(P256, r, maxScalar(P256)) },
        { title: 'over a different hash', hash: digestOf('Sha256', OTHER_MESSAGE), sig },
      ];
      for (const v of invalid) {
        c.case(`ECDSA SecpR1 256 SHA-256 signature ${v.title}`, async ({ client }) => {
          expect({
            oracleAccepts: oracleAccepts(() =>
              checkEcdsaSignature(
                P256,
                pair.publicKey,
                'Sha256',
                v.hash.equals(digest) ? MESSAGE : OTHER_MESSAGE,
                v.sig,
              ),
            ),
          }).toEqual({ oracleAccepts: false });
          await expectStatus(
            client.verifyHash(provider.id, await shared(), ECDSA_SHA256, v.hash, v.sig),
            'PsaErrorInvalidSignature',
          );
        });
      }

      c.case('ECDSA SecpR1 256 SHA-256 signature with s replaced by n - s (high-s)', async ({ client }) => {
        const other = highS(P256, sig);
        // The oracle accepts both (r, s) and (r, n - s): ECDSA verification does not normalise s.
        checkEcdsaSignature(P256, pair.publicKey, 'Sha256', MESSAGE, other);
        await client.verifyHash(provider.id, await shared(), ECDSA_SHA256, digest, other);
      });

      for (const length of [31, 33]) {
        c.case(`ECDSA SecpR1 256 SHA-256 verify with a ${length}-byte hash`, async ({ client }) => {
          await expectStatus(
            client.verifyHash(provider.id, await shared(), ECDSA_SHA256, Buffer.alloc(length, 0x5a), sig),
            'PsaErrorInvalidArgument',
          );
        });
      }

      // ---------------------------------------------------------------------------- refused requests
      c.case('ECDSA verify with a key name that does not exist', async ({ client, keys }) => {
        await expectStatus(
          client.verifyHash(provider.id, keys.name('missing'), ECDSA_SHA256, digest, sig),
          'PsaErrorDoesNotExist',
        );
      });
      const perturbations: readonly { title: string; attrs: KeyAttributes; alg: AsymmetricSignature }[] = [
        { title: 'sign_hash usage only', attrs: withUsage(publicAttrs(), { signHash: true }), alg: ECDSA_SHA256 },
        {
          title: 'verify_message usage only',
          attrs: withUsage(publicAttrs(), { verifyMessage: true }),
          alg: ECDSA_SHA256,
        },
        {
          title: 'ECDSA SHA-256 policy asked for SHA-384',
          attrs: publicAttrs(),
          alg: { alg: 'Ecdsa', hash: 'Sha384' },
        },
      ];
      for (const p of perturbations) {
        c.case(`SecpR1 256 public key with ${p.title}`, async ({ client, keys }) => {
          const name = await keys.import(provider.id, p.attrs, pair.point, 'perturbed');
          const hash = 'hash' in p.alg && p.alg.hash === 'Sha384' ? digestOf('Sha384', MESSAGE) : digest;
          await expectStatus(client.verifyHash(provider.id, name, p.alg, hash, sig), 'PsaErrorNotPermitted');
        });
      }
    });
  },
);
