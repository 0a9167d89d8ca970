import { defineSuite } from '../../harness/kit';
import { providerIdOf } from '../../harness/model/providers';
import {
  backendUnavailable,
  clientOf,
  delay,
  describeMs,
  destroyEveryKey,
  EC_SIGNING_KEY,
  expectPingWithin,
  expectSigns,
  HANG_TIMEOUT_MS,
  outcomeOf,
  PING_WITHIN_MS,
  pingMs,
  swtpmOf,
  withThreadPool,
} from './fault-support';

// swtpm frozen with SIGSTOP: the TPM takes requests and never answers (issue 9, fault suites). The requests that wait
// on it get their verdict from the client's read timeout; everything else must still be served, and a thawed swtpm
// must serve again. Parsec's worker thread count is set explicitly (its default is the CPU count), so that what the
// cases measure does not depend on the machine.
const THREADS = 4;

defineSuite(
  { name: 'swtpm-frozen', opcode: 'PsaSignHash', description: 'swtpm frozen (SIGSTOP) under a running Parsec' },
  (s) => {
    const unavailable = backendUnavailable(s.context, 'swtpm');
    const others = s.context.requestedProviders.filter((k) => k !== 'tpm');
    const options = { ownTargets: true, timeoutMs: 60_000, ...(unavailable ? { skip: unavailable } : {}) };

    s.provider('tpm', (c, provider) => {
      /** Sends `count` TPM signatures to the frozen swtpm; each ends with the client's read timeout. */
      const hangingSignatures = (target: Parameters<typeof clientOf>[0], keyName: string, count: number) => {
        const hung = clientOf(target, HANG_TIMEOUT_MS);
        return Array.from({ length: count }, () =>
          outcomeOf(hung.signHash(provider.id, keyName, { alg: 'Ecdsa', hash: 'Sha256' }, Buffer.alloc(32, 1))),
        );
      };

      c.case(
        `a TPM signature on a frozen swtpm gets no answer within the client's ${HANG_TIMEOUT_MS} ms read timeout, while Ping and the other providers answer`,
        async ({ targets, keys, observe }) => {
          const target = await targets.start(withThreadPool(s.context, THREADS));
          const swtpm = swtpmOf(target);
          const client = clientOf(target);
          const before = keys.name('before-freeze');
          await client.generateKey(provider.id, before, EC_SIGNING_KEY);
          try {
            await swtpm.signal('SIGSTOP');
            const [hanging] = hangingSignatures(target, before, 1);
            await delay(200);
            const ping = await pingMs(target);
            for (const key of others) {
              const name = keys.name(`${key}-during-freeze`);
              await clientOf(target, PING_WITHIN_MS * 5).generateKey(providerIdOf(key), name, EC_SIGNING_KEY);
              await expectSigns(client, providerIdOf(key), name);
            }
            const verdict = await hanging;
            observe({ pingMsDuringHang: describeMs(ping), hangingSignature: verdict });
            expectPingWithin(ping, PING_WITHIN_MS, `${swtpm.component} frozen, one TPM signature waiting on it`);
            expect(verdict).toBe(`read timed out after ${HANG_TIMEOUT_MS} ms`);
          } finally {
            await swtpm.signal('SIGCONT');
            await destroyEveryKey(target);
          }
        },
        options,
      );

      c.case(
        `with thread_pool_size = ${THREADS}, ${THREADS} TPM signatures hanging on a frozen swtpm do not keep Ping on another connection from being answered within ${PING_WITHIN_MS} ms`,
        async ({ targets, keys, observe }) => {
          const target = await targets.start(withThreadPool(s.context, THREADS));
          const swtpm = swtpmOf(target);
          const before = keys.name('before-freeze');
          await clientOf(target).generateKey(provider.id, before, EC_SIGNING_KEY);
          try {
            await swtpm.signal('SIGSTOP');
            const hanging = hangingSignatures(target, before, THREADS);
            await delay(200);
            const ping = await pingMs(target, PING_WITHIN_MS * 3);
            observe({ pingMsWithAllWorkersOnTheTpm: describeMs(ping), hangingSignatures: await Promise.all(hanging) });
            expectPingWithin(
              ping,
              PING_WITHIN_MS,
              `${swtpm.component} frozen, ${THREADS} TPM signatures waiting on it`,
            );
          } finally {
            await swtpm.signal('SIGCONT');
            await destroyEveryKey(target);
          }
        },
        options,
      );

      c.case(
        'after SIGCONT, the TPM answers again: a key made before signs (checked by the oracle) and a new one is made',
        async ({ targets, keys, observe }) => {
          const target = await targets.start(withThreadPool(s.context, THREADS));
          const swtpm = swtpmOf(target);
          const client = clientOf(target);
          const before = keys.name('before-freeze');
          await client.generateKey(provider.id, before, EC_SIGNING_KEY);
          try {
            await swtpm.signal('SIGSTOP');
            // The generation the client gives up on is still queued in the service: it completes after the thaw.
            const abandoned = await outcomeOf(
              clientOf(target, HANG_TIMEOUT_MS).generateKey(provider.id, keys.name('abandoned'), EC_SIGNING_KEY),
            );
            await swtpm.signal('SIGCONT');
            observe({ abandonedGeneration: abandoned });
            if (abandoned === 'Success') throw new Error('the generation on a frozen swtpm was answered Success');
            await expectSigns(client, provider.id, before);
            const after = keys.name('after-thaw');
            await client.generateKey(provider.id, after, EC_SIGNING_KEY);
            await expectSigns(client, provider.id, after);
          } finally {
            await swtpm.signal('SIGCONT');
            await destroyEveryKey(target);
          }
        },
        options,
      );
    });
  },
);
