import { readFileSync } from 'node:fs';
import { controlOf, controlUnavailable, defineSuite } from '../../harness/kit';
import { providerIdOf, type ProviderKey } from '../../harness/model/providers';
import type { ConfigRewrite, StartedTarget } from '../../harness/targets';
import { delay } from '../../harness/targets/poll';
import { ParsecClient } from '../../harness/wire';
import { logEventsSince, logOffset, pollUntil } from '../../fixtures/lifecycle/shared';

// SIGHUP makes Parsec read its config file again: it drains the thread pool, rebuilds the providers and the listener
// (reference A2, "Signals"). What a correct reload does, and what these cases expect: the providers of the new file,
// in its order; the new log level; and a new file that cannot be used leaves the old configuration serving.
const RELOAD_WAIT_MS = 10_000;
/** What Parsec logs at INFO for each request (parsec_service::front::front_end). */
const REQUEST_LINE = / INFO {1,2}parsec_service::front::front_end\] New request received/;
/** How long a bad config is given to take the service down before the case asks it. */
const BAD_CONFIG_GRACE_MS = 3_000;

const idsOf = (keys: readonly ProviderKey[]): number[] => [...keys.map(providerIdOf), 0];

async function providerIds(target: StartedTarget): Promise<number[]> {
  const client = new ParsecClient({ socketPath: target.socketPath, auth: 'none' });
  return (await client.listProviders()).map((p) => p.id);
}

/** Rewrites the config, sends SIGHUP, and waits until ListProviders answers `expected` (or the wait is over). */
async function reloadTo(target: StartedTarget, change: ConfigRewrite, expected: number[]): Promise<number[]> {
  const control = controlOf(target);
  await control.rewriteConfig(change);
  await control.signal('SIGHUP');
  return pollUntil(
    () => providerIds(target),
    (ids) => JSON.stringify(ids) === JSON.stringify(expected),
    RELOAD_WAIT_MS,
  );
}

/** The part of Parsec's log written since `offset` bytes. */
/**
 * Waits until the log has not grown for a second (at most 5 s): a container's log reaches its file through a stream,
 * so a line's absence means something only once what was written has arrived.
 */
async function logSettled(target: StartedTarget): Promise<void> {
  const deadline = Date.now() + 5_000;
  let size = logOffset(target);
  let stableSince = Date.now();
  while (Date.now() < deadline && Date.now() - stableSince < 1_000) {
    await delay(100);
    const now = logOffset(target);
    if (now !== size) {
      size = now;
      stableSince = Date.now();
    }
  }
}

function logSince(target: StartedTarget, offset: number): string {
  const log = target.logs().find((l) => l.name === 'parsec');
  if (!log) return '';
  return target.redact(readFileSync(log.path, 'utf8').slice(offset));
}

defineSuite(
  {
    name: 'config-reload',
    opcode: 'ListProviders',
    description: 'SIGHUP reloads the configuration: providers added, removed, reordered; log level; a bad file',
  },
  (s) => {
    const unavailable = controlUnavailable(s.context);
    const all = s.context.requestedProviders;
    const fewer = all.slice(0, -1);
    const twoOrMore = all.length >= 2 ? undefined : 'the run configures fewer than two providers';
    const opts = (extra?: string) => {
      const skip = unavailable ?? extra;
      return { ownTargets: true, ...(skip ? { skip } : {}) };
    };

    s.core((c) => {
      c.case(
        `a provider removed from the file (${all.join(', ')} → ${fewer.join(', ')}) is gone from ListProviders after SIGHUP`,
        async ({ targets, observe }) => {
          const target = await targets.start({});
          const ids = await reloadTo(target, { providers: fewer }, idsOf(fewer));
          observe({ providersAfterReload: ids, state: controlOf(target).state() });
          expect(ids).toEqual(idsOf(fewer));
        },
        opts(twoOrMore),
      );

      c.case(
        `a provider added to the file (${fewer.join(', ')} → ${all.join(', ')}) is listed and answers after SIGHUP`,
        async ({ targets, observe }) => {
          // Started with every provider so that the added one's backend (token, swtpm) exists, then restarted without it.
          const target = await targets.start({});
          const control = controlOf(target);
          await control.rewriteConfig({ providers: fewer });
          await control.restart();
          expect(await providerIds(target)).toEqual(idsOf(fewer));
          const ids = await reloadTo(target, { providers: all }, idsOf(all));
          observe({ providersAfterReload: ids, state: control.state() });
          expect(ids).toEqual(idsOf(all));
          const added = all[all.length - 1] as ProviderKey;
          const client = new ParsecClient({ socketPath: target.socketPath, auth: 'none' });
          expect((await client.listOpcodes(providerIdOf(added))).length).toBeGreaterThan(0);
        },
        opts(twoOrMore),
      );

      const reversed = [...all].reverse();
      c.case(
        `providers reordered in the file (${all.join(', ')} → ${reversed.join(', ')}) are listed in the new order after SIGHUP`,
        async ({ targets, observe }) => {
          const target = await targets.start({});
          const ids = await reloadTo(target, { providers: reversed }, idsOf(reversed));
          observe({ providersAfterReload: ids, state: controlOf(target).state() });
          expect(ids).toEqual(idsOf(reversed));
        },
        opts(twoOrMore),
      );

      c.case(
        'log_level changed from info to error takes effect after SIGHUP: requests are no longer logged at INFO',
        async ({ targets, observe }) => {
          const target = await targets.start({ extraConfig: { core_settings: { log_level: 'info' } } });
          const control = controlOf(target);
          const client = new ParsecClient({ socketPath: target.socketPath, auth: 'unix-peer' });
          await client.listKeys();
          // The baseline: at info, every request is logged (front_end's "New request received").
          expect(logSince(target, 0)).toMatch(REQUEST_LINE);
          await control.rewriteConfig({ extraConfig: { core_settings: { log_level: 'error' } } });
          await control.signal('SIGHUP');
          await pollUntil(
            async () => logSince(target, 0),
            (log) => /configuration reloaded/.test(log),
            RELOAD_WAIT_MS,
          );
          const offset = logOffset(target);
          await client.listKeys();
          await client.listProviders();
          await logSettled(target);
          const afterReload = logSince(target, offset);
          const applied = !REQUEST_LINE.test(afterReload);
          // The control: the same file read at a start silences them, so the level itself works.
          let atRestart: boolean | undefined;
          if (!applied) {
            await control.restart();
            const restartOffset = logOffset(target);
            await client.listKeys();
            await logSettled(target);
            atRestart = !REQUEST_LINE.test(logSince(target, restartOffset));
          }
          const lines = afterReload.split('\n').filter((l) => l.length > 0);
          observe({
            requestLinesAfterReload: lines.slice(0, 4),
            appliedByReload: applied,
            appliedByRestart: atRestart,
          });
          if (!applied) {
            throw new Error(
              `after the reload to log_level = "error", requests are still logged at INFO (after a restart on the same file: ${atRestart ? 'they are not' : 'they are too'}):\n${lines.slice(0, 2).join('\n')}`,
            );
          }
        },
        opts(),
      );

      const badConfigs: [string, ConfigRewrite][] = [
        ['a file that is not TOML', { appendText: '[core_settings\nthis line is not TOML' }],
        ['a file with an unknown listener type', { extraConfig: { listener: { listener_type: 'TcpSocket' } } }],
      ];
      for (const [what, change] of badConfigs) {
        c.case(
          `after SIGHUP with ${what}, the old configuration keeps serving: Ping and the same providers`,
          async ({ targets, observe }) => {
            const target = await targets.start({});
            const control = controlOf(target);
            const before = await providerIds(target);
            const offset = logOffset(target);
            await control.rewriteConfig(change);
            await control.signal('SIGHUP');
            const state = await control.waitForExit(BAD_CONFIG_GRACE_MS);
            // A container's log reaches its file through a stream: give the last lines a moment to arrive.
            if (!state.running) await delay(1000);
            const events = logEventsSince(target, offset);
            observe({ state, log: events });
            if (!state.running) {
              throw new Error(`Parsec ${state.how} after SIGHUP with ${what}; its log:\n${events.join('\n')}`);
            }
            const client = new ParsecClient({ socketPath: target.socketPath, auth: 'none' });
            await client.ping();
            expect(await providerIds(target)).toEqual(before);
          },
          { ...opts(), opcode: 'Ping' },
        );
      }
    });
  },
);
