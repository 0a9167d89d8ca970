import { eccSigningKey } from '../../harness/capabilities';
import { defineSuite, expectStatus } from '../../harness/kit';
import { oracleEcKeyPair } from '../../harness/oracle/keys';
import { checkEcdsaSignature } from '../../harness/oracle/signatures';
import { ECDSA_SHA256, exportedEcKey, MESSAGE, P256, withUsage } from '../../fixtures/signatures/shared';

const MESSAGE_USAGE = { signMessage: true, verifyMessage: true };

defineSuite(
  { name: 'psa-sign-message', opcode: 'PsaSignMessage', description: 'SignMessage hashes and signs in one request' },
  (s) => {
    s.eachProvider((c, provider) => {
      const listed = provider.lists('PsaSignMessage');
      c.case('ECDSA SecpR1 256 SHA-256 message signature', async ({ client, keys }) => {
        const name = await keys.generate(
          provider.id,
          withUsage(eccSigningKey('SecpR1', 256, ECDSA_SHA256), MESSAGE_USAGE),
          'ecdsa',
        );
        const call = client.signMessage(provider.id, name, ECDSA_SHA256, MESSAGE);
        if (!listed) {
          await expectStatus(call, 'PsaErrorNotSupported');
          return;
        }
        checkEcdsaSignature(P256, await exportedEcKey(client, provider, name, P256), 'Sha256', MESSAGE, await call);
      });
      if (!listed) return;
      c.case('ECDSA SecpR1 256 key pair made by the oracle signs a message', async ({ client, keys }) => {
        const pair = oracleEcKeyPair(P256);
        const name = await keys.import(
          provider.id,
          withUsage(eccSigningKey('SecpR1', 256, ECDSA_SHA256), MESSAGE_USAGE),
          pair.scalar,
          'imported',
        );
        checkEcdsaSignature(
          P256,
          pair.publicKey,
          'Sha256',
          MESSAGE,
          await client.signMessage(provider.id, name, ECDSA_SHA256, MESSAGE),
        );
      });
      c.case('SecpR1 256 key with verify_message usage only', async ({ client, keys }) => {
        const name = await keys.generate(
          provider.id,
          withUsage(eccSigningKey('SecpR1', 256, ECDSA_SHA256), { verifyMessage: true }),
          'perturbed',
        );
        await expectStatus(client.signMessage(provider.id, name, ECDSA_SHA256, MESSAGE), 'PsaErrorNotPermitted');
      });
      c.case('message sign with a key name that does not exist', async ({ client, keys }) => {
        await expectStatus(
          client.signMessage(provider.id, keys.name('missing'), ECDSA_SHA256, MESSAGE),
          'PsaErrorDoesNotExist',
        );
      });
    });
  },
);
