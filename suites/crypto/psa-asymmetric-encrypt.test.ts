import { randomBytes } from 'node:crypto';
import { defineSuite, expectStatus, type ProviderCtx } from '../../harness/kit';
import { RSA_ENCRYPTION_ALGS, rsaEncryptionKey, rsaEncryptionPublicKey } from '../../harness/capabilities';
import { expectRsaCiphertext, rsaEncryptionName, rsaMaxPlaintext } from '../../harness/oracle/encryption';
import { oracleRsaKeyPair } from '../../harness/oracle/keys';
import { OracleError } from '../../harness/oracle/oracle-error';
import type { AsymmetricEncryption, KeyAttributes, ParsecClient } from '../../harness/wire';
import { LABEL, NUL_LABEL, OAEP_SHA256, PKCS1, sharedKeysByAlg } from '../../fixtures/asymmetric-encryption';

/**
 * The key Parsec encrypts with comes from the oracle, so its ciphertexts can be decrypted outside: the whole pair
 * where CanDoCrypto allows importing it, otherwise its public half (every provider imports RSA public keys).
 */
async function importOracleKey(
  client: ParsecClient,
  provider: ProviderCtx,
  name: string,
  bits: number,
  alg: AsymmetricEncryption,
): Promise<void> {
  const pair = oracleRsaKeyPair(bits);
  if (provider.answered('Import', rsaEncryptionKey(bits, alg)) === 'Success') {
    await client.importKey(provider.id, name, rsaEncryptionKey(bits, alg), pair.pkcs1Private);
  } else {
    await client.importKey(provider.id, name, rsaEncryptionPublicKey(bits, alg), pair.pkcs1Public);
  }
}

defineSuite(
  {
    name: 'psa-asymmetric-encrypt',
    opcode: 'PsaAsymmetricEncrypt',
    description: 'AsymmetricEncrypt makes RSA PKCS#1 v1.5 and OAEP ciphertexts that decrypt outside the service',
  },
  (s) => {
    s.eachProvider((c, provider) => {
      const p = provider.id;
      if (!provider.lists('PsaAsymmetricEncrypt')) {
        c.case('RSA 2048 PKCS#1 v1.5 encryption request', async ({ client }) => {
          await expectStatus(
            client.asymmetricEncrypt(p, 'pc-not-listed', PKCS1, Buffer.from('x')),
            'PsaErrorNotSupported',
          );
        });
        return;
      }
      const pair = oracleRsaKeyPair(2048);
      const keyFor = sharedKeysByAlg(c, 'enc', (client, name, alg) =>
        importOracleKey(client, provider, name, 2048, alg),
      );

      for (const alg of RSA_ENCRYPTION_ALGS) {
        const name = rsaEncryptionName(alg);
        const key = keyFor(alg);
        const supported = provider.can('Use', rsaEncryptionKey(2048, alg));
        const max = rsaMaxPlaintext(alg, 2048);
        /** Encrypts and checks outside; where CanDoCrypto says no, the key import or the request must say NotSupported. */
        const encrypts = (title: string, plaintext: () => Buffer, label?: Buffer): void => {
          c.case(title, async ({ client }) => {
            const pt = plaintext();
            const call = async (): Promise<Buffer> => client.asymmetricEncrypt(p, await key(), alg, pt, label);
            if (!supported) {
              await expectStatus(call(), 'PsaErrorNotSupported');
              return;
            }
            const ct = await call();
            expectRsaCiphertext(pair.privateKey, alg, ct, pt, label);
          });
        };
        encrypts(`RSA 2048 ${name} encryption of a 32-byte message`, () => randomBytes(32));
        encrypts(`RSA 2048 ${name} encryption of the longest message (${max} bytes)`, () => randomBytes(max));
        encrypts(`RSA 2048 ${name} encryption of an empty message`, () => Buffer.alloc(0));
        if (alg.alg === 'RsaOaep') {
          encrypts(`RSA 2048 ${name} encryption with a label`, () => randomBytes(32), LABEL);
          encrypts(`RSA 2048 ${name} encryption with a NUL-terminated label`, () => randomBytes(32), NUL_LABEL);
        }
        c.case(
          `RSA 2048 ${name} encryption of a message one byte over the limit (${max + 1} bytes)`,
          async ({ client }) => {
            await expectStatus(
              (async () => client.asymmetricEncrypt(p, await key(), alg, randomBytes(max + 1)))(),
              supported ? 'PsaErrorInvalidArgument' : 'PsaErrorNotSupported',
            );
          },
        );
        c.case(`RSA 2048 ${name} encryption twice gives two different ciphertexts`, async ({ client }) => {
          const pt = randomBytes(16);
          const call = async (): Promise<Buffer> => client.asymmetricEncrypt(p, await key(), alg, pt);
          if (!supported) {
            await expectStatus(call(), 'PsaErrorNotSupported');
            return;
          }
          const [a, b] = [await call(), await call()];
          expectRsaCiphertext(pair.privateKey, alg, a, pt);
          expectRsaCiphertext(pair.privateKey, alg, b, pt);
          if (a.equals(b))
            throw new OracleError(`RSA ${name} padding must be randomised, got the same ciphertext twice`);
        });
      }

      c.case('RSA 2048 PKCS#1 v1.5 encryption with a salt', async ({ client }) => {
        // PSA: for PKCS#1 v1.5 the salt must be empty.
        await expectStatus(
          client.asymmetricEncrypt(p, await keyFor(PKCS1)(), PKCS1, randomBytes(16), LABEL),
          'PsaErrorInvalidArgument',
        );
      });

      for (const bits of [1024, 3072, 4096]) {
        c.case(`RSA ${bits} PKCS#1 v1.5 encryption of a 32-byte message`, async ({ client, keys }) => {
          const name = keys.track(p, keys.name(`rsa${bits}`));
          const pt = randomBytes(32);
          const call = async (): Promise<Buffer> => {
            await importOracleKey(client, provider, name, bits, PKCS1);
            return client.asymmetricEncrypt(p, name, PKCS1, pt);
          };
          if (!provider.can('Use', rsaEncryptionKey(bits, PKCS1))) {
            await expectStatus(call(), 'PsaErrorNotSupported');
            return;
          }
          expectRsaCiphertext(oracleRsaKeyPair(bits).privateKey, PKCS1, await call(), pt);
        });
      }

      // ------------------------------------------------------------------------------------------ negatives
      c.case('encryption with a key name that does not exist', async ({ client, keys }) => {
        await expectStatus(
          client.asymmetricEncrypt(p, keys.name('missing'), PKCS1, randomBytes(8)),
          'PsaErrorDoesNotExist',
        );
      });
      c.case('encryption with an RSA public key lacking the encrypt usage', async ({ client, keys }) => {
        const attrs: KeyAttributes = { ...rsaEncryptionPublicKey(0, PKCS1), policy: { usage: {}, algorithm: PKCS1 } };
        const name = await keys.import(p, attrs, pair.pkcs1Public, 'nousage');
        await expectStatus(client.asymmetricEncrypt(p, name, PKCS1, randomBytes(8)), 'PsaErrorNotPermitted');
      });
      c.case('encryption with an OAEP SHA-256 key requesting PKCS#1 v1.5', async ({ client }) => {
        await expectStatus(
          client.asymmetricEncrypt(p, await keyFor(OAEP_SHA256)(), PKCS1, randomBytes(8)),
          'PsaErrorNotPermitted',
        );
      });
      c.case('encryption with a PKCS#1 v1.5 key requesting OAEP SHA-256', async ({ client }) => {
        await expectStatus(
          client.asymmetricEncrypt(p, await keyFor(PKCS1)(), OAEP_SHA256, randomBytes(8)),
          'PsaErrorNotPermitted',
        );
      });
      c.case('encryption with an OAEP SHA-256 key requesting OAEP SHA-384', async ({ client }) => {
        await expectStatus(
          client.asymmetricEncrypt(p, await keyFor(OAEP_SHA256)(), { alg: 'RsaOaep', hash: 'Sha384' }, randomBytes(8)),
          'PsaErrorNotPermitted',
        );
      });
      c.case('encryption with an RSA signing key that has the encrypt usage', async ({ client, keys }) => {
        const attrs: KeyAttributes = {
          keyType: { type: 'RsaPublicKey' },
          keyBits: 0,
          policy: { usage: { encrypt: true, verifyHash: true }, algorithm: { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' } },
        };
        const name = await keys.import(p, attrs, pair.pkcs1Public, 'signing');
        await expectStatus(client.asymmetricEncrypt(p, name, PKCS1, randomBytes(8)), 'PsaErrorNotPermitted');
      });
      c.case('encryption with an ECC P-256 ECDSA key that has the encrypt usage', async ({ client, keys }) => {
        const name = await keys.generate(p, {
          keyType: { type: 'EccKeyPair', curveFamily: 'SecpR1' },
          keyBits: 256,
          policy: { usage: { encrypt: true, signHash: true }, algorithm: { alg: 'Ecdsa', hash: 'Sha256' } },
        });
        await expectStatus(client.asymmetricEncrypt(p, name, PKCS1, randomBytes(8)), 'PsaErrorNotPermitted');
      });
      c.case('encryption with an ECC P-256 key whose policy names PKCS#1 v1.5 encryption', async ({ client, keys }) => {
        // PSA: an ECC key is not compatible with an RSA algorithm, so either creating such a key or using it is
        // an invalid argument.
        await expectStatus(
          (async () => {
            const name = await keys.generate(p, {
              keyType: { type: 'EccKeyPair', curveFamily: 'SecpR1' },
              keyBits: 256,
              policy: { usage: { encrypt: true, decrypt: true }, algorithm: PKCS1 },
            });
            return client.asymmetricEncrypt(p, name, PKCS1, randomBytes(8));
          })(),
          'PsaErrorInvalidArgument',
        );
      });
    });
  },
);
