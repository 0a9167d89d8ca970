import type { ProviderKey } from '../model/providers';
import type { ParsecBinary } from './parsec-binary';
import { fetchDebianParsec } from './debian-parsec';
import { machineDebianMirror } from './debian-mirror';
import { findProjectRoot, parsecCacheRoot } from './project-root';
import { resolveParsecLocally, type ParsecChoice } from './resolve-parsec';
import { SetupError } from './setup-error';
import { aptAvailable, checkSystemPackages, installSystemPackages } from './system-packages';

export interface SetupOptions extends ParsecChoice {
  /** Only the system packages these providers need are required (all providers when omitted). */
  readonly providers?: readonly ProviderKey[];
  /** TCTIs of TPMs of the user's (`device:/dev/tpmrm0`): their plugins must be on the system. */
  readonly tctis?: readonly string[];
  /** Folder holding package.json; the Debian builds are cached in `<projectRoot>/.cache/parsec/<suite>`. */
  readonly projectRoot?: string;
  /** Progress lines; silent when everything is already there. */
  readonly log?: (line: string) => void;
}

/** The Parsec binary to run (pass it as `parsec` to a target), plus what setup did. */
export interface SetupResult extends ParsecBinary {
  /** parsec-tool next to the chosen Parsec, when there is one (an independent client). */
  readonly parsecTool?: string;
  /** System packages installed by this call (empty when all were present). */
  readonly installedPackages: readonly string[];
  readonly elapsedMs: number;
}

/**
 * Installs the system packages the given providers' harness-made backends and the given TCTIs need, when missing
 * (root, apt). Returns the packages it installed; fast when everything is there.
 */
export async function ensureSystemPackages(
  opts: Pick<SetupOptions, 'providers' | 'tctis' | 'log'> = {},
): Promise<string[]> {
  const log = opts.log ?? (() => undefined);
  const missing = checkSystemPackages(opts.providers, opts.tctis).filter((r) => !r.present);
  if (missing.length === 0) return [];
  await installSystemPackages(missing, log);
  const still = checkSystemPackages(opts.providers, opts.tctis).filter((r) => !r.present);
  if (still.length > 0) {
    const detail = still.map((r) => `${r.package} (${r.missing.join(', ')})`).join(', ');
    throw new SetupError(`still missing after apt-get install: ${detail}`);
  }
  return missing.map((r) => r.package);
}

/**
 * Makes sure the system tools the chosen providers need are installed and a Parsec binary is available, installing
 * or downloading what is missing. Idempotent; with everything present it only checks files.
 */
export async function ensureSetup(opts: SetupOptions = {}): Promise<SetupResult> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const cacheRoot = parsecCacheRoot(opts.projectRoot ?? findProjectRoot());
  const installedPackages = await ensureSystemPackages(opts);

  const local = resolveParsecLocally(opts, cacheRoot);
  if (local.kind === 'found') {
    return { ...local.parsec, parsecTool: local.parsecTool, installedPackages, elapsedMs: Date.now() - started };
  }
  if (!aptAvailable()) {
    throw new SetupError(
      `no Parsec binary: fetching Debian's parsec-service needs apt-get and dpkg-deb; install Parsec and pass --parsec-bin PATH`,
    );
  }
  const mirror = machineDebianMirror();
  if (mirror === undefined) {
    throw new SetupError(
      'no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list; pass --parsec-bin PATH',
    );
  }
  const fetched = await fetchDebianParsec(cacheRoot, local.suite, { mirror, log });
  return {
    path: fetched.parsecPath,
    libraryPath: fetched.libraryPath,
    origin: `debian:${local.suite}`,
    packageVersion: fetched.packageVersion,
    packages: fetched.manifest.packages,
    parsecTool: fetched.parsecToolPath,
    installedPackages,
    elapsedMs: Date.now() - started,
  };
}
