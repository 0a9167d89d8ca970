import { randomBytes } from 'node:crypto';
import { credentialFor } from '../../harness/attestation';
import { eccSigningKey, rsaSigningKey } from '../../harness/capabilities';
import { defineSuite, expectStatus } from '../../harness/kit';
import type { AttestationParams, ParsecClient } from '../../harness/wire';

const RSA_KEY = rsaSigningKey(2048, { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' });
const ECC_KEY = eccSigningKey('SecpR1', 256, { alg: 'Ecdsa', hash: 'Sha256' });
/** The reference's credential: 16 bytes of 0x11. */
const CREDENTIAL = Buffer.alloc(16, 0x11);

const params = (credentialBlob: Uint8Array, secret: Uint8Array): AttestationParams => ({
  mechanism: 'ActivateCredential',
  credentialBlob,
  secret,
});

/** PrepareKeyAttestation, then TPM2_MakeCredential in software for the key's Name and the returned EK. */
async function made(client: ParsecClient, provider: number, keyName: string, credential: Uint8Array = CREDENTIAL) {
  const prepared = await client.prepareKeyAttestation(provider, {
    mechanism: 'ActivateCredential',
    attestedKeyName: keyName,
  });
  return credentialFor(prepared, credential);
}

defineSuite(
  {
    name: 'attest-key',
    opcode: 'AttestKey',
    description: 'AttestKey (ActivateCredential) releases a credential made for the key only to that key',
  },
  (s) => {
    s.eachProvider((c, provider) => {
      if (!provider.lists('AttestKey')) {
        const key = c.sharedKey('ecc', (client, name) => client.generateKey(provider.id, name, ECC_KEY));
        c.case('ActivateCredential on an existing ECC P-256 key', async ({ client }) => {
          await expectStatus(
            client.attestKey(provider.id, await key(), params(Buffer.alloc(52, 0xde), Buffer.alloc(256, 0xad))),
            'PsaErrorNotSupported',
          );
        });
        return;
      }
      const rsa = c.sharedKey('rsa2048', (client, name) => client.generateKey(provider.id, name, RSA_KEY));
      const ecc = c.sharedKey('ecc-p256', (client, name) => client.generateKey(provider.id, name, ECC_KEY));
      const opts = { requires: ['PrepareKeyAttestation' as const] };

      for (const [label, key] of [
        ['RSA 2048', rsa],
        ['ECC P-256', ecc],
      ] as const) {
        c.case(
          `${label} key: a 16-byte credential made for its Name`,
          async ({ client }) => {
            const name = await key();
            const cred = await made(client, provider.id, name);
            const out = await client.attestKey(provider.id, name, params(cred.credentialBlob, cred.secret));
            expect(out.mechanism).toBe('ActivateCredential');
            expect(out.credential.toString('hex')).toBe(CREDENTIAL.toString('hex'));
          },
          opts,
        );
      }

      for (const size of [1, 32]) {
        c.case(
          `ECC P-256 key: a ${size}-byte random credential`,
          async ({ client }) => {
            const name = await ecc();
            const credential = randomBytes(size);
            const cred = await made(client, provider.id, name, credential);
            const out = await client.attestKey(provider.id, name, params(cred.credentialBlob, cred.secret));
            expect(out.credential.toString('hex')).toBe(credential.toString('hex'));
          },
          opts,
        );
      }

      c.case('filler credential blob (52 x 0xDE) and filler secret (256 x 0xAD)', async ({ client }) => {
        await expectStatus(
          client.attestKey(provider.id, await rsa(), params(Buffer.alloc(52, 0xde), Buffer.alloc(256, 0xad))),
          'PsaErrorInvalidArgument',
        );
      });

      c.case(
        'filler credential blob with the genuine secret',
        async ({ client }) => {
          const name = await rsa();
          const cred = await made(client, provider.id, name);
          await expectStatus(
            client.attestKey(provider.id, name, params(Buffer.alloc(52, 0xde), cred.secret)),
            'PsaErrorInvalidArgument',
          );
        },
        opts,
      );

      c.case(
        'genuine credential blob with a filler secret',
        async ({ client }) => {
          const name = await rsa();
          const cred = await made(client, provider.id, name);
          await expectStatus(
            client.attestKey(provider.id, name, params(cred.credentialBlob, Buffer.alloc(256, 0xad))),
            'PsaErrorInvalidArgument',
          );
        },
        opts,
      );

      c.case(
        'genuine credential with one flipped bit in the encrypted credential',
        async ({ client }) => {
          const name = await ecc();
          const cred = await made(client, provider.id, name);
          const blob = Buffer.from(cred.credentialBlob);
          blob[blob.length - 1]! ^= 0x01;
          await expectStatus(client.attestKey(provider.id, name, params(blob, cred.secret)), 'PsaErrorInvalidArgument');
        },
        opts,
      );

      c.case(
        "credential made for another key's Name",
        async ({ client }) => {
          // Made for the RSA key, presented by the ECC key: the integrity HMAC covers the Name, so it must not open.
          const cred = await made(client, provider.id, await rsa());
          await expectStatus(
            client.attestKey(provider.id, await ecc(), params(cred.credentialBlob, cred.secret)),
            'PsaErrorInvalidArgument',
          );
        },
        opts,
      );

      c.case('empty credential blob and empty secret', async ({ client }) => {
        await expectStatus(
          client.attestKey(provider.id, await ecc(), params(Buffer.alloc(0), Buffer.alloc(0))),
          'PsaErrorInvalidArgument',
        );
      });

      c.case('an explicit attesting key name', async ({ client, keys }) => {
        // Reference activate_with_key: only the default (endorsement) attesting key is supported.
        await expectStatus(
          client.attestKey(
            provider.id,
            await ecc(),
            params(Buffer.alloc(16, 0x33), Buffer.alloc(16, 0x22)),
            keys.name('attesting'),
          ),
          'PsaErrorNotSupported',
        );
      });

      c.case('a key name that does not exist', async ({ client, keys }) => {
        await expectStatus(
          client.attestKey(provider.id, keys.name('missing'), params(Buffer.alloc(52, 0xde), Buffer.alloc(256, 0xad))),
          'PsaErrorDoesNotExist',
        );
      });
    });
  },
);
