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
  PING_WITHIN_MS,
  pingMs,
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
      c.case(
        `with the token directory read-only, a key made before still signs (checked by the oracle), and Ping and the other providers answer`,
        async ({ targets, keys, observe }) => {
          const target = await targets.start({});
          const client = clientOf(target);
          const before = keys.name('before-read-only');
          await client.generateKey(provider.id, before, EC_SIGNING_KEY);
          const undo = await tokenOf(target).readOnly();
          try {
            await expectSigns(client, provider.id, before);
            const ping = await pingMs(target);
            observe({ pingMsWhileReadOnly: describeMs(ping) });
            expectPingWithin(ping, PING_WITHIN_MS, tokenOf(target).component + ' read-only');
            for (const key of others) {
              const name = keys.name(`${key}-while-read-only`);
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
        'with the token directory read-only, GenerateKey is answered PsaErrorCommunicationFailure (the token cannot store the key)',
        async ({ targets, keys }) => {
          const target = await targets.start({});
          const undo = await tokenOf(target).readOnly();
          try {
            await expectStatus(
              clientOf(target).generateKey(provider.id, keys.name('while-read-only'), EC_SIGNING_KEY),
              'PsaErrorCommunicationFailure',
            );
          } finally {
            await undo();
            await destroyEveryKey(target);
          }
        },
        options,
      );

      c.case(
        'a DestroyKey the read-only token refuses leaves the key in place: ListKeys still lists it and it still signs',
        async ({ targets, keys, observe }) => {
          const target = await targets.start({});
          const client = clientOf(target);
          const before = keys.name('destroy-refused');
          await client.generateKey(provider.id, before, EC_SIGNING_KEY);
          const undo = await tokenOf(target).readOnly();
          try {
            const refusal = await expectStatus(client.destroyKey(provider.id, before), 'PsaErrorCommunicationFailure');
            observe({ destroyKey: refusal.statusName });
            const listed = (await client.listKeys()).filter((k) => k.providerId === provider.id).map((k) => k.name);
            expect(listed).toContain(before);
            await expectSigns(client, provider.id, before);
          } finally {
            await undo();
            await destroyEveryKey(target);
          }
        },
        { ...options, opcode: 'PsaDestroyKey' },
      );

      c.case(
        'after the token directory is writable again, GenerateKey succeeds without a restart',
        async ({ targets, keys }) => {
          const target = await targets.start({});
          const client = clientOf(target);
          const undo = await tokenOf(target).readOnly();
          try {
            await expectStatus(
              client.generateKey(provider.id, keys.name('while-read-only'), EC_SIGNING_KEY),
              'PsaErrorCommunicationFailure',
            );
            await undo();
            const after = keys.name('writable-again');
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
        'after the token directory is writable again and Parsec restarted, GenerateKey succeeds',
        async ({ targets, keys }) => {
          const target = await targets.start({});
          const client = clientOf(target);
          const undo = await tokenOf(target).readOnly();
          try {
            await expectStatus(
              client.generateKey(provider.id, keys.name('while-read-only'), EC_SIGNING_KEY),
              'PsaErrorCommunicationFailure',
            );
            await undo();
            await controlOf(target).restart();
            const after = keys.name('after-restart');
            await client.generateKey(provider.id, after, EC_SIGNING_KEY);
            await expectSigns(client, provider.id, after);
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
