import { controlOf, controlUnavailable, defineSuite, expectStatus } from '../../harness/kit';
import {
  backendUnavailable,
  EC_SIGNING_KEY,
  expectOthersAnswer,
  expectSigns,
  faultCase,
  type FaultFrame,
  tokenOf,
} from './fault-support';

// The SoftHSM2 token directory made read-only under a running Parsec (issue 9, fault suites), with a read-only bind
// mount (mode bits do not stop root), lifted after the case even when it fails. The component at fault is the token:
// what needs no write (signing with a key made before) should go on, what writes is refused with the status Parsec
// gives a token's general error, the rest of the service does not notice, and a writable token serves again.
defineSuite(
  { name: 'token-read-only', opcode: 'PsaGenerateKey', description: 'SoftHSM2 token directory read-only mid-run' },
  (s) => {
    const unavailable = backendUnavailable(s.context, 'token');
    const others = s.context.requestedProviders.filter((k) => k !== 'pkcs11');
    const options = { ownTargets: true, timeoutMs: 60_000, ...(unavailable ? { skip: unavailable } : {}) };

    s.provider('pkcs11', (c, provider) => {
      /** The token read-only until the case ends (or `lift` is called); its undo is harmless when already done. */
      const readOnly = async (f: FaultFrame) => {
        const lift = await tokenOf(f.target).readOnly();
        f.atEnd(lift);
        return lift;
      };
      /** GenerateKey on the read-only token is refused with the token's general error. */
      const generationRefused = (f: FaultFrame, name: string) =>
        expectStatus(f.client.generateKey(provider.id, name, EC_SIGNING_KEY), 'PsaErrorCommunicationFailure');

      c.case(
        `with the token directory read-only, a key made before still signs (checked by the oracle), and Ping and the other providers answer`,
        async ({ targets, keys, observe }) => {
          const before = keys.name('before-read-only');
          await faultCase(
            targets,
            async (f) => {
              await readOnly(f);
              await expectSigns(f.client, provider.id, before);
              await expectOthersAnswer(f, { keys, observe }, others, {
                situation: `${tokenOf(f.target).component} read-only`,
                observeAs: 'pingMsWhileReadOnly',
                keyTag: 'while-read-only',
              });
            },
            { keyBefore: { provider: provider.id, name: before } },
          );
        },
        options,
      );

      c.case(
        'with the token directory read-only, GenerateKey is answered PsaErrorCommunicationFailure (the token cannot store the key)',
        async ({ targets, keys }) => {
          await faultCase(targets, async (f) => {
            await readOnly(f);
            await generationRefused(f, keys.name('while-read-only'));
          });
        },
        options,
      );

      c.case(
        'a DestroyKey the read-only token refuses leaves the key in place: ListKeys still lists it and it still signs',
        async ({ targets, keys, observe }) => {
          const before = keys.name('destroy-refused');
          await faultCase(
            targets,
            async (f) => {
              await readOnly(f);
              const refusal = await expectStatus(
                f.client.destroyKey(provider.id, before),
                'PsaErrorCommunicationFailure',
              );
              observe({ destroyKey: refusal.statusName });
              const listed = (await f.client.listKeys()).filter((k) => k.providerId === provider.id).map((k) => k.name);
              expect(listed).toContain(before);
              await expectSigns(f.client, provider.id, before);
            },
            { keyBefore: { provider: provider.id, name: before } },
          );
        },
        { ...options, opcode: 'PsaDestroyKey' },
      );

      c.case(
        'after the token directory is writable again, GenerateKey succeeds without a restart',
        async ({ targets, keys }) => {
          await faultCase(targets, async (f) => {
            const lift = await readOnly(f);
            await generationRefused(f, keys.name('while-read-only'));
            await lift();
            const after = keys.name('writable-again');
            await f.client.generateKey(provider.id, after, EC_SIGNING_KEY);
            await expectSigns(f.client, provider.id, after);
          });
        },
        options,
      );

      const noControl = controlUnavailable(s.context);
      c.case(
        'after the token directory is writable again and Parsec restarted, GenerateKey succeeds',
        async ({ targets, keys }) => {
          await faultCase(targets, async (f) => {
            const lift = await readOnly(f);
            await generationRefused(f, keys.name('while-read-only'));
            await lift();
            await controlOf(f.target).restart();
            const after = keys.name('after-restart');
            await f.client.generateKey(provider.id, after, EC_SIGNING_KEY);
            await expectSigns(f.client, provider.id, after);
          });
        },
        { ...options, ...(noControl && !unavailable ? { skip: noControl } : {}) },
      );
    });
  },
);
