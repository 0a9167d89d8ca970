import { randomBytes } from 'node:crypto';
import { defineSuite, expectStatus, type ProviderCtx } from '../../harness/kit';
import { aesKey } from '../../harness/capabilities';
import { aeadName, expectAeadCiphertext } from '../../harness/oracle/encryption';
import type { Aead, KeyAttributes } from '../../harness/wire';
import {
  aes128,
  CCM,
  CHACHA,
  freshInput,
  GCM,
  keyAttrs,
  keyLabel,
  nonceLength,
  VARIANTS,
  type Variant,
} from '../../fixtures/aead';

defineSuite(
  {
    name: 'psa-aead-encrypt',
    opcode: 'PsaAeadEncrypt',
    description: 'AeadEncrypt gives the same ciphertext and tag as Node for GCM, CCM and ChaCha20-Poly1305',
  },
  (s) => {
    s.eachProvider((c, provider: ProviderCtx) => {
      const p = provider.id;
      if (!provider.lists('PsaAeadEncrypt')) {
        c.case('AES-128 GCM encryption request', async ({ client, keys }) => {
          await expectStatus(
            client.aeadEncrypt(p, keys.name('aes'), GCM, randomBytes(12), Buffer.alloc(0), randomBytes(16)),
            'PsaErrorNotSupported',
          );
        });
        return;
      }

      /** Imports oracle key bytes, encrypts, and checks the answer against Node. */
      const encrypts = (title: string, v: Variant, nonce: number, aad: number, plaintext: number): void => {
        c.case(title, async ({ client, keys }) => {
          const input = freshInput(v, nonce, aad);
          const pt = randomBytes(plaintext);
          const call = async (): Promise<Buffer> => {
            const name = await keys.import(p, keyAttrs(v.alg, v.bits), input.key);
            return client.aeadEncrypt(p, name, v.alg, input.nonce, input.aad, pt);
          };
          if (!provider.can('Use', keyAttrs(v.alg, v.bits))) {
            await expectStatus(call(), 'PsaErrorNotSupported');
            return;
          }
          expectAeadCiphertext(input, pt, await call());
        });
      };
      /** A request that must be refused with this status (the key import included). */
      const refuses = (
        title: string,
        status: 'PsaErrorInvalidArgument' | 'PsaErrorNotPermitted',
        key: KeyAttributes,
        alg: Aead,
        nonce: number,
      ): void => {
        c.case(title, async ({ client, keys }) => {
          await expectStatus(
            (async () => {
              const name = await keys.import(p, { ...key, keyBits: 0 }, randomBytes(key.keyBits / 8));
              return client.aeadEncrypt(p, name, alg, randomBytes(nonce), randomBytes(8), randomBytes(16));
            })(),
            status,
          );
        });
      };

      for (const v of VARIANTS) {
        const what = `${keyLabel(v.alg, v.bits)} ${aeadName(v.alg)}`;
        encrypts(`${what} encryption of 24 bytes with 32 bytes of AAD`, v, nonceLength(v.alg), 32, 24);
      }
      encrypts('AES-128 GCM encryption with empty AAD', aes128(GCM), 12, 0, 24);
      encrypts('AES-128 CCM encryption with empty AAD', aes128(CCM), 13, 0, 24);
      encrypts('ChaCha20 ChaCha20-Poly1305 encryption with empty AAD', { alg: CHACHA, bits: 256 }, 12, 0, 24);
      encrypts('AES-128 GCM encryption of an empty message', aes128(GCM), 12, 16, 0);
      encrypts('AES-128 GCM encryption of 1000 bytes', aes128(GCM), 12, 16, 1000);
      for (const n of [8, 16]) encrypts(`AES-128 GCM encryption with a ${n}-byte nonce`, aes128(GCM), n, 16, 24);
      for (const n of [7, 10]) encrypts(`AES-128 CCM encryption with a ${n}-byte nonce`, aes128(CCM), n, 16, 24);

      // PSA: CCM nonces are 7..13 bytes, GCM nonces at least 1 byte, ChaCha20-Poly1305 nonces 12 bytes.
      for (const n of [4, 6, 14, 16]) {
        refuses(`AES-128 CCM encryption with a ${n}-byte nonce`, 'PsaErrorInvalidArgument', aesKey(128, CCM), CCM, n);
      }
      refuses('AES-128 GCM encryption with an empty nonce', 'PsaErrorInvalidArgument', aesKey(128, GCM), GCM, 0);
      refuses(
        'ChaCha20 ChaCha20-Poly1305 encryption with a 16-byte nonce',
        'PsaErrorInvalidArgument',
        keyAttrs(CHACHA, 256),
        CHACHA,
        16,
      );
      // PSA: CCM tags are 4..16 bytes (even), GCM tags 4..16 bytes.
      for (const [alg, tag] of [
        ['Ccm', 3],
        ['Ccm', 17],
        ['Gcm', 17],
      ] as const) {
        const a: Aead = { alg, tagLength: tag };
        refuses(
          `AES-128 ${alg.toUpperCase()} encryption with a ${tag}-byte tag`,
          'PsaErrorInvalidArgument',
          aesKey(128, a),
          a,
          nonceLength(a),
        );
      }
      refuses(
        'AES-128 GCM encryption with a key lacking the encrypt usage',
        'PsaErrorNotPermitted',
        keyAttrs(GCM, 128, { decrypt: true }),
        GCM,
        12,
      );
      refuses('AES-128 CCM encryption with a GCM key', 'PsaErrorNotPermitted', aesKey(128, GCM), CCM, 13);
      refuses(
        'AES-128 GCM encryption with a 12-byte tag under a default-tag GCM key',
        'PsaErrorNotPermitted',
        aesKey(128, GCM),
        { alg: 'Gcm', tagLength: 12 },
        12,
      );
      c.case('AES-128 GCM encryption with a key name that does not exist', async ({ client, keys }) => {
        await expectStatus(
          client.aeadEncrypt(p, keys.name('missing'), GCM, randomBytes(12), Buffer.alloc(0), randomBytes(16)),
          'PsaErrorDoesNotExist',
        );
      });
    });
  },
);
