import { dirname } from 'node:path';
import { compiledOnce } from './compiled-once';
import { ensureSystemPackages } from './ensure-setup';
import { P11_KIT_HEADER } from './system-packages';

/** The harness's own PKCS#11 programs, compiled on this machine from containers/pkcs11/. */
export interface Pkcs11Tools {
  /** A PKCS#11 module that wraps SoftHSM2 with one PIN quirk (configured through PARSEC_CONFORMANCE_QUIRK_CONFIG). */
  readonly quirkModule: string;
  /** A direct PKCS#11 client: token and slot facts, mechanisms, a login with PIN bytes from the environment. */
  readonly probe: string;
}

/**
 * Compiles the quirk token and the probe with the system compiler, once per source content, into
 * `.cache/pkcs11-tools/<hash>/`. Installs the compiler and p11-kit's header first when they are missing (root).
 */
export function ensurePkcs11Tools(log: (line: string) => void = () => undefined): Promise<Pkcs11Tools> {
  return compiledOnce({
    cacheName: 'pkcs11-tools',
    sources: ['pkcs11/quirk-token.c', 'pkcs11/pkcs11-probe.c'],
    outputs: { quirkModule: 'libparsec-conformance-quirk.so', probe: 'pkcs11-probe' },
    prepare: () => ensureSystemPackages({ providers: ['pkcs11'], log }).then(() => undefined),
    steps: (source, output) => {
      const flags = ['-O2', '-Wall', '-Wextra', '-Werror', `-I${dirname(dirname(P11_KIT_HEADER))}`];
      return [
        {
          what: 'the quirk token',
          args: [
            ...flags,
            ...['-fPIC', '-shared', source('pkcs11/quirk-token.c')],
            ...['-o', output('libparsec-conformance-quirk.so'), '-ldl', '-lpthread'],
          ],
        },
        {
          what: 'the PKCS#11 probe',
          args: [...flags, source('pkcs11/pkcs11-probe.c'), '-o', output('pkcs11-probe'), '-ldl'],
        },
      ];
    },
    log,
    describe: 'the quirk token and the PKCS#11 probe',
  });
}
