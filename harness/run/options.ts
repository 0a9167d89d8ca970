import { PROVIDER_KEYS, parseProviderList, type ProviderKey } from '../model/providers';
import { parseParsecSuite, type ParsecSuite } from '../setup/parsec-suites';

/**
 * What a run needs to know, passed from the CLI to Jest's globalSetup through the environment (globalSetup runs in
 * the CLI's process, and suites in workers that inherit it). Defaults make `jest --selectProjects conformance` work
 * on its own too.
 */
export const ENV = {
  providers: 'PARSEC_CONFORMANCE_PROVIDERS',
  parsecSuite: 'PARSEC_CONFORMANCE_PARSEC',
  parsecBin: 'PARSEC_CONFORMANCE_PARSEC_BIN',
  outDir: 'PARSEC_CONFORMANCE_OUT',
} as const;

export const DEFAULT_OUT_DIR = 'reports';

export interface RunOptions {
  readonly providers: readonly ProviderKey[];
  /** Undefined when the user did not choose: then a `parsec` on PATH wins over the Debian default. */
  readonly parsecSuite?: ParsecSuite;
  readonly parsecBin?: string;
  readonly outDir: string;
}

export function runOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RunOptions {
  const suite = env[ENV.parsecSuite];
  return {
    providers: env[ENV.providers] ? parseProviderList(env[ENV.providers] as string) : [...PROVIDER_KEYS],
    ...(suite ? { parsecSuite: parseParsecSuite(suite) } : {}),
    ...(env[ENV.parsecBin] ? { parsecBin: env[ENV.parsecBin] } : {}),
    outDir: env[ENV.outDir] ?? DEFAULT_OUT_DIR,
  };
}

export function runOptionsToEnv(o: RunOptions): Record<string, string> {
  return {
    [ENV.providers]: o.providers.join(','),
    ...(o.parsecSuite ? { [ENV.parsecSuite]: o.parsecSuite } : {}),
    ...(o.parsecBin ? { [ENV.parsecBin]: o.parsecBin } : {}),
    [ENV.outDir]: o.outDir,
  };
}
