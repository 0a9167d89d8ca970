import { ensureParsecBuild, ensureSetup, ensureSystemPackages, type ParsecBinary } from '../../setup';
import type { ProviderKey } from '../../model/providers';
import type { NativeSpec } from '../spec';
import { TargetSpecError } from '../spec-parse';

/** The Parsec binary a native spec names, installing or fetching what is missing (fast when all is there). */
export async function resolveNativeParsec(spec: NativeSpec, log: (line: string) => void): Promise<ParsecBinary> {
  // System packages only for the backends the harness makes itself; a user's TPM needs its TCTI plugin.
  const providers: ProviderKey[] = spec.providers
    .filter((p) => (p.key === 'pkcs11' && p.module === undefined) || (p.key === 'tpm' && p.tcti === undefined))
    .map((p) => p.key);
  const tctis = spec.providers.flatMap((p) => (p.key === 'tpm' && p.tcti !== undefined ? [p.tcti] : []));
  const source = spec.parsec;
  switch (source.from) {
    case 'debian':
      return ensureSetup({ parsecSuite: source.suite, providers, tctis, log });
    case 'binary':
      return ensureSetup({ parsecBin: source.path, providers, tctis, log });
    case 'build':
      await ensureSystemPackages({ providers, tctis, log });
      return ensureParsecBuild({ suite: source.suite, features: source.features, log });
    case 'image':
      throw new TargetSpecError(
        `an image (${source.image}) runs on the containers target only; use --target containers`,
      );
  }
}
