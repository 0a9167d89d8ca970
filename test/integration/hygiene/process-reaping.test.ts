import { runCli } from '../run-cli';
import { processTable, treeOf, TreeWatch } from './process-tree';
import { leftoversOf, NOTHING_LEFT } from './leftovers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every process the harness starts is waited for by its parent, whether the run ends, is interrupted with Ctrl-C or
 * fails: none is left running, none stays a zombie under the harness, and none is left to init to collect.
 */
describe('the harness reaps every process it starts (real Parsec 1.4.1 with Mbed Crypto, PKCS#11 and TPM)', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'pc-reap-out-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  /** Runs the CLI, watching its process tree from its first line of output; `interrupt` Ctrl-Cs it when it says so. */
  async function watchedRun(args: string[], interrupt?: RegExp) {
    let watch: TreeWatch | undefined;
    let cliPid = 0;
    let interrupted = false;
    const run = await runCli(args, {
      onStderr: (stderr, pid) => {
        cliPid = pid;
        watch ??= new TreeWatch(pid, 100);
        if (interrupt && !interrupted && interrupt.test(stderr)) {
          interrupted = true;
          watch.look();
          process.kill(-pid, 'SIGINT'); // the whole foreground group, as a terminal's Ctrl-C does
        }
      },
    });
    if (!watch) throw new Error(`the CLI printed nothing (exit ${run.code})`);
    watch.stop();
    return { run, watch, cliPid, interrupted };
  }

  test('a run that ends leaves no process, zombie or temp folder', async () => {
    const { run, watch, cliPid } = await watchedRun(['run', '--suite', 'core/ping', 'core/list-keys', '--out', out]);
    expect({ code: run.code, tail: run.stderr.slice(-2000) }).toMatchObject({ code: 0 });
    const comms = new Set([...watch.seen.values()].map((p) => p.comm));
    // The tree really held the service and its backends: the checks below looked at them.
    expect(comms).toEqual(expect.objectContaining({ size: expect.any(Number) }));
    expect([...comms]).toEqual(expect.arrayContaining(['parsec', 'swtpm']));
    expect(leftoversOf(cliPid, watch)).toEqual(NOTHING_LEFT);
  });

  test('Ctrl-C while the SoftHSM2 token is made leaves no softhsm2-util behind (it used to stay a zombie of init)', async () => {
    // softhsm2-util runs on a pseudo-terminal under `script` for about 0.2 s: the tree is watched every 5 ms for it,
    // and the group is Ctrl-C'd the moment it shows.
    let cliPid = 0;
    let watch: TreeWatch | undefined;
    let poll: NodeJS.Timeout | undefined;
    let seenTokenTool = false;
    const run = await runCli(['run', '--suite', 'core/ping', '--providers', 'pkcs11', '--out', out], {
      onStart: (pid) => {
        cliPid = pid;
        watch = new TreeWatch(pid, 50);
        poll = setInterval(() => {
          if (seenTokenTool) return;
          const tree = treeOf(pid, processTable());
          if (!tree.some((p) => p.comm === 'softhsm2-util')) return;
          seenTokenTool = true;
          watch?.look();
          process.kill(-pid, 'SIGINT');
        }, 5);
      },
    });
    clearInterval(poll);
    if (!watch) throw new Error(`the CLI printed nothing (exit ${run.code})`);
    watch.stop();
    expect(seenTokenTool).toBe(true);
    expect(run.code === 130 || run.signal === 'SIGINT').toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(leftoversOf(cliPid, watch)).toEqual(NOTHING_LEFT);
  });

  test('a run interrupted with Ctrl-C leaves no process, zombie or temp folder', async () => {
    const { run, watch, cliPid, interrupted } = await watchedRun(
      ['run', '--suite', 'core/*', 'crypto/psa-generate-key', '--out', out],
      /suites 1\/\d+/,
    );
    expect(interrupted).toBe(true);
    expect(run.code === 130 || run.signal === 'SIGINT').toBe(true);
    expect([...new Set([...watch.seen.values()].map((p) => p.comm))]).toEqual(expect.arrayContaining(['parsec']));
    expect({ ...leftoversOf(cliPid, watch), stderr: run.stderr.slice(-1500) }).toEqual({
      ...NOTHING_LEFT,
      stderr: expect.any(String),
    });
  });
});
