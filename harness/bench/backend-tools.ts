import { dirname } from 'node:path';
import { checkSystemPackages, compiledOnce, ensureSystemPackages, installSystemPackages } from '../setup';
import { P11_KIT_HEADER } from '../setup/system-packages';

/** The bench's direct backend clients, compiled on this machine with the system compiler. */
export interface BenchTools {
  /** Times one operation straight on a PKCS#11 token (containers/pkcs11/pkcs11-bench.c). */
  readonly pkcs11Bench: string;
  /** Times one operation straight on a TPM through ESYS (containers/tpm/tpm-bench.c). */
  readonly tpmBench: string;
}

/**
 * Compiles both helpers once per source content into `.cache/bench-tools/<hash>/`, installing the compiler, p11-kit's
 * header and libtss2-dev first when they are missing (root, apt; `setup --check` names them otherwise).
 */
export function ensureBenchTools(log: (line: string) => void = () => undefined): Promise<BenchTools> {
  return compiledOnce({
    cacheName: 'bench-tools',
    sources: ['pkcs11/pkcs11-bench.c', 'tpm/tpm-bench.c'],
    outputs: { pkcs11Bench: 'pkcs11-bench', tpmBench: 'tpm-bench' },
    prepare: async () => {
      await ensureSystemPackages({ providers: ['pkcs11', 'tpm'], log });
      await installSystemPackages(
        checkSystemPackages().filter((r) => r.package === 'libtss2-dev' && !r.present),
        log,
      );
    },
    steps: (source, output) => {
      const flags = ['-O2', '-Wall', '-Wextra', '-Werror'];
      return [
        {
          what: 'the PKCS#11 bench client',
          args: [
            ...flags,
            `-I${dirname(dirname(P11_KIT_HEADER))}`,
            ...[source('pkcs11/pkcs11-bench.c'), '-o', output('pkcs11-bench'), '-ldl', '-lpthread'],
          ],
        },
        {
          what: 'the TPM bench client',
          args: [...flags, source('tpm/tpm-bench.c'), '-o', output('tpm-bench'), '-ltss2-esys', '-ltss2-tctildr'],
        },
      ];
    },
    log,
    describe: 'the PKCS#11 and TPM bench clients',
  });
}
