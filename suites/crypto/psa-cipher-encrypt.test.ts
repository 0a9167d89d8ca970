import { randomBytes } from 'node:crypto';
import { defineSuite, expectStatus } from '../../harness/kit';
import { CIPHER_MODES, aesKey } from '../../harness/capabilities';
import { aesCipherDecrypt } from '../../harness/oracle/encryption';
import { OracleError } from '../../harness/oracle/oracle-error';

defineSuite(
  {
    name: 'psa-cipher-encrypt',
    opcode: 'PsaCipherEncrypt',
    description: 'CipherEncrypt output (IV first) decrypts outside, or the operation is refused as not supported',
  },
  (s) => {
    s.eachProvider((c, provider) => {
      const p = provider.id;
      for (const mode of CIPHER_MODES) {
        c.case(`AES-128 ${mode} encryption of 32 bytes`, async ({ client, keys }) => {
          const key = randomBytes(16);
          const pt = randomBytes(32);
          if (!provider.lists('PsaCipherEncrypt')) {
            // The dispatcher refuses an operation the provider does not implement before looking the key up, so the
            // answer is the same whether or not the provider can hold an AES key: use one where it can. Its policy is
            // GCM: on Mbed 1.4.1 an AES key with a cipher-mode policy imports but cannot be destroyed.
            const name = provider.can('Import', aesKey(128, { alg: 'Gcm' }))
              ? await keys.import(p, aesKey(0, { alg: 'Gcm' }), key)
              : keys.name('no-aes');
            await expectStatus(client.cipherEncrypt(p, name, mode, pt), 'PsaErrorNotSupported');
            return;
          }
          const call = async (): Promise<Buffer> => {
            const name = await keys.import(p, aesKey(0, { alg: 'Cipher', cipher: mode }), key);
            return client.cipherEncrypt(p, name, mode, pt);
          };
          if (!provider.can('Use', aesKey(128, { alg: 'Cipher', cipher: mode }))) {
            await expectStatus(call(), 'PsaErrorNotSupported');
            return;
          }
          const got = aesCipherDecrypt(mode, key, await call());
          if (!got.equals(pt)) throw new OracleError(`AES ${mode} output decrypts outside to different bytes`);
        });
      }
    });
  },
);
