import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ParsecSuite } from './parsec-suites';
import { isExecutableFile } from './find-executable';
import { outputTail, runCommand } from './run-command';
import { SetupError } from './setup-error';

/**
 * Runtime libraries of parsec-service that bookworm cannot provide (newer sonames or t64 package names). TCTI plugins
 * (libtss2-tcti-*) are left out on purpose: the newer builds need glibc 2.38, and the loader finds the system's.
 */
const PRIVATE_LIBRARY = /^lib(mbedcrypto\d|tss2-(esys|mu|sys|tctildr))/;
const ROOT_PACKAGES = ['parsec-service', 'parsec-tool'];
const MANIFEST = 'manifest.json';

export interface DebianParsecManifest {
  readonly suite: ParsecSuite;
  readonly mirror: string;
  readonly createdAt: string;
  /** Package name → Debian version of every unpacked package. */
  readonly packages: Readonly<Record<string, string>>;
  /** Paths relative to the suite folder, so the cache survives moving the project. */
  readonly parsec: string;
  readonly parsecTool?: string;
  readonly libraryPath: string;
}

export interface DebianParsec {
  readonly suite: ParsecSuite;
  readonly dir: string;
  readonly parsecPath: string;
  readonly parsecToolPath?: string;
  readonly libraryPath: string;
  readonly packageVersion: string;
  readonly manifest: DebianParsecManifest;
}

export function debianParsecDir(cacheRoot: string, suite: ParsecSuite): string {
  return join(cacheRoot, suite);
}

/** The unpacked build of `suite`, if a complete one is in the cache (the manifest is written last). */
export function readDebianParsec(cacheRoot: string, suite: ParsecSuite): DebianParsec | undefined {
  const dir = debianParsecDir(cacheRoot, suite);
  let manifest: DebianParsecManifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as DebianParsecManifest;
  } catch {
    return undefined;
  }
  const parsecPath = join(dir, manifest.parsec);
  const version = manifest.packages['parsec-service'];
  if (manifest.suite !== suite || !version || !isExecutableFile(parsecPath)) return undefined;
  return {
    suite,
    dir,
    parsecPath,
    parsecToolPath: manifest.parsecTool === undefined ? undefined : join(dir, manifest.parsecTool),
    libraryPath: join(dir, manifest.libraryPath),
    packageVersion: version,
    manifest,
  };
}

/** Names from a Depends field, first alternative of each, without version constraints or architecture qualifiers. */
export function dependencyNames(depends: string): string[] {
  return depends
    .split(',')
    .map(
      (d) =>
        d
          .split('|')[0]
          .trim()
          .split(/[\s(:]/)[0],
    )
    .filter((n) => n.length > 0);
}

export function privateLibraryDependencies(depends: string): string[] {
  return dependencyNames(depends).filter((n) => PRIVATE_LIBRARY.test(n));
}

async function debField(file: string, field: string): Promise<string> {
  const res = await runCommand('dpkg-deb', ['-f', file, field]);
  if (res.code !== 0) throw new SetupError(`dpkg-deb -f ${file} ${field} failed`, outputTail(res.output));
  return res.output.trim();
}

export interface FetchOptions {
  readonly mirror: string;
  readonly log: (line: string) => void;
}

/**
 * Downloads parsec-service (and parsec-tool) of `suite` with a private apt state and unpacks them, with the libraries
 * they need, into `<cacheRoot>/<suite>/prefix`. Nothing on the system changes. Work happens in a staging folder that
 * is renamed into place only when complete, so an interrupted run is simply redone.
 */
export async function fetchDebianParsec(
  cacheRoot: string,
  suite: ParsecSuite,
  opts: FetchOptions,
): Promise<DebianParsec> {
  const started = Date.now();
  const finalDir = debianParsecDir(cacheRoot, suite);
  const staging = join(cacheRoot, `.${suite}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const apt = join(staging, 'apt');
  const debs = join(staging, 'debs');
  const prefix = join(staging, 'prefix');
  for (const d of [join(apt, 'lists', 'partial'), join(apt, 'archives', 'partial'), join(apt, 'cache'), debs, prefix]) {
    mkdirSync(d, { recursive: true });
  }
  try {
    writeFileSync(join(apt, 'sources.list'), `deb ${opts.mirror} ${suite} main\n`);
    // Every apt path is private: the system's package lists and caches must not see the newer suite.
    const aptOpts = [
      '-o',
      `Dir::Etc::sourcelist=${join(apt, 'sources.list')}`,
      '-o',
      'Dir::Etc::sourceparts=-',
      '-o',
      `Dir::State::Lists=${join(apt, 'lists')}`,
      '-o',
      `Dir::Cache=${join(apt, 'cache')}`,
      '-o',
      `Dir::Cache::archives=${join(apt, 'archives')}`,
    ];
    opts.log(`fetching Parsec from Debian ${suite} (${opts.mirror}) into ${finalDir}`);
    const update = await runCommand('apt-get', [...aptOpts, 'update']);
    if (update.code !== 0) {
      throw new SetupError(`apt-get update for Debian ${suite} from ${opts.mirror} failed`, outputTail(update.output));
    }

    const files = new Map<string, string>();
    const download = async (names: string[]) => {
      const res = await runCommand('apt-get', [...aptOpts, 'download', ...names], { cwd: debs });
      if (res.code !== 0) {
        const policy = await runCommand('apt-cache', [...aptOpts, 'policy', ...names]);
        throw new SetupError(
          `apt-get download ${names.join(' ')} from Debian ${suite} failed (exit ${res.code}); see details for apt-cache policy`,
          `${outputTail(res.output)}\n${outputTail(policy.output, 30)}`,
        );
      }
      for (const file of readdirSync(debs).filter((f) => f.endsWith('.deb'))) {
        const name = file.split('_')[0];
        if (!files.has(name)) files.set(name, join(debs, file));
      }
    };
    // Library names differ between suites (t64 renames), so they come from the packages' own Depends.
    await download(ROOT_PACKAGES);
    let frontier = ROOT_PACKAGES;
    while (frontier.length > 0) {
      const wanted = new Set<string>();
      for (const name of frontier) {
        const file = files.get(name);
        if (!file) throw new SetupError(`apt-get download did not produce a .deb for ${name} (Debian ${suite})`);
        for (const dep of privateLibraryDependencies(await debField(file, 'Depends'))) {
          if (!files.has(dep)) wanted.add(dep);
        }
      }
      frontier = [...wanted];
      if (frontier.length > 0) await download(frontier);
    }

    const packages: Record<string, string> = {};
    for (const [name, file] of files) {
      const res = await runCommand('dpkg', ['-x', file, prefix]);
      if (res.code !== 0) throw new SetupError(`dpkg -x ${file} failed`, outputTail(res.output));
      packages[name] = await debField(file, 'Version');
    }

    const parsecPath = join(prefix, 'usr', 'bin', 'parsec');
    if (!isExecutableFile(parsecPath)) throw new SetupError(`parsec-service of Debian ${suite} has no usr/bin/parsec`);
    const toolPath = join(prefix, 'usr', 'bin', 'parsec-tool');
    const libDir =
      readdirSync(join(prefix, 'usr', 'lib'))
        .filter((d) => /-linux-gnu/.test(d))
        .map((d) => join(prefix, 'usr', 'lib', d))[0] ?? join(prefix, 'usr', 'lib');
    const manifest: DebianParsecManifest = {
      suite,
      mirror: opts.mirror,
      createdAt: new Date().toISOString(),
      packages,
      parsec: relative(staging, parsecPath),
      parsecTool: isExecutableFile(toolPath) ? relative(staging, toolPath) : undefined,
      libraryPath: relative(staging, libDir),
    };
    rmSync(apt, { recursive: true, force: true });
    rmSync(debs, { recursive: true, force: true });
    writeFileSync(join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    publish(staging, finalDir, suite, cacheRoot);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const result = readDebianParsec(cacheRoot, suite);
  if (!result) throw new SetupError(`the unpacked Parsec of Debian ${suite} in ${finalDir} is not usable`);
  opts.log(
    `Parsec ${result.packageVersion} from Debian ${suite} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return result;
}

/** Renames the staging folder into place; a concurrent run that finished first wins and ours is dropped. */
function publish(staging: string, finalDir: string, suite: ParsecSuite, cacheRoot: string): void {
  if (existsSync(finalDir)) {
    if (readDebianParsec(cacheRoot, suite)) return;
    rmSync(finalDir, { recursive: true, force: true });
  }
  try {
    renameSync(staging, finalDir);
  } catch (err) {
    if (!readDebianParsec(cacheRoot, suite)) throw err;
  }
}
