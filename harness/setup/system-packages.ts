import { existsSync, readdirSync } from 'node:fs';
import type { ProviderKey } from '../model/providers';
import { findExecutable, findSystemLibrary } from './find-executable';
import { outputTail, runCommand } from './run-command';
import { SetupError } from './setup-error';

/** A probe is a command name (looked up on PATH), an absolute path, or `lib:<soname>` (a system library). */
export interface SystemRequirement {
  readonly package: string;
  readonly probes: readonly string[];
  readonly neededFor: readonly ProviderKey[];
}

export const SOFTHSM2_LIBRARY = '/usr/lib/softhsm/libsofthsm2.so';
/** The PKCS#11 header the harness's C code is compiled against (p11-kit's, from Debian's libp11-kit-dev). */
export const P11_KIT_HEADER = '/usr/include/p11-kit-1/p11-kit/pkcs11.h';
/** The TPM2 ESYS header the bench's direct TPM client is compiled against (Debian's libtss2-dev). */
export const TSS2_ESYS_HEADER = '/usr/include/tss2/tss2_esys.h';

export const SYSTEM_REQUIREMENTS: readonly SystemRequirement[] = [
  { package: 'softhsm2', probes: ['softhsm2-util', SOFTHSM2_LIBRARY], neededFor: ['pkcs11'] },
  // The quirk token and the direct PKCS#11 client (containers/pkcs11/*.c) are compiled here, by setup.
  { package: 'gcc', probes: ['cc'], neededFor: ['pkcs11'] },
  { package: 'libc6-dev', probes: ['/usr/include/stdio.h'], neededFor: ['pkcs11'] },
  { package: 'libp11-kit-dev', probes: [P11_KIT_HEADER], neededFor: ['pkcs11'] },
  { package: 'swtpm', probes: ['swtpm'], neededFor: ['tpm'] },
  { package: 'swtpm-tools', probes: ['swtpm_setup'], neededFor: ['tpm'] },
  { package: 'tpm2-tools', probes: ['tpm2_startup'], neededFor: ['tpm'] },
  // The TCTI plugin Parsec loads for `swtpm:`; the newer suites' build needs glibc 2.38, so it must be the system's.
  { package: 'libtss2-tcti-swtpm0', probes: ['lib:libtss2-tcti-swtpm.so.0'], neededFor: ['tpm'] },
  // The harness's own tests validate junit.xml against an XSD with xmllint; no provider needs it, so only a full
  // `setup` (no providers named, as `npm test` runs it) installs it.
  { package: 'libxml2-utils', probes: ['xmllint'], neededFor: [] },
  // The harness's own tests open report.html in a headless browser (Debian's Chromium); likewise only a full setup.
  { package: 'chromium', probes: ['chromium'], neededFor: [] },
  // `bench --operations` times the TPM directly with its own ESYS client (containers/tpm/tpm-bench.c), compiled here
  // against these headers; no provider needs it, so a full `setup` or the bench itself installs it.
  { package: 'libtss2-dev', probes: [TSS2_ESYS_HEADER], neededFor: [] },
];

export interface RequirementStatus {
  readonly package: string;
  readonly present: boolean;
  /** The probes that failed. */
  readonly missing: readonly string[];
}

function probeOk(probe: string): boolean {
  if (probe.startsWith('lib:')) return findSystemLibrary(probe.slice(4)) !== undefined;
  if (probe.startsWith('/')) return existsSync(probe);
  return findExecutable(probe) !== undefined;
}

/**
 * The TCTI plugin a TPM of the user's is reached through (`device:…` needs libtss2-tcti-device), from the system: the
 * TCTI loader of every Parsec the harness runs here finds it there.
 */
export function tctiRequirement(tcti: string): SystemRequirement {
  const name = tcti.split(':')[0] as string;
  return { package: `libtss2-tcti-${name}0`, probes: [`lib:libtss2-tcti-${name}.so.0`], neededFor: ['tpm'] };
}

/**
 * The requirements of the given providers (all when omitted) and of the given TCTIs, each with what is missing.
 * Providers are those whose backend the harness makes itself (a SoftHSM2 token, an swtpm).
 */
export function checkSystemPackages(
  providers?: readonly ProviderKey[],
  tctis: readonly string[] = [],
): RequirementStatus[] {
  const wanted = [
    ...SYSTEM_REQUIREMENTS.filter((r) => !providers || r.neededFor.some((p) => providers.includes(p))),
    ...tctis.map(tctiRequirement),
  ];
  const unique = wanted.filter((r, i) => wanted.findIndex((o) => o.package === r.package) === i);
  return unique.map((r) => {
    const missing = r.probes.filter((p) => !probeOk(p));
    return { package: r.package, present: missing.length === 0, missing };
  });
}

export function installCommand(packages: readonly string[]): string {
  return `sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export function aptAvailable(): boolean {
  return findExecutable('apt-get') !== undefined && findExecutable('dpkg-deb') !== undefined;
}

function aptListsEmpty(): boolean {
  try {
    return !readdirSync('/var/lib/apt/lists').some((f) => f.endsWith('_Packages') || f.includes('_Packages.'));
  } catch {
    return true;
  }
}

const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

/**
 * Installs the missing packages with the system's apt (root only). `apt-get update` runs at most once: first when
 * the package lists are empty (fresh image), otherwise only if the install cannot find a package.
 */
export async function installSystemPackages(
  missing: readonly RequirementStatus[],
  log: (line: string) => void,
): Promise<void> {
  if (missing.length === 0) return;
  const packages = missing.map((r) => r.package);
  const what = packages.join(' ');
  const detail = missing.map((r) => `${r.package} (${r.missing.join(', ')})`).join(', ');
  if (!aptAvailable()) {
    throw new SetupError(
      `missing ${detail} and apt-get is not available; install the equivalents of ${what} with this system's package manager`,
    );
  }
  if (!isRoot()) {
    throw new SetupError(`missing system packages: ${detail}; install them with: ${installCommand(packages)}`);
  }

  const progress = (line: string) => {
    if (/^(Get:\d|Setting up |Fetched )/.test(line)) log(`  apt: ${line.trim()}`);
  };
  let updated = false;
  const update = async () => {
    log('apt-get update');
    const res = await runCommand('apt-get', ['update'], { env: APT_ENV, onLine: progress });
    if (res.code !== 0) throw new SetupError(`apt-get update failed (exit ${res.code})`, outputTail(res.output));
    updated = true;
  };
  if (aptListsEmpty()) await update();
  const install = () =>
    runCommand('apt-get', ['install', '-y', '--no-install-recommends', ...packages], {
      env: APT_ENV,
      onLine: progress,
    });
  log(`installing system packages: ${what}`);
  let res = await install();
  if (res.code !== 0 && !updated) {
    await update();
    res = await install();
  }
  if (res.code !== 0) {
    throw new SetupError(`apt-get install ${what} failed (exit ${res.code})`, outputTail(res.output));
  }
}
