import { randomBytes } from 'node:crypto';
import { defineSuite, expectStatus } from '../../harness/kit';
import { CIPHER_MODES, aesKey } from '../../harness/capabilities';
import { aesCipherEncrypt } from '../../harness/oracle/encryption';
import { OracleError } from '../../harness/oracle/oracle-error';

defineSuite(
  {
    name: 'psa-cipher-decrypt',
    opcode: 'PsaCipherDecrypt',
    description: 'CipherDecrypt recovers what Node encrypted (IV first), or the operation is refused as not supported',
  },
  (s) => {
    s.eachProvider((c, provider) => {
      const p = provider.id;
      for (const mode of CIPHER_MODES) {
        c.case(`AES-128 ${mode} decryption of 32 bytes encrypted outside`, async ({ client, keys }) => {
          const key = randomBytes(16);
          const pt = randomBytes(32);
          const ct = aesCipherEncrypt(mode, key, randomBytes(16), pt);
          if (!provider.lists('PsaCipherDecrypt')) {
            // Refused before the key is looked up; an AES key is used where the provider can hold one (with a GCM
            // policy: on Mbed 1.4.1 an AES key with a cipher-mode policy imports but cannot be destroyed).
            const name = provider.can('Import', aesKey(128, { alg: 'Gcm' }))
              ? await keys.import(p, aesKey(0, { alg: 'Gcm' }), key)
              : keys.name('no-aes');
            await expectStatus(client.cipherDecrypt(p, name, mode, ct), 'PsaErrorNotSupported');
            return;
          }
          const call = async (): Promise<Buffer> => {
            const name = await keys.import(p, aesKey(0, { alg: 'Cipher', cipher: mode }), key);
            return client.cipherDecrypt(p, name, mode, ct);
          };
          if (!provider.can('Use', aesKey(128, { alg: 'Cipher', cipher: mode }))) {
            await expectStatus(call(), 'PsaErrorNotSupported');
            return;
          }
          const got = await call();
          if (!got.equals(pt))
            throw new OracleError(`AES ${mode} decryption gave bytes that differ from the plaintext`);
        });
      }
    });
  },
);
