import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  checkSystemPackages,
  ensureSystemPackages,
  findProjectRoot,
  installSystemPackages,
  outputTail,
  runCommand,
  SetupError,
} from '../setup';
import { P11_KIT_HEADER } from '../setup/system-packages';

/** The bench's direct backend clients, compiled on this machine with the system compiler. */
export interface BenchTools {
  /** Times one operation straight on a PKCS#11 token (containers/pkcs11/pkcs11-bench.c). */
  readonly pkcs11Bench: string;
  /** Times one operation straight on a TPM through ESYS (containers/tpm/tpm-bench.c). */
  readonly tpmBench: string;
}

const SOURCES = ['pkcs11/pkcs11-bench.c', 'tpm/tpm-bench.c'];

async function compile(args: string[], what: string): Promise<void> {
  const r = await runCommand('cc', args);
  if (r.code !== 0) throw new SetupError(`compiling ${what} with cc failed (exit ${r.code})`, outputTail(r.output, 30));
}

/**
 * Compiles both helpers once per source content into `.cache/bench-tools/<hash>/`, installing the compiler, p11-kit's
 * header and libtss2-dev first when they are missing (root, apt; `setup --check` names them otherwise).
 */
export async function ensureBenchTools(log: (line: string) => void = () => undefined): Promise<BenchTools> {
  const root = findProjectRoot();
  const src = join(root, 'containers');
  const hash = createHash('sha256');
  for (const f of SOURCES)
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(join(src, f)))
      .update('\0');
  const dir = join(root, '.cache', 'bench-tools', hash.digest('hex').slice(0, 16));
  const tools = { pkcs11Bench: join(dir, 'pkcs11-bench'), tpmBench: join(dir, 'tpm-bench') };
  if (existsSync(tools.pkcs11Bench) && existsSync(tools.tpmBench)) return tools;

  await ensureSystemPackages({ providers: ['pkcs11', 'tpm'], log });
  await installSystemPackages(
    checkSystemPackages().filter((r) => r.package === 'libtss2-dev' && !r.present),
    log,
  );
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const flags = ['-O2', '-Wall', '-Wextra', '-Werror'];
    await compile(
      [
        ...flags,
        `-I${dirname(dirname(P11_KIT_HEADER))}`,
        join(src, 'pkcs11', 'pkcs11-bench.c'),
        '-o',
        join(staging, 'pkcs11-bench'),
        '-ldl',
        '-lpthread',
      ],
      'the PKCS#11 bench client',
    );
    await compile(
      [...flags, join(src, 'tpm', 'tpm-bench.c'), '-o', join(staging, 'tpm-bench'), '-ltss2-esys', '-ltss2-tctildr'],
      'the TPM bench client',
    );
    mkdirSync(dirname(dir), { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  log(`compiled the PKCS#11 and TPM bench clients into ${dir}`);
  return tools;
}
