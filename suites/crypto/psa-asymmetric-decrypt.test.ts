import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { defineSuite, expectStatus, type ProviderCtx } from '../../harness/kit';
import { RSA_ENCRYPTION_ALGS, rsaEncryptionKey } from '../../harness/capabilities';
import { rsaEncrypt, rsaEncryptionName, rsaMaxPlaintext } from '../../harness/oracle/encryption';
import { oracleRsaKeyPair, parseRsaPublicKey } from '../../harness/oracle/keys';
import { OracleError } from '../../harness/oracle/oracle-error';
import type { AsymmetricEncryption, KeyAttributes, ParsecClient } from '../../harness/wire';
import { LABEL, NUL_LABEL, OAEP_SHA256, PKCS1, sharedKeysByAlg } from '../../fixtures/asymmetric-encryption';

let stranger: KeyObject | undefined;
/** The public half of an RSA 2048 key no provider holds (for "encrypted for another key"). */
function strangerKey(): KeyObject {
  stranger ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  return stranger;
}

function expectPlaintext(what: string, got: Buffer, sent: Uint8Array): void {
  if (!got.equals(Buffer.from(sent))) {
    throw new OracleError(`${what}: decrypted ${got.length} bytes that differ from the ${sent.length} bytes encrypted`);
  }
}

/** SHA-1 OAEP keys cannot be generated while allow_deprecated is false; only an import brings one in. */
function keySource(provider: ProviderCtx, bits: number, alg: AsymmetricEncryption): 'import' | 'generate' | 'none' {
  // Whether the service takes the key, as it said itself (a token of the user's may lack the mechanism to use it).
  if (provider.answered('Import', rsaEncryptionKey(bits, alg)) === 'Success') return 'import';
  return alg.alg === 'RsaOaep' && alg.hash === 'Sha1' ? 'none' : 'generate';
}

async function makeKey(
  client: ParsecClient,
  provider: ProviderCtx,
  name: string,
  bits: number,
  alg: AsymmetricEncryption,
) {
  if (keySource(provider, bits, alg) === 'import') {
    await client.importKey(provider.id, name, rsaEncryptionKey(bits, alg), oracleRsaKeyPair(bits).pkcs1Private);
  } else {
    await client.generateKey(provider.id, name, rsaEncryptionKey(bits, alg));
  }
}

defineSuite(
  {
    name: 'psa-asymmetric-decrypt',
    opcode: 'PsaAsymmetricDecrypt',
    description: 'AsymmetricDecrypt recovers what was RSA-encrypted outside and refuses bad ciphertexts precisely',
  },
  (s) => {
    s.eachProvider((c, provider) => {
      const p = provider.id;
      if (!provider.lists('PsaAsymmetricDecrypt')) {
        c.case('RSA 2048 PKCS#1 v1.5 decryption request', async ({ client }) => {
          await expectStatus(
            client.asymmetricDecrypt(p, 'pc-not-listed', PKCS1, Buffer.alloc(256, 1)),
            'PsaErrorNotSupported',
          );
        });
        return;
      }
      const keyFor = sharedKeysByAlg(c, 'dec', (client, name, alg) => makeKey(client, provider, name, 2048, alg));

      c.case(
        'RSA 2048 OAEP SHA-1 key generation for decryption',
        async ({ keys }) => {
          // Parsec refuses to generate keys for deprecated primitives unless allow_deprecated is set (config test
          // reject_deprecated); the harness runs Parsec with the default.
          await expectStatus(
            keys.generate(p, rsaEncryptionKey(2048, { alg: 'RsaOaep', hash: 'Sha1' })),
            'DeprecatedPrimitive',
          );
        },
        { opcode: 'PsaGenerateKey' },
      );

      for (const alg of RSA_ENCRYPTION_ALGS) {
        const name = rsaEncryptionName(alg);
        const key = keyFor(alg);
        const supported = provider.can('Use', rsaEncryptionKey(2048, alg));
        const skip =
          keySource(provider, 2048, alg) === 'none'
            ? `no RSA 2048 ${name} key pair can be made on ${provider.label}: generation is refused as deprecated and CanDoCrypto answers ${provider.answered('Import', rsaEncryptionKey(2048, alg))} to importing one`
            : undefined;
        const opts = skip ? { skip } : {};
        const publicKey = async (client: ParsecClient): Promise<KeyObject> =>
          parseRsaPublicKey(await client.exportPublicKey(p, await key())).key;
        /** Encrypts outside with the exported public key; the service must give the plaintext back. */
        const decrypts = (title: string, plaintext: () => Buffer, label?: Buffer): void => {
          c.case(
            title,
            async ({ client }) => {
              const pt = plaintext();
              const call = async (): Promise<Buffer> => {
                const ct = rsaEncrypt(await publicKey(client), alg, pt, label);
                return client.asymmetricDecrypt(p, await key(), alg, ct, label);
              };
              if (!supported) {
                await expectStatus(call(), 'PsaErrorNotSupported');
                return;
              }
              expectPlaintext(`RSA 2048 ${name}`, await call(), pt);
            },
            opts,
          );
        };
        /** Sends a bad ciphertext (made from a good one) and expects this status. */
        const refuses = (
          title: string,
          status: 'PsaErrorInvalidPadding' | 'PsaErrorInvalidArgument',
          make: (pub: KeyObject) => { ct: Buffer; label?: Buffer },
        ): void => {
          c.case(
            title,
            async ({ client }) => {
              const call = async (): Promise<Buffer> => {
                const { ct, label } = make(await publicKey(client));
                return client.asymmetricDecrypt(p, await key(), alg, ct, label);
              };
              await expectStatus(call(), supported ? status : 'PsaErrorNotSupported');
            },
            opts,
          );
        };
        decrypts(`RSA 2048 ${name} decryption of a 32-byte message encrypted outside`, () => randomBytes(32));
        decrypts(`RSA 2048 ${name} decryption of the longest message encrypted outside`, () =>
          randomBytes(rsaMaxPlaintext(alg, 2048)),
        );
        decrypts(`RSA 2048 ${name} decryption of an empty message encrypted outside`, () => Buffer.alloc(0));
        if (alg.alg === 'RsaOaep') {
          decrypts(`RSA 2048 ${name} decryption with a label`, () => randomBytes(32), LABEL);
          decrypts(`RSA 2048 ${name} decryption with a NUL-terminated label`, () => randomBytes(32), NUL_LABEL);
          refuses(`RSA 2048 ${name} decryption under a different label`, 'PsaErrorInvalidPadding', (pub) => ({
            ct: rsaEncrypt(pub, alg, randomBytes(32), LABEL),
            label: Buffer.from('another label'),
          }));
        }
        refuses(`RSA 2048 ${name} decryption of a ciphertext with byte 20 flipped`, 'PsaErrorInvalidPadding', (pub) => {
          const ct = rsaEncrypt(pub, alg, randomBytes(32));
          ct[20] = (ct[20] ?? 0) ^ 0x01;
          return { ct };
        });
        refuses(`RSA 2048 ${name} decryption of a ciphertext one byte short`, 'PsaErrorInvalidArgument', (pub) => ({
          ct: rsaEncrypt(pub, alg, randomBytes(32)).subarray(1),
        }));
        refuses(`RSA 2048 ${name} decryption of a ciphertext one byte long`, 'PsaErrorInvalidArgument', (pub) => ({
          ct: Buffer.concat([rsaEncrypt(pub, alg, randomBytes(32)), Buffer.alloc(1)]),
        }));
        refuses(
          `RSA 2048 ${name} decryption of a message encrypted for another key`,
          'PsaErrorInvalidPadding',
          (pub) => {
            // Keep the foreign ciphertext below this key's modulus: a larger one is out of range (an invalid argument),
            // which is not what this case is about.
            const n = Buffer.from(pub.export({ format: 'jwk' }).n as string, 'base64url');
            for (let i = 0; i < 64; i += 1) {
              const ct = rsaEncrypt(strangerKey(), alg, randomBytes(32));
              if (Buffer.compare(ct, n) < 0) return { ct };
            }
            throw new OracleError('could not make a foreign ciphertext below the modulus in 64 tries');
          },
        );
        c.case(
          `RSA 2048 ${name} round trip through the service`,
          async ({ client }) => {
            const pt = randomBytes(24);
            const call = async (): Promise<Buffer> => {
              const ct = await client.asymmetricEncrypt(p, await key(), alg, pt);
              return client.asymmetricDecrypt(p, await key(), alg, ct);
            };
            if (!supported) {
              await expectStatus(call(), 'PsaErrorNotSupported');
              return;
            }
            expectPlaintext(`RSA 2048 ${name} round trip`, await call(), pt);
          },
          opts,
        );
      }

      c.case('RSA 2048 PKCS#1 v1.5 decryption with a salt', async ({ client }) => {
        const ct = rsaEncrypt(
          parseRsaPublicKey(await client.exportPublicKey(p, await keyFor(PKCS1)())).key,
          PKCS1,
          randomBytes(8),
        );
        await expectStatus(
          client.asymmetricDecrypt(p, await keyFor(PKCS1)(), PKCS1, ct, LABEL),
          'PsaErrorInvalidArgument',
        );
      });

      c.case('RSA 1024 PKCS#1 v1.5 decryption of a message encrypted outside', async ({ client, keys }) => {
        const name = keys.track(p, keys.name('rsa1024'));
        const pt = randomBytes(32);
        const call = async (): Promise<Buffer> => {
          await makeKey(client, provider, name, 1024, PKCS1);
          const ct = rsaEncrypt(parseRsaPublicKey(await client.exportPublicKey(p, name)).key, PKCS1, pt);
          return client.asymmetricDecrypt(p, name, PKCS1, ct);
        };
        if (!provider.can('Use', rsaEncryptionKey(1024, PKCS1))) {
          await expectStatus(call(), 'PsaErrorNotSupported');
          return;
        }
        expectPlaintext('RSA 1024 PKCS#1 v1.5', await call(), pt);
      });

      // ------------------------------------------------------------------------------------------ negatives
      c.case('decryption with a key name that does not exist', async ({ client, keys }) => {
        await expectStatus(
          client.asymmetricDecrypt(p, keys.name('missing'), PKCS1, Buffer.alloc(256, 1)),
          'PsaErrorDoesNotExist',
        );
      });
      c.case('decryption with an RSA key pair lacking the decrypt usage', async ({ client, keys }) => {
        const attrs: KeyAttributes = {
          ...rsaEncryptionKey(1024, PKCS1),
          policy: { usage: { encrypt: true }, algorithm: PKCS1 },
        };
        const name = await keys.generate(p, attrs, 'encrypt-only');
        const ct = await client.asymmetricEncrypt(p, name, PKCS1, randomBytes(8));
        await expectStatus(client.asymmetricDecrypt(p, name, PKCS1, ct), 'PsaErrorNotPermitted');
      });
      c.case('decryption with an OAEP SHA-256 key requesting PKCS#1 v1.5', async ({ client }) => {
        await expectStatus(
          client.asymmetricDecrypt(p, await keyFor(OAEP_SHA256)(), PKCS1, Buffer.alloc(256, 1)),
          'PsaErrorNotPermitted',
        );
      });
      c.case('decryption with a PKCS#1 v1.5 key requesting OAEP SHA-256', async ({ client }) => {
        await expectStatus(
          client.asymmetricDecrypt(p, await keyFor(PKCS1)(), OAEP_SHA256, Buffer.alloc(256, 1)),
          'PsaErrorNotPermitted',
        );
      });
      c.case('decryption with an RSA signing key that has the decrypt usage', async ({ client, keys }) => {
        const name = await keys.generate(p, {
          keyType: { type: 'RsaKeyPair' },
          keyBits: 1024,
          policy: { usage: { decrypt: true, signHash: true }, algorithm: { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' } },
        });
        await expectStatus(client.asymmetricDecrypt(p, name, PKCS1, Buffer.alloc(128, 1)), 'PsaErrorNotPermitted');
      });
      c.case('decryption with an imported RSA public key', async ({ client, keys }) => {
        // PSA: decryption needs the private key; a public key is not a valid key for it.
        const name = await keys.import(
          p,
          {
            keyType: { type: 'RsaPublicKey' },
            keyBits: 0,
            policy: { usage: { encrypt: true, decrypt: true }, algorithm: PKCS1 },
          },
          oracleRsaKeyPair(2048).pkcs1Public,
        );
        await expectStatus(client.asymmetricDecrypt(p, name, PKCS1, Buffer.alloc(256, 1)), 'PsaErrorInvalidArgument');
      });
      c.case('decryption with an ECC P-256 ECDSA key that has the decrypt usage', async ({ client, keys }) => {
        const name = await keys.generate(p, {
          keyType: { type: 'EccKeyPair', curveFamily: 'SecpR1' },
          keyBits: 256,
          policy: { usage: { decrypt: true, signHash: true }, algorithm: { alg: 'Ecdsa', hash: 'Sha256' } },
        });
        await expectStatus(client.asymmetricDecrypt(p, name, PKCS1, Buffer.alloc(64, 1)), 'PsaErrorNotPermitted');
      });
      c.case('decryption with an ECC P-256 key whose policy names PKCS#1 v1.5 encryption', async ({ client, keys }) => {
        await expectStatus(
          (async () => {
            const name = await keys.generate(p, {
              keyType: { type: 'EccKeyPair', curveFamily: 'SecpR1' },
              keyBits: 256,
              policy: { usage: { encrypt: true, decrypt: true }, algorithm: PKCS1 },
            });
            return client.asymmetricDecrypt(p, name, PKCS1, Buffer.alloc(64, 1));
          })(),
          'PsaErrorInvalidArgument',
        );
      });
    });
  },
);
