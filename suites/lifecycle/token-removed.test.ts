import { controlOf, controlUnavailable, defineSuite, expectStatus } from '../../harness/kit';
import { providerIdOf } from '../../harness/model/providers';
import {
  backendUnavailable,
  clientOf,
  describeMs,
  destroyEveryKey,
  EC_SIGNING_KEY,
  expectPingWithin,
  expectSigns,
  outcomeOf,
  PING_WITHIN_MS,
  pingMs,
  tokenOf,
} from '../faults/fault-support';

// The SoftHSM2 token removed and put back while Parsec runs (issue 9, lifecycle): the token's own folder is moved out
// of SoftHSM2's token directory and back, as a USB token is pulled and plugged in again. While it is away the
// PKCS#11 provider must refuse with a status and the rest of the service must not notice; once it is back, the keys
// on it should serve again.
defineSuite(
  {
    name: 'token-removed',
    opcode: 'PsaSignHash',
    description: 'SoftHSM2 token removed and re-added while Parsec runs',
  },
  (s) => {
    const unavailable = backendUnavailable(s.context, 'token');
    const others = s.context.requestedProviders.filter((k) => k !== 'pkcs11');
    const options = { ownTargets: true, timeoutMs: 60_000, ...(unavailable ? { skip: unavailable } : {}) };

    s.provider('pkcs11', (c, provider) => {
      c.case(
        `with the token removed, a key on it is answered PsaErrorCommunicationFailure, and Ping and the other providers answer`,
        async ({ targets, keys, observe }) => {
          const target = await targets.start({});
          const client = clientOf(target);
          const before = keys.name('before-removal');
          await client.generateKey(provider.id, before, EC_SIGNING_KEY);
          const undo = await tokenOf(target).remove();
          try {
            await expectStatus(
              client.signHash(provider.id, before, { alg: 'Ecdsa', hash: 'Sha256' }, Buffer.alloc(32, 1)),
              'PsaErrorCommunicationFailure',
            );
            const ping = await pingMs(target);
            observe({ pingMsWhileRemoved: describeMs(ping) });
            expectPingWithin(ping, PING_WITHIN_MS, `${tokenOf(target).component}: token removed`);
            for (const key of others) {
              const name = keys.name(`${key}-while-removed`);
              await client.generateKey(providerIdOf(key), name, EC_SIGNING_KEY);
              await expectSigns(client, providerIdOf(key), name);
            }
          } finally {
            await undo();
            await destroyEveryKey(target);
          }
        },
        options,
      );

      c.case(
        'after the token is put back, a key made before signs (checked by the oracle) and a new one is made, without a restart',
        async ({ targets, keys, observe }) => {
          const target = await targets.start({});
          const client = clientOf(target);
          const before = keys.name('before-removal');
          await client.generateKey(provider.id, before, EC_SIGNING_KEY);
          const undo = await tokenOf(target).remove();
          try {
            observe({ signatureWhileRemoved: await outcomeOf(expectSigns(client, provider.id, before)) });
            await undo();
            await expectSigns(client, provider.id, before);
            const after = keys.name('after-put-back');
            await client.generateKey(provider.id, after, EC_SIGNING_KEY);
            await expectSigns(client, provider.id, after);
          } finally {
            await undo();
            await destroyEveryKey(target);
          }
        },
        options,
      );

      const noControl = controlUnavailable(s.context);
      c.case(
        'after the token is put back and Parsec restarted, a key made before signs (checked by the oracle)',
        async ({ targets, keys }) => {
          const target = await targets.start({});
          const client = clientOf(target);
          const before = keys.name('before-removal');
          await client.generateKey(provider.id, before, EC_SIGNING_KEY);
          const undo = await tokenOf(target).remove();
          try {
            await outcomeOf(expectSigns(client, provider.id, before));
            await undo();
            await controlOf(target).restart();
            await expectSigns(client, provider.id, before);
          } finally {
            await undo();
            await destroyEveryKey(target);
          }
        },
        { ...options, ...(noControl && !unavailable ? { skip: noControl } : {}) },
      );
    });
  },
);
