import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRunDir, sweepStaleRunDirs } from '../../lifecycle';
import { machineDebianMirror } from '../debian-mirror';
import { findExecutable } from '../find-executable';
import { outputTail, runCommand } from '../run-command';
import { SetupError } from '../setup-error';
import { installSystemPackages, isRoot } from '../system-packages';
import { dockerClient, followStream } from './docker-client';
import { IMAGE_LABEL } from './image-build';

/** The one-line Dockerfile that pins the default base image; code and tests read it from here. */
export function defaultBaseImage(containersDir: string): string {
  const text = readFileSync(join(containersDir, 'base', 'Dockerfile'), 'utf8');
  const from = /^FROM\s+(\S+)\s*$/m.exec(text)?.[1];
  if (!from) throw new SetupError(`containers/base/Dockerfile has no FROM line`);
  return from;
}

/** The Debian suite of a `debian:<suite>[-slim]` image name, e.g. trixie. */
export function suiteOf(image: string): string | undefined {
  return /^(?:[^/]+\/)?debian:([a-z]+)(?:-slim)?$/.exec(image)?.[1];
}

/** The stand-in the harness makes with debootstrap when the pinned base image cannot be pulled. */
export function localBaseImage(suite: string): string {
  return `parsec-conformance/debian:${suite}`;
}

export async function imagePresent(image: string): Promise<boolean> {
  try {
    await dockerClient().getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Pulls an image; undefined when that worked, else why not. */
export async function tryPull(image: string): Promise<string | undefined> {
  try {
    await followStream(await dockerClient().pull(image), () => undefined);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** debootstrap (minbase) of `suite` from this machine's own Debian mirror, imported as an image. */
async function debootstrapImage(suite: string, tag: string, log: (line: string) => void): Promise<void> {
  if (!isRoot()) throw new SetupError(`making the base image ${tag} with debootstrap needs root`);
  if (findExecutable('debootstrap') === undefined) {
    await installSystemPackages([{ package: 'debootstrap', present: false, missing: ['debootstrap'] }], log);
  }
  const mirror = machineDebianMirror();
  if (mirror === undefined) {
    throw new SetupError("no Debian mirror in this machine's apt configuration to debootstrap the base image from");
  }
  // A root file system of an earlier setup that was killed half-way is hundreds of megabytes: gone first.
  sweepStaleRunDirs({ parent: '/var/tmp', log });
  const root = createRunDir('/var/tmp', 'rootfs');
  const started = Date.now();
  try {
    log(`making base image ${tag}: debootstrap --variant=minbase ${suite} from ${mirror} (about half a minute)`);
    const boot = await runCommand('debootstrap', ['--variant=minbase', suite, root, mirror]);
    if (boot.code !== 0)
      throw new SetupError(`debootstrap ${suite} failed (exit ${boot.code})`, outputTail(boot.output));
    const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const [repo, version] = tag.split(':') as [string, string];
    const imported = await dockerClient().importImage(tar.stdout, {
      repo,
      tag: version,
      changes: [`LABEL ${IMAGE_LABEL}=base`, 'CMD ["/bin/bash"]'],
    });
    await followStream(imported, () => undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  log(`base image ${tag} made in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * The image every harness image is built FROM. One asked for by name must be on this machine or pullable. The
 * default (containers/base/Dockerfile) is used when present or pullable; otherwise the harness's debootstrap of the
 * same suite stands in for it, made once.
 */
export async function ensureBaseImage(
  containersDir: string,
  requested: string | undefined,
  log: (line: string) => void,
): Promise<string> {
  const wanted = requested ?? defaultBaseImage(containersDir);
  if (await imagePresent(wanted)) return wanted;
  const pullError = await tryPull(wanted);
  if (pullError === undefined) return wanted;
  if (requested !== undefined) {
    throw new SetupError(`base image ${requested} is not on this machine and cannot be pulled: ${pullError}`);
  }
  const suite = suiteOf(wanted);
  if (suite === undefined) throw new SetupError(`cannot pull ${wanted} (${pullError}) and cannot debootstrap it`);
  const local = localBaseImage(suite);
  if (await imagePresent(local)) return local;
  log(`${wanted} cannot be pulled here (${pullError.split('\n')[0]}); making a stand-in`);
  await debootstrapImage(suite, local, log);
  return local;
}

/** An image a user named: on this machine, or pulled; otherwise a SetupError that names it and says why. */
export async function ensureImagePresent(image: string, what: string): Promise<void> {
  if (await imagePresent(image)) return;
  const pullError = await tryPull(image);
  if (pullError !== undefined) {
    throw new SetupError(`${what} ${image} is not on this machine and cannot be pulled: ${pullError.split('\n')[0]}`);
  }
}
