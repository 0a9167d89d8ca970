import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findProjectRoot } from './project-root';
import { outputTail, runCommand } from './run-command';
import { SetupError } from './setup-error';
import { ensureSystemPackages } from './ensure-setup';
import { P11_KIT_HEADER } from './system-packages';

/** The harness's own PKCS#11 programs, compiled on this machine from containers/pkcs11/. */
export interface Pkcs11Tools {
  /** A PKCS#11 module that wraps SoftHSM2 with one PIN quirk (configured through PARSEC_CONFORMANCE_QUIRK_CONFIG). */
  readonly quirkModule: string;
  /** A direct PKCS#11 client: token and slot facts, mechanisms, a login with PIN bytes from the environment. */
  readonly probe: string;
}

const SOURCES = ['quirk-token.c', 'pkcs11-probe.c'];

async function compile(args: string[], what: string): Promise<void> {
  const r = await runCommand('cc', args);
  if (r.code !== 0) throw new SetupError(`compiling ${what} with cc failed (exit ${r.code})`, outputTail(r.output, 30));
}

/**
 * Compiles the quirk token and the probe with the system compiler, once per source content, into
 * `.cache/pkcs11-tools/<hash>/`. Installs the compiler and p11-kit's header first when they are missing (root).
 */
export async function ensurePkcs11Tools(log: (line: string) => void = () => undefined): Promise<Pkcs11Tools> {
  const root = findProjectRoot();
  const src = join(root, 'containers', 'pkcs11');
  const hash = createHash('sha256');
  for (const f of SOURCES)
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(join(src, f)))
      .update('\0');
  const dir = join(root, '.cache', 'pkcs11-tools', hash.digest('hex').slice(0, 16));
  const tools = { quirkModule: join(dir, 'libparsec-conformance-quirk.so'), probe: join(dir, 'pkcs11-probe') };
  if (existsSync(tools.quirkModule) && existsSync(tools.probe)) return tools;

  await ensureSystemPackages({ providers: ['pkcs11'], log });
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const include = `-I${dirname(dirname(P11_KIT_HEADER))}`;
    const flags = ['-O2', '-Wall', '-Wextra', '-Werror', include];
    await compile(
      [
        ...flags,
        '-fPIC',
        '-shared',
        join(src, 'quirk-token.c'),
        '-o',
        join(staging, 'libparsec-conformance-quirk.so'),
        '-ldl',
        '-lpthread',
      ],
      'the quirk token',
    );
    await compile(
      [...flags, join(src, 'pkcs11-probe.c'), '-o', join(staging, 'pkcs11-probe'), '-ldl'],
      'the PKCS#11 probe',
    );
    mkdirSync(dirname(dir), { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  log(`compiled the quirk token and the PKCS#11 probe into ${dir}`);
  return tools;
}
