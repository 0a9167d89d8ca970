import { chmodSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { NOBODY, otherUidUnavailable } from '../../harness/client';
import { controlOf, controlUnavailable, defineSuite } from '../../harness/kit';
import { providerIdOf, type ProviderKey } from '../../harness/model/providers';
import { ParsecClient } from '../../harness/wire';
import { logEventsSince, logOffset, pingAs, pollUntil } from '../../fixtures/lifecycle/shared';

// The socket is Parsec's only door (reference A2: mode 0666 in its folder; an existing socket file at the path is
// removed at start). These cases change what is around it while the service runs.
const SEARCHABLE = 0o711;

/** The folders between `dir` (excluded) and `top` (excluded), nearest first. */
function ancestorsBelow(dir: string, top: string): string[] {
  const out: string[] = [];
  for (let d = dirname(dir); d !== top && d.startsWith(`${top}/`); d = dirname(d)) out.push(d);
  return out;
}
const skipUnless = (skip: string | undefined) => ({ ownTargets: true, ...(skip ? { skip } : {}) });
const PRIVATE = 0o700;

defineSuite(
  {
    name: 'socket',
    opcode: 'Ping',
    description: "the socket folder's permissions changed while the service runs; a second service on the same socket",
  },
  (s) => {
    const unavailable = controlUnavailable(s.context);
    const noRival = controlUnavailable(s.context, ['rival']);
    const all = s.context.requestedProviders;

    s.core((c) => {
      const otherUid = otherUidUnavailable();
      c.case(
        'with the socket folder closed to other users, their clients get EACCES while root is still served, and they are served again once it is reopened',
        async ({ targets, observe }) => {
          const target = await targets.start({});
          const dir = controlOf(target).socketDir;
          // The folders above it that other users cannot search (the target's run dir): opened for the case.
          const above = ancestorsBelow(dir, tmpdir()).filter((d) => (statSync(d).mode & 0o001) === 0);
          const modes = new Map([dir, ...above].map((d) => [d, statSync(d).mode & 0o777]));
          const root = new ParsecClient({ socketPath: target.socketPath, auth: 'none' });
          try {
            for (const d of above) chmodSync(d, SEARCHABLE);
            chmodSync(dir, SEARCHABLE);
            const open = pingAs(NOBODY.uid, NOBODY.gid, target.socketPath);
            chmodSync(dir, PRIVATE);
            const closed = pingAs(NOBODY.uid, NOBODY.gid, target.socketPath);
            const rootWhileClosed = await root.ping().then(
              () => 'status 0',
              (e: Error) => e.message,
            );
            chmodSync(dir, SEARCHABLE);
            const reopened = pingAs(NOBODY.uid, NOBODY.gid, target.socketPath);
            observe({ open, closed, rootWhileClosed, reopened });
            expect({ open, closed, rootWhileClosed, reopened }).toEqual({
              open: 'status 0',
              closed: 'error EACCES',
              rootWhileClosed: 'status 0',
              reopened: 'status 0',
            });
          } finally {
            for (const [d, mode] of modes) chmodSync(d, mode);
          }
        },
        skipUnless(unavailable ?? otherUid),
      );

      const first = all[0];
      c.case(
        `a second service started on the same socket (with only ${first}) either refuses to start or leaves the first one serving it`,
        async ({ targets, observe }) => {
          const target = await targets.start({});
          const control = controlOf(target);
          const client = new ParsecClient({ socketPath: target.socketPath, auth: 'none' });
          const ids = async (): Promise<string> =>
            client.listProviders().then(
              (ps) => ps.map((p) => p.id).join(','),
              (e: Error) => `error: ${e.message}`,
            );
          const firstIds = await ids();
          const offset = logOffset(target);
          const rival = await control.startRival({ providers: [first as ProviderKey] });
          const rivalIds = [providerIdOf(first as ProviderKey), 0].join(',');
          const answering = await pollUntil(ids, (v) => v !== firstIds, 1_000);
          const who = answering === firstIds ? 'first' : answering === rivalIds ? 'second' : answering;
          const observed = {
            second: rival.outcome,
            secondState: rival.state(),
            secondLog: rival
              .logTail(40)
              .split('\n')
              .filter((l) => /WARN|ERROR|Error|ready|socket/.test(l)),
            socketAnsweredBy: who,
            firstState: control.state(),
            firstLog: logEventsSince(target, offset),
          };
          await rival.stop();
          const afterSecondStopped = await ids();
          // The first service is restarted, so that the kit can check it for keys before stopping it.
          if (afterSecondStopped !== firstIds) await control.restart();
          observe({ ...observed, afterSecondStopped: afterSecondStopped === firstIds ? 'first' : afterSecondStopped });
          if (who !== 'first') {
            throw new Error(
              `the socket was answered by ${who === 'second' ? 'the second service' : who} once it started (${rival.outcome}); after it stopped: ${afterSecondStopped === firstIds ? 'the first again' : afterSecondStopped}. Second's log: ${observed.secondLog.join(' | ')}`,
            );
          }
        },
        skipUnless(
          noRival ??
            (all.length < 2
              ? 'the run configures fewer than two providers, so the two services cannot be told apart by ListProviders'
              : undefined),
        ),
      );
    });
  },
);
