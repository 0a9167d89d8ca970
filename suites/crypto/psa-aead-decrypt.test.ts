import { randomBytes } from 'node:crypto';
import { defineSuite, expectStatus, type ProviderCtx } from '../../harness/kit';
import { aesKey } from '../../harness/capabilities';
import { aeadEncrypt, aeadName, type AeadInput } from '../../harness/oracle/encryption';
import { OracleError } from '../../harness/oracle/oracle-error';
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

const flip = (b: Uint8Array, i: number): Buffer => {
  const out = Buffer.from(b);
  const at = i < 0 ? out.length + i : i;
  out[at] = (out[at] ?? 0) ^ 0x01;
  return out;
};

/** One field of a good request changed: what the decrypting side sees differs from what Node encrypted. */
type Tamper = (input: AeadInput, ct: Buffer) => { input: AeadInput; ct: Buffer };
const TAMPERS: readonly (readonly [string, Tamper])[] = [
  ['a flipped tag bit', (input, ct) => ({ input, ct: flip(ct, -1) })],
  ['a flipped ciphertext bit', (input, ct) => ({ input, ct: flip(ct, 0) })],
  ['a different nonce', (input, ct) => ({ input: { ...input, nonce: flip(input.nonce, 0) }, ct })],
  ['different AAD', (input, ct) => ({ input: { ...input, aad: flip(input.aad, 3) }, ct })],
  ['AAD left out', (input, ct) => ({ input: { ...input, aad: Buffer.alloc(0) }, ct })],
];

defineSuite(
  {
    name: 'psa-aead-decrypt',
    opcode: 'PsaAeadDecrypt',
    description: 'AeadDecrypt opens what Node sealed and rejects any tampered field as an invalid signature',
  },
  (s) => {
    s.eachProvider((c, provider: ProviderCtx) => {
      const p = provider.id;
      if (!provider.lists('PsaAeadDecrypt')) {
        c.case('AES-128 GCM decryption request', async ({ client, keys }) => {
          await expectStatus(
            client.aeadDecrypt(p, keys.name('aes'), GCM, randomBytes(12), Buffer.alloc(0), randomBytes(32)),
            'PsaErrorNotSupported',
          );
        });
        return;
      }

      /** Node encrypts; the service must give the plaintext back. */
      const decrypts = (title: string, v: Variant, nonce: number, aad: number, plaintext: number): void => {
        c.case(title, async ({ client, keys }) => {
          const input = freshInput(v, nonce, aad);
          const pt = randomBytes(plaintext);
          const call = async (): Promise<Buffer> => {
            const name = await keys.import(p, keyAttrs(v.alg, v.bits), input.key);
            return client.aeadDecrypt(p, name, v.alg, input.nonce, input.aad, aeadEncrypt(input, pt));
          };
          if (!provider.can('Use', keyAttrs(v.alg, v.bits))) {
            await expectStatus(call(), 'PsaErrorNotSupported');
            return;
          }
          const got = await call();
          if (!got.equals(pt)) {
            throw new OracleError(
              `${aeadName(v.alg)} decryption gave ${got.length} bytes that differ from the plaintext`,
            );
          }
        });
      };

      for (const v of VARIANTS) {
        const what = `${keyLabel(v.alg, v.bits)} ${aeadName(v.alg)}`;
        decrypts(`${what} decryption of 24 bytes with 32 bytes of AAD`, v, nonceLength(v.alg), 32, 24);
      }
      decrypts('AES-128 GCM decryption with empty AAD', aes128(GCM), 12, 0, 24);
      decrypts('AES-128 GCM decryption of a tag-only ciphertext (empty message)', aes128(GCM), 12, 16, 0);
      decrypts('AES-128 CCM decryption with a 7-byte nonce', aes128(CCM), 7, 16, 24);
      decrypts('AES-128 GCM decryption with a 16-byte nonce', aes128(GCM), 16, 16, 24);

      for (const v of [aes128(GCM), aes128(CCM), { alg: CHACHA, bits: 256 }, aes128({ alg: 'Ccm', tagLength: 8 })]) {
        for (const [how, tamper] of TAMPERS) {
          c.case(`${keyLabel(v.alg, v.bits)} ${aeadName(v.alg)} decryption with ${how}`, async ({ client, keys }) => {
            const good = freshInput(v, nonceLength(v.alg), 16);
            const { input, ct } = tamper(good, aeadEncrypt(good, randomBytes(24)));
            await expectStatus(
              (async () => {
                const name = await keys.import(p, keyAttrs(v.alg, v.bits), good.key);
                return client.aeadDecrypt(p, name, v.alg, input.nonce, input.aad, ct);
              })(),
              // PSA answers an authentication failure with INVALID_SIGNATURE.
              provider.can('Use', keyAttrs(v.alg, v.bits)) ? 'PsaErrorInvalidSignature' : 'PsaErrorNotSupported',
            );
          });
        }
      }

      const refuses = (
        title: string,
        status: 'PsaErrorInvalidArgument' | 'PsaErrorNotPermitted',
        key: KeyAttributes,
        alg: Aead,
        nonce: number,
        ciphertext: number,
      ): void => {
        c.case(title, async ({ client, keys }) => {
          await expectStatus(
            (async () => {
              const name = await keys.import(p, { ...key, keyBits: 0 }, randomBytes(key.keyBits / 8));
              return client.aeadDecrypt(p, name, alg, randomBytes(nonce), randomBytes(8), randomBytes(ciphertext));
            })(),
            status,
          );
        });
      };
      refuses(
        'AES-128 GCM decryption of a ciphertext shorter than the tag',
        'PsaErrorInvalidArgument',
        aesKey(128, GCM),
        GCM,
        12,
        15,
      );
      refuses('AES-128 CCM decryption with a 4-byte nonce', 'PsaErrorInvalidArgument', aesKey(128, CCM), CCM, 4, 32);
      refuses('AES-128 CCM decryption with a 16-byte nonce', 'PsaErrorInvalidArgument', aesKey(128, CCM), CCM, 16, 32);
      refuses(
        'AES-128 GCM decryption with a key lacking the decrypt usage',
        'PsaErrorNotPermitted',
        keyAttrs(GCM, 128, { encrypt: true }),
        GCM,
        12,
        32,
      );
      refuses('AES-128 GCM decryption with a CCM key', 'PsaErrorNotPermitted', aesKey(128, CCM), GCM, 12, 32);
      c.case('AES-128 GCM decryption with a key name that does not exist', async ({ client, keys }) => {
        await expectStatus(
          client.aeadDecrypt(p, keys.name('missing'), GCM, randomBytes(12), Buffer.alloc(0), randomBytes(32)),
          'PsaErrorDoesNotExist',
        );
      });
    });
  },
);
