import { controlOf, controlUnavailable, defineSuite, expectStatus } from '../../harness/kit';
import { ParsecClient } from '../../harness/wire';
import { keyNames, signAndVerify, SIGNING_KEY } from '../../fixtures/lifecycle/shared';

// Keys live in two places: the backend (Mbed Crypto's files, the token, the TPM's context blobs in the key store) and
// the SQLite key info manager, which maps a client's key name to them. A restart must bring both back: the key is
// listed, usable, and its name stays taken (reference E: [[key_manager]] SQLite, sqlite_db_path).
defineSuite(
  {
    name: 'restart',
    opcode: 'PsaGenerateKey',
    description: 'keys of every provider survive a restart of the service, and their names stay taken',
  },
  (s) => {
    const unavailable = controlUnavailable(s.context);
    s.eachProvider((c, provider) => {
      const skip =
        unavailable ??
        (provider.can('Generate', SIGNING_KEY) && provider.lists('PsaSignHash')
          ? undefined
          : `provider ${provider.label} does not generate ECDSA P-256 signing keys (CanDoCrypto), the key this case makes`);
      c.case(
        'a key made before a restart is listed, signs (checked by the oracle) and exports the same public key after it, and its name cannot be used again',
        async ({ targets, keys, observe }) => {
          const target = await targets.start({ providerOrder: [provider.key] });
          const control = controlOf(target);
          const client = new ParsecClient({ socketPath: target.socketPath, auth: 'unix-peer' });
          const name = keys.name('survives-restart');
          await client.generateKey(provider.id, name, SIGNING_KEY);
          try {
            const publicKey = await client.exportPublicKey(provider.id, name);
            await signAndVerify(client, provider.id, name, publicKey);
            await control.restart();
            const listed = keyNames(await client.listKeys());
            observe({ listedAfterRestart: listed });
            expect(listed).toContain(`${name} (provider ${provider.id})`);
            expect((await client.exportPublicKey(provider.id, name)).equals(publicKey)).toBe(true);
            await signAndVerify(client, provider.id, name, publicKey);
            await expectStatus(client.generateKey(provider.id, name, SIGNING_KEY), 'PsaErrorAlreadyExists');
          } finally {
            await client.destroyKey(provider.id, name);
          }
          await control.restart();
          expect(keyNames(await client.listKeys())).not.toContain(`${name} (provider ${provider.id})`);
        },
        { ownTargets: true, opcode: 'ListKeys', ...(skip ? { skip } : {}) },
      );
    });
  },
);
