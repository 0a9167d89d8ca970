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
  socket: 'PARSEC_CONFORMANCE_SOCKET',
  appName: 'PARSEC_CONFORMANCE_APP_NAME',
} as const;

export const DEFAULT_OUT_DIR = 'reports';

export interface RunOptions {
  /** Crypto providers to start (native) or to test (attached); undefined when attached means all it lists. */
  readonly providers?: readonly ProviderKey[];
  /** Undefined when the user did not choose: then a `parsec` on PATH wins over the Debian default. */
  readonly parsecSuite?: ParsecSuite;
  readonly parsecBin?: string;
  readonly outDir: string;
  /** Attach to a Parsec already listening on this socket instead of starting one. */
  readonly socket?: string;
}

export function runOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RunOptions {
  const suite = env[ENV.parsecSuite];
  return {
    // Attached to a running service, the default is whatever it lists; a started one gets all three.
    ...(env[ENV.providers]
      ? { providers: parseProviderList(env[ENV.providers] as string) }
      : env[ENV.socket]
        ? {}
        : { providers: [...PROVIDER_KEYS] }),
    ...(suite ? { parsecSuite: parseParsecSuite(suite) } : {}),
    ...(env[ENV.parsecBin] ? { parsecBin: env[ENV.parsecBin] } : {}),
    outDir: env[ENV.outDir] ?? DEFAULT_OUT_DIR,
    ...(env[ENV.socket] ? { socket: env[ENV.socket] } : {}),
  };
}

export function runOptionsToEnv(o: RunOptions): Record<string, string> {
  return {
    ...(o.providers ? { [ENV.providers]: o.providers.join(',') } : {}),
    ...(o.parsecSuite ? { [ENV.parsecSuite]: o.parsecSuite } : {}),
    ...(o.parsecBin ? { [ENV.parsecBin]: o.parsecBin } : {}),
    [ENV.outDir]: o.outDir,
    ...(o.socket ? { [ENV.socket]: o.socket } : {}),
  };
}
