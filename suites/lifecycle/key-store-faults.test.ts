import { openSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { controlOf, controlUnavailable, defineSuite, type ProviderCtx } from '../../harness/kit';
import type { ServiceControl, StartedTarget } from '../../harness/targets';
import { ParsecClient } from '../../harness/wire';
import {
  answerOf,
  destroyAllKeys,
  keyNames,
  mountTmpfs,
  mountUnavailable,
  signAndVerify,
  SIGNING_KEY,
  type MountedTmpfs,
} from '../../fixtures/lifecycle/shared';

// The SQLite key info manager maps each client's key names to the backend's keys (reference E, [[key_manager]]).
// What happens when that file goes away, becomes read-only or has no room while the service runs? Whatever the
// service answers, it must not lose state silently: a key it says it made is there after a restart, a key it says
// it destroyed is not, and a key it could not destroy still works. The answers themselves are recorded.
const TMPFS_KIB = 256;

interface Answers {
  generate: string;
  listKeys: string;
  listedDuring?: string[];
  destroy: string;
  stillRunning: boolean;
  listedAfterRestart?: string[];
}

/** Puts the target's key store on the tmpfs: config rewritten, service restarted (it creates a fresh store there). */
async function keyStoreOn(control: ServiceControl, fs: MountedTmpfs): Promise<void> {
  await control.rewriteConfig({ keyStorePath: join(fs.dir, 'kim-mappings.sqlite3') });
  await control.restart();
}

/** Fills the file system until it refuses a byte more; returns the filler's path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4096, 0x5a);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  // Whatever room is left in the last block.
  const fd2 = openSync(path, 'a');
  try {
    for (;;) writeSync(fd2, Buffer.alloc(1));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd2);
  }
  return path;
}

/**
 * Key `before` exists; the fault is made; GenerateKey(`during`), ListKeys and DestroyKey(`before`) are answered; the
 * fault is lifted and the service restarted; then what is listed must agree with what was answered.
 */
async function underFault(
  target: StartedTarget,
  provider: ProviderCtx,
  names: { before: string; during: string },
  fault: { make: () => void; lift: () => void; storeLost: boolean },
  observe: (data: Readonly<Record<string, unknown>>) => void,
): Promise<void> {
  const control = controlOf(target);
  const client = new ParsecClient({ socketPath: target.socketPath, auth: 'unix-peer' });
  await client.generateKey(provider.id, names.before, SIGNING_KEY);
  const publicKey = await client.exportPublicKey(provider.id, names.before);
  const answers: Answers = { generate: '', listKeys: '', destroy: '', stillRunning: false };
  try {
    fault.make();
    answers.generate = await answerOf(client.generateKey(provider.id, names.during, SIGNING_KEY));
    answers.listKeys = await answerOf(
      client.listKeys().then((listed) => {
        answers.listedDuring = keyNames(listed);
      }),
    );
    answers.destroy = await answerOf(client.destroyKey(provider.id, names.before));
    answers.stillRunning = control.state().running;
    fault.lift();
    await control.restart();
    const listed = keyNames(await client.listKeys());
    answers.listedAfterRestart = listed;
    observe({ ...answers });
    const tag = (name: string) => `${name} (provider ${provider.id})`;
    const problems: string[] = [];
    if (answers.generate === 'Success' && !listed.includes(tag(names.during))) {
      problems.push(`GenerateKey answered Success, but the key is not listed after a restart (lost silently)`);
    }
    if (answers.generate !== 'Success' && listed.includes(tag(names.during))) {
      problems.push(`GenerateKey answered ${answers.generate}, but the key is listed after a restart`);
    }
    if (answers.destroy === 'Success' && listed.includes(tag(names.before))) {
      problems.push('DestroyKey answered Success, but the key is still listed after a restart');
    }
    if (answers.destroy !== 'Success' && !fault.storeLost) {
      if (!listed.includes(tag(names.before))) {
        problems.push(`DestroyKey answered ${answers.destroy}, but the key is gone after a restart`);
      } else {
        await signAndVerify(client, provider.id, names.before, publicKey);
      }
    }
    if (problems.length > 0) {
      throw new Error(`${problems.join('; ')}. Answers under the fault: ${JSON.stringify(answers)}`);
    }
  } finally {
    fault.lift();
    if (!control.state().running) await control.restart().catch(() => undefined);
    await destroyAllKeys(client).catch(() => undefined);
  }
}

defineSuite(
  {
    name: 'key-store-faults',
    opcode: 'PsaGenerateKey',
    description: 'the SQLite key store deleted, read-only or full while the service runs: answers, and no silent loss',
  },
  (s) => {
    const unavailable = controlUnavailable(s.context);
    // The tmpfs cases move the key store onto a file system the case mounts on this machine.
    const noMove = controlUnavailable(s.context, ['key-store-elsewhere']) ?? mountUnavailable();
    s.eachProvider((c, provider) => {
      // A lost store loses the mapping of keys that stay on the backend: on a token of the user's, they would be left
      // behind where only the token's own tools can remove them.
      const orphans =
        provider.key === 'pkcs11' && s.context.vendorToken
          ? `not run on a token the harness did not create: with the key store gone, Parsec forgets keys that stay on the token (orphans only the token's own tools can remove)`
          : undefined;
      const noKey = provider.can('Generate', SIGNING_KEY)
        ? undefined
        : `provider ${provider.label} does not generate ECDSA P-256 signing keys (CanDoCrypto), the key these cases make`;
      const opts = (extra?: string) => {
        const skip = unavailable ?? noKey ?? extra;
        return { ownTargets: true, ...(skip ? { skip } : {}) };
      };

      c.case(
        'with the key store file deleted, what GenerateKey, ListKeys and DestroyKey answer agrees with what a restart finds',
        async ({ targets, keys, observe }) => {
          const target = await targets.start({ providerOrder: [provider.key] });
          const store = controlOf(target).keyStorePath;
          const remove = () => {
            for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${store}${suffix}`, { force: true });
          };
          await underFault(
            target,
            provider,
            { before: keys.name('before'), during: keys.name('during') },
            { make: remove, lift: () => undefined, storeLost: true },
            observe,
          );
        },
        opts(orphans),
      );

      c.case(
        'with the key store on a file system remounted read-only, what GenerateKey, ListKeys and DestroyKey answer agrees with what a restart finds',
        async ({ targets, keys, observe }) => {
          const fs = mountTmpfs(TMPFS_KIB);
          let readOnly = false;
          try {
            const target = await targets.start({ providerOrder: [provider.key] });
            await keyStoreOn(controlOf(target), fs);
            await underFault(
              target,
              provider,
              { before: keys.name('before'), during: keys.name('during') },
              {
                make: () => {
                  fs.remount('ro');
                  readOnly = true;
                },
                lift: () => {
                  if (readOnly) fs.remount('rw');
                  readOnly = false;
                },
                storeLost: false,
              },
              observe,
            );
          } finally {
            fs.unmount();
          }
        },
        opts(noMove),
      );

      c.case(
        `with the key store on a full ${TMPFS_KIB} KiB file system, what GenerateKey, ListKeys and DestroyKey answer agrees with what a restart finds`,
        async ({ targets, keys, observe }) => {
          const fs = mountTmpfs(TMPFS_KIB);
          let filler: string | undefined;
          try {
            const target = await targets.start({ providerOrder: [provider.key] });
            await keyStoreOn(controlOf(target), fs);
            await underFault(
              target,
              provider,
              { before: keys.name('before'), during: keys.name('during') },
              {
                make: () => {
                  filler = fill(fs.dir);
                },
                lift: () => {
                  if (filler) rmSync(filler, { force: true });
                  filler = undefined;
                },
                storeLost: false,
              },
              observe,
            );
          } finally {
            fs.unmount();
          }
        },
        opts(noMove),
      );
    });
  },
);
