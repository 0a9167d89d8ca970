import { eccSigningKey } from '../../harness/capabilities';
import { defineSuite, expectStatus } from '../../harness/kit';
import { oracleEcKeyPair } from '../../harness/oracle/keys';
import { flipBit, oracleEcdsaSign } from '../../harness/oracle/signatures';
import { ECDSA_SHA256, MESSAGE, P256, publicOf, withUsage } from '../../fixtures/signatures/shared';

defineSuite(
  {
    name: 'psa-verify-message',
    opcode: 'PsaVerifyMessage',
    description: 'VerifyMessage hashes and verifies in one request',
  },
  (s) => {
    s.eachProvider((c, provider) => {
      const listed = provider.lists('PsaVerifyMessage');
      const ec = oracleEcKeyPair(P256);
      const ecSig = oracleEcdsaSign(ec.privateKey, 'Sha256', MESSAGE);
      const ecPublic = publicOf(eccSigningKey('SecpR1', 256, ECDSA_SHA256), { verifyMessage: true });
      c.case('ECDSA SecpR1 256 SHA-256 message signature made by the oracle', async ({ client, keys }) => {
        const name = await keys.import(provider.id, ecPublic, ec.point, 'ecdsa');
        const call = client.verifyMessage(provider.id, name, ECDSA_SHA256, MESSAGE, ecSig);
        await (listed ? call : expectStatus(call, 'PsaErrorNotSupported'));
      });
      if (!listed) return;
      c.case('ECDSA SecpR1 256 SHA-256 message signature with one bit flipped', async ({ client, keys }) => {
        const name = await keys.import(provider.id, ecPublic, ec.point, 'ecdsa');
        await expectStatus(
          client.verifyMessage(provider.id, name, ECDSA_SHA256, MESSAGE, flipBit(ecSig, 10)),
          'PsaErrorInvalidSignature',
        );
      });
      c.case('SecpR1 256 public key with verify_hash usage only', async ({ client, keys }) => {
        const name = await keys.import(provider.id, withUsage(ecPublic, { verifyHash: true }), ec.point, 'perturbed');
        // VERIFY_HASH implies VERIFY_MESSAGE (PSA Crypto API 1.0 usage flags).
        await client.verifyMessage(provider.id, name, ECDSA_SHA256, MESSAGE, ecSig);
      });
      c.case('SecpR1 256 public key with sign_message usage only', async ({ client, keys }) => {
        const name = await keys.import(provider.id, withUsage(ecPublic, { signMessage: true }), ec.point, 'perturbed');
        await expectStatus(
          client.verifyMessage(provider.id, name, ECDSA_SHA256, MESSAGE, ecSig),
          'PsaErrorNotPermitted',
        );
      });
      c.case('message verify with a key name that does not exist', async ({ client, keys }) => {
        await expectStatus(
          client.verifyMessage(provider.id, keys.name('missing'), ECDSA_SHA256, MESSAGE, ecSig),
          'PsaErrorDoesNotExist',
        );
      });
    });
  },
);
