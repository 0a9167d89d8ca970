import { controlOf, controlUnavailable, defineSuite, expectStatus } from '../../harness/kit';
import {
  backendUnavailable,
  EC_SIGNING_KEY,
  expectOthersAnswer,
  expectSigns,
  faultCase,
  outcomeOf,
  tokenOf,
  type FaultFrame,
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
      /** The token away until the case ends (or `putBack` is called); putting back twice is harmless. */
      const remove = async (f: FaultFrame) => {
        const putBack = await tokenOf(f.target).remove();
        f.atEnd(putBack);
        return putBack;
      };

      c.case(
        `with the token removed, a key on it is answered PsaErrorCommunicationFailure, and Ping and the other providers answer`,
        async ({ targets, keys, observe }) => {
          const before = keys.name('before-removal');
          await faultCase(
            targets,
            async (f) => {
              await remove(f);
              await expectStatus(
                f.client.signHash(provider.id, before, { alg: 'Ecdsa', hash: 'Sha256' }, Buffer.alloc(32, 1)),
                'PsaErrorCommunicationFailure',
              );
              await expectOthersAnswer(f, { keys, observe }, others, {
                situation: `${tokenOf(f.target).component}: token removed`,
                observeAs: 'pingMsWhileRemoved',
                keyTag: 'while-removed',
              });
            },
            { keyBefore: { provider: provider.id, name: before } },
          );
        },
        options,
      );

      c.case(
        'after the token is put back, a key made before signs (checked by the oracle) and a new one is made, without a restart',
        async ({ targets, keys, observe }) => {
          const before = keys.name('before-removal');
          await faultCase(
            targets,
            async (f) => {
              const putBack = await remove(f);
              observe({ signatureWhileRemoved: await outcomeOf(expectSigns(f.client, provider.id, before)) });
              await putBack();
              await expectSigns(f.client, provider.id, before);
              const after = keys.name('after-put-back');
              await f.client.generateKey(provider.id, after, EC_SIGNING_KEY);
              await expectSigns(f.client, provider.id, after);
            },
            { keyBefore: { provider: provider.id, name: before } },
          );
        },
        options,
      );

      const noControl = controlUnavailable(s.context);
      c.case(
        'after the token is put back and Parsec restarted, a key made before signs (checked by the oracle)',
        async ({ targets, keys }) => {
          const before = keys.name('before-removal');
          await faultCase(
            targets,
            async (f) => {
              const putBack = await remove(f);
              await outcomeOf(expectSigns(f.client, provider.id, before));
              await putBack();
              await controlOf(f.target).restart();
              await expectSigns(f.client, provider.id, before);
            },
            { keyBefore: { provider: provider.id, name: before } },
          );
        },
        { ...options, ...(noControl && !unavailable ? { skip: noControl } : {}) },
      );
    });
  },
);
