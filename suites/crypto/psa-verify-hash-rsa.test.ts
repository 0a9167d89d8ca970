import type { KeyObject } from 'node:crypto';
import { rsaSigningKey, SIGN_HASHES } from '../../harness/capabilities';
import { defineSuite, expectStatus, type ProviderCaseCtx } from '../../harness/kit';
import { oracleRsaKeyPair } from '../../harness/oracle/keys';
import {
  checkRsaSignature,
  digestOf,
  clearTopSetBit,
  flipBit,
  flippedPssSignature,
  oracleRsaSign,
  rsaPrivateRaw,
  type RsaScheme,
} from '../../harness/oracle/signatures';
import type { KeyAttributes } from '../../harness/wire';
import {
  expectUnsupported,
  hashLabel,
  MESSAGE,
  OTHER_MESSAGE,
  publicOf,
  rsaAlg,
  withUsage,
} from '../../fixtures/signatures/shared';

const SCHEMES: readonly { scheme: RsaScheme; label: string }[] = [
  { scheme: 'pkcs1v15', label: 'PKCS#1 v1.5' },
  { scheme: 'pss', label: 'PSS' },
];
const PKCS1_SHA256 = rsaAlg('pkcs1v15', 'Sha256');

/** An encoded message 0x80 00 … 00 BC, below the modulus: trailer right, leftmost bit (beyond emBits) set. */
function leftmostBitSet(publicKey: KeyObject): Buffer {
  const modulus = Buffer.from(publicKey.export({ format: 'jwk' }).n as string, 'base64url');
  const em = Buffer.alloc(modulus.length);
  em[0] = 0x80;
  em[em.length - 1] = 0xbc;
  if (Buffer.compare(em, modulus) >= 0) throw new Error("the oracle key's modulus is below 0x80…BC; draw another key");
  return em;
}

defineSuite(
  {
    name: 'psa-verify-hash-rsa',
    opcode: 'PsaVerifyHash',
    description: 'VerifyHash with RSA keys: signatures made by the oracle, and their perturbations',
  },
  (s) => {
    s.eachProvider((c, provider) => {
      const pair = oracleRsaKeyPair(2048);
      const digest = digestOf('Sha256', MESSAGE);
      const oracleSig = oracleRsaSign(pair.privateKey, 'pkcs1v15', 'Sha256', MESSAGE);
      const publicAttrs = (alg: ReturnType<typeof rsaAlg>): KeyAttributes =>
        publicOf(rsaSigningKey(2048, alg), { verifyHash: true });

      if (!provider.lists('PsaVerifyHash')) {
        c.case('RSA 2048 PKCS#1 v1.5 SHA-256 signature made by the oracle', async ({ client, keys }) => {
          const name = await keys.import(provider.id, publicAttrs(PKCS1_SHA256), pair.pkcs1Public, 'unlisted');
          await expectStatus(
            client.verifyHash(provider.id, name, PKCS1_SHA256, digest, oracleSig),
            'PsaErrorNotSupported',
          );
        });
        return;
      }

      for (const { scheme, label } of SCHEMES) {
        for (const hash of SIGN_HASHES) {
          c.case(`RSA 2048 ${label} ${hashLabel(hash)} signature made by the oracle`, async ({ client, keys }) => {
            const alg = rsaAlg(scheme, hash);
            const attrs = publicAttrs(alg);
            const sig = oracleRsaSign(pair.privateKey, scheme, hash, MESSAGE);
            checkRsaSignature(pair.publicKey, scheme, hash, MESSAGE, sig);
            const verify = (name: string): Promise<void> =>
              client.verifyHash(provider.id, name, alg, digestOf(hash, MESSAGE), sig);
            if (!provider.can('Import', attrs)) {
              await expectUnsupported(() => keys.import(provider.id, attrs, pair.pkcs1Public, 'unsupported'), verify);
              return;
            }
            await verify(await keys.import(provider.id, attrs, pair.pkcs1Public, 'public'));
          });
        }
      }

      c.case('RSA 1024 PKCS#1 v1.5 SHA-256 signature made by Parsec', async ({ client, keys }) => {
        const name = await keys.generate(provider.id, rsaSigningKey(1024, PKCS1_SHA256), 'pair');
        const sig = await client.signHash(provider.id, name, PKCS1_SHA256, digest);
        await client.verifyHash(provider.id, name, PKCS1_SHA256, digest, sig);
        await expectStatus(
          client.verifyHash(provider.id, name, PKCS1_SHA256, digest, flipBit(sig, 64)),
          'PsaErrorInvalidSignature',
        );
      });

      // ------------------------------------------------------------------------- invalid signatures
      const sharedPublic = c.sharedKey('rsa2048-public-pkcs1-sha256', (client, name) =>
        client.importKey(provider.id, name, publicAttrs(PKCS1_SHA256), pair.pkcs1Public),
      );
      const invalid: readonly { title: string; hash: Buffer; sig: Buffer }[] = [
        { title: 'most significant set bit cleared', hash: digest, sig: clearTopSetBit(oracleSig) },
        { title: 'middle byte with one bit flipped', hash: digest, sig: flipBit(oracleSig, 128, 3) },
        { title: 'last byte with one bit flipped', hash: digest, sig: flipBit(oracleSig, -1, 0) },
        { title: 'truncated by one byte', hash: digest, sig: oracleSig.subarray(0, oracleSig.length - 1) },
        { title: 'extended by one byte', hash: digest, sig: Buffer.concat([oracleSig, Buffer.from([0])]) },
        { title: 'all-zero', hash: digest, sig: Buffer.alloc(oracleSig.length) },
        { title: 'over a different hash', hash: digestOf('Sha256', OTHER_MESSAGE), sig: oracleSig },
      ];
      for (const v of invalid) {
        c.case(`RSA 2048 PKCS#1 v1.5 SHA-256 signature ${v.title}`, async ({ client }) => {
          await expectStatus(
            client.verifyHash(provider.id, await sharedPublic(), PKCS1_SHA256, v.hash, v.sig),
            'PsaErrorInvalidSignature',
          );
        });
      }
      for (const length of [31, 33, 255, 257]) {
        c.case(`RSA 2048 PKCS#1 v1.5 SHA-256 verify with a ${length}-byte hash`, async ({ client }) => {
          await expectStatus(
            client.verifyHash(provider.id, await sharedPublic(), PKCS1_SHA256, Buffer.alloc(length, 0x5a), oracleSig),
            'PsaErrorInvalidArgument',
          );
        });
      }

      // A PSS SHA-256 signature the oracle refuses is answered InvalidSignature under the imported public key (or
      // the provider's documented refusal of PSS keys, where CanDoCrypto says it cannot import them).
      const expectPssRefused = async (ctx: ProviderCaseCtx, sig: Buffer, tag: string): Promise<void> => {
        const alg = rsaAlg('pss', 'Sha256');
        const attrs = publicAttrs(alg);
        expect(() => checkRsaSignature(pair.publicKey, 'pss', 'Sha256', MESSAGE, sig)).toThrow();
        const verify = (name: string): Promise<void> => ctx.client.verifyHash(provider.id, name, alg, digest, sig);
        if (!provider.can('Import', attrs)) {
          await expectUnsupported(() => ctx.keys.import(provider.id, attrs, pair.pkcs1Public, 'unsupported'), verify);
          return;
        }
        await expectStatus(
          verify(await ctx.keys.import(provider.id, attrs, pair.pkcs1Public, tag)),
          'PsaErrorInvalidSignature',
        );
      };

      c.case('RSA 2048 PSS SHA-256 signature with one bit flipped', async (ctx) => {
        await expectPssRefused(
          ctx,
          flippedPssSignature(pair.privateKey, pair.publicKey, 'Sha256', MESSAGE, 128),
          'pss',
        );
      });

      // RFC 8017 9.1.2 step 6: an encoded message whose leftmost bits are not zero is "inconsistent": the
      // signature is invalid, like any other that does not verify (PSA: INVALID_SIGNATURE). Crafted with the
      // oracle's private key so that the encoded message ends in 0xBC and only its leftmost bit is wrong.
      c.case(
        'RSA 2048 PSS SHA-256 signature whose encoded message ends in 0xBC but has its leftmost bit set',
        async (ctx) => {
          await expectPssRefused(ctx, rsaPrivateRaw(pair.privateKey, leftmostBitSet(pair.publicKey)), 'pss-top-bit');
        },
      );

      // ---------------------------------------------------------------------------- refused requests
      c.case('verify with a key name that does not exist', async ({ client, keys }) => {
        await expectStatus(
          client.verifyHash(provider.id, keys.name('missing'), PKCS1_SHA256, digest, oracleSig),
          'PsaErrorDoesNotExist',
        );
      });
      const perturbations: readonly { title: string; attrs: KeyAttributes; alg: ReturnType<typeof rsaAlg> }[] = [
        {
          title: 'sign_hash usage only',
          attrs: withUsage(publicAttrs(PKCS1_SHA256), { signHash: true }),
          alg: PKCS1_SHA256,
        },
        {
          title: 'verify_message usage only',
          attrs: withUsage(publicAttrs(PKCS1_SHA256), { verifyMessage: true }),
          alg: PKCS1_SHA256,
        },
        {
          title: 'PKCS#1 v1.5 SHA-256 policy asked for SHA-384',
          attrs: publicAttrs(PKCS1_SHA256),
          alg: rsaAlg('pkcs1v15', 'Sha384'),
        },
        {
          title: 'PKCS#1 v1.5 SHA-256 policy asked for PSS SHA-256',
          attrs: publicAttrs(PKCS1_SHA256),
          alg: rsaAlg('pss', 'Sha256'),
        },
      ];
      for (const p of perturbations) {
        c.case(`RSA public key with ${p.title}`, async ({ client, keys }) => {
          const name = await keys.import(provider.id, p.attrs, pair.pkcs1Public, 'perturbed');
          const hash = 'hash' in p.alg && p.alg.hash === 'Sha384' ? digestOf('Sha384', MESSAGE) : digest;
          await expectStatus(client.verifyHash(provider.id, name, p.alg, hash, oracleSig), 'PsaErrorNotPermitted');
        });
      }
    });
  },
);
