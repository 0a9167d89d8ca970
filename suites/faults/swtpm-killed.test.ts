import { rsaKeyPair } from '../../harness/capabilities/catalogue/keys';
import { controlOf, controlUnavailable, defineSuite, expectStatus } from '../../harness/kit';
import {
  backendUnavailable,
  clientOf,
  delay,
  EC_SIGNING_KEY,
  expectOthersAnswer,
  expectSigns,
  faultCase,
  outcomeOf,
  PING_WITHIN_MS,
  swtpmOf,
} from './fault-support';

// The TPM's simulator dies under a running Parsec (issue 9, fault suites). Each case has a service of its own with a
// swtpm of its own, so the run's target never sees the fault. The component at fault is the swtpm: the TPM provider
// must say so with a status (PsaErrorCommunicationFailure: the PSA name for "the implementation could not reach its
// backend"), the other providers must not notice, and a swtpm that comes back should serve again.
defineSuite(
  { name: 'swtpm-killed', opcode: 'PsaGenerateKey', description: 'swtpm killed under a running Parsec' },
  (s) => {
    const unavailable = backendUnavailable(s.context, 'swtpm');
    const others = s.context.requestedProviders.filter((k) => k !== 'tpm');
    const options = { ownTargets: true, timeoutMs: 60_000, ...(unavailable ? { skip: unavailable } : {}) };
    const noRestart = backendUnavailable(s.context, 'swtpm-restart');
    const restartOptions = { ...options, ...(noRestart ? { skip: noRestart } : {}) };

    s.provider('tpm', (c, provider) => {
      c.case(
        'swtpm killed while an RSA 2048 generation waits on it: the generation is answered PsaErrorCommunicationFailure',
        async ({ targets, keys }) => {
          await faultCase(targets, async (f) => {
            const swtpm = swtpmOf(f.target);
            // Frozen first, so that the request is surely inside the TPM when the kill comes (a generation takes
            // anywhere from 50 ms to 2 s on swtpm).
            await swtpm.signal('SIGSTOP');
            const generation = f.client.generateKey(provider.id, keys.name('rsa-during-kill'), rsaKeyPair(2048));
            generation.catch(() => undefined);
            await delay(300);
            await swtpm.signal('SIGKILL');
            await expectStatus(generation, 'PsaErrorCommunicationFailure');
          });
        },
        options,
      );

      c.case(
        `with swtpm killed, Ping and the other providers keep answering within ${PING_WITHIN_MS} ms`,
        async ({ targets, keys, observe }) => {
          await faultCase(targets, async (f) => {
            await swtpmOf(f.target).signal('SIGKILL');
            const client = clientOf(f.target, PING_WITHIN_MS * 5);
            await expectOthersAnswer({ target: f.target, client }, { keys, observe }, others, {
              situation: 'swtpm killed',
              observeAs: 'pingMsAfterKill',
              keyTag: 'after-kill',
            });
          });
        },
        options,
      );

      c.case(
        'with swtpm killed, a TPM generation is answered PsaErrorCommunicationFailure at once',
        async ({ targets, keys }) => {
          await faultCase(targets, async (f) => {
            await swtpmOf(f.target).signal('SIGKILL');
            await expectStatus(
              clientOf(f.target, PING_WITHIN_MS * 5).generateKey(provider.id, keys.name('after-kill'), EC_SIGNING_KEY),
              'PsaErrorCommunicationFailure',
            );
          });
        },
        options,
      );

      c.case(
        'after swtpm is started again on its state, a TPM key made before signs (checked by the oracle) and a new one is made',
        async ({ targets, keys, observe }) => {
          const before = keys.name('before-kill');
          await faultCase(
            targets,
            async (f) => {
              const swtpm = swtpmOf(f.target);
              await swtpm.signal('SIGKILL');
              observe({
                generationWhileKilled: await outcomeOf(
                  f.client.generateKey(provider.id, keys.name('x'), EC_SIGNING_KEY),
                ),
              });
              await swtpm.restart();
              await expectSigns(f.client, provider.id, before);
              const after = keys.name('after-restart');
              await f.client.generateKey(provider.id, after, EC_SIGNING_KEY);
              await expectSigns(f.client, provider.id, after);
            },
            { keyBefore: { provider: provider.id, name: before } },
          );
        },
        restartOptions,
      );

      const noControl = controlUnavailable(s.context);
      c.case(
        'after swtpm is started again and Parsec restarted, a TPM key made before signs (checked by the oracle)',
        async ({ targets, keys }) => {
          const before = keys.name('before-kill');
          await faultCase(
            targets,
            async (f) => {
              const swtpm = swtpmOf(f.target);
              await swtpm.signal('SIGKILL');
              await swtpm.restart();
              await controlOf(f.target).restart();
              await expectSigns(f.client, provider.id, before);
            },
            { keyBefore: { provider: provider.id, name: before } },
          );
        },
        { ...restartOptions, ...(noControl && !noRestart ? { skip: noControl } : {}) },
      );
    });
  },
);
