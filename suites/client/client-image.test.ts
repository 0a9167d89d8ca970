import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineSuite } from '../../harness/kit';
import { CLIENT_IMAGE_ENV, clientImageSlug, runClientImage, tailOf, type ClientImageRun } from '../../harness/interop';

/**
 * The client-image slot (`run --client-image IMAGE [--client-cmd '…'] [--client-expect REGEX]`): a client of the
 * user's, in an image of theirs, run once against the service under test. Its exit status is a case, its output is
 * kept as evidence (`<out>/client/<image>.log`) and, with --client-expect, checked by a second case.
 */
const image = process.env[CLIENT_IMAGE_ENV.image] ?? '';
const command = process.env[CLIENT_IMAGE_ENV.command] || undefined;
const expected = process.env[CLIENT_IMAGE_ENV.expect] || undefined;
const slug = clientImageSlug(image);
const TIMEOUT_MS = 120_000;

defineSuite(
  {
    name: slug,
    scope: 'client',
    opcode: 'Ping',
    description: `the client image ${image} run against the service under test`,
  },
  (s) => {
    let pending: Promise<ClientImageRun> | undefined;
    const once = (): Promise<ClientImageRun> => {
      pending ??= (async () => {
        if (!image) throw new Error(`${CLIENT_IMAGE_ENV.image} is not set: this suite runs through run --client-image`);
        const run = await runClientImage({ image, command, socketPath: s.context.socketPath, timeoutMs: TIMEOUT_MS });
        const dir = join(s.context.outDir, 'client');
        mkdirSync(dir, { recursive: true });
        writeFileSync(
          join(dir, `${slug}.log`),
          `# image: ${image}\n# command: ${command ?? "(the image's own)"}\n# exit status: ${run.exitCode}${run.timedOut ? ` (stopped after ${TIMEOUT_MS} ms)` : ''}\n# duration: ${run.durationMs} ms\n${run.output}`,
        );
        return run;
      })();
      return pending;
    };
    const evidence = (run: ClientImageRun) => ({
      image,
      command: command ?? null,
      exitCode: run.exitCode,
      durationMs: run.durationMs,
      output: tailOf(run.output, 40),
      log: join(s.context.outDir, 'client', `${slug}.log`),
    });

    s.core((c) => {
      c.case(
        'exit status',
        async ({ observe }) => {
          const run = await once();
          observe(evidence(run));
          if (run.exitCode !== 0) {
            throw new Error(
              `the client image ${image}${command ? ` (${command})` : ''} ${run.timedOut ? `did not end within ${TIMEOUT_MS} ms` : `exited with status ${run.exitCode}`}; its output ends:\n${tailOf(run.output, 20)}`,
            );
          }
        },
        { timeoutMs: TIMEOUT_MS + 30_000 },
      );
      if (expected !== undefined) {
        c.case(
          'output matches',
          async ({ observe }) => {
            const run = await once();
            observe({ ...evidence(run), expected });
            if (!new RegExp(expected, 'm').test(run.output)) {
              throw new Error(
                `the output of the client image ${image} does not match /${expected}/m; it ends:\n${tailOf(run.output, 20)}`,
              );
            }
          },
          { timeoutMs: TIMEOUT_MS + 30_000 },
        );
      }
    });
  },
);
