import { PROVIDER_KEYS } from '../model/providers';
import { DEFAULT_PARSEC_SUITE, findExecutable } from '../setup';
import { defaultProviderSpecs, parseTargetSpec, type ParsecSource, type TargetSpec } from '../targets';

/**
 * What a run needs to know, passed from the CLI to Jest's globalSetup through the environment (globalSetup runs in
 * the CLI's process, and suites in workers that inherit it): the target spec as JSON, and the report folder.
 * Defaults make `jest --selectProjects conformance` work on its own too.
 */
export const ENV = {
  spec: 'PARSEC_CONFORMANCE_TARGET_SPEC',
  outDir: 'PARSEC_CONFORMANCE_OUT',
} as const;

export const DEFAULT_OUT_DIR = 'reports';

export interface RunOptions {
  readonly spec: TargetSpec;
  readonly outDir: string;
}

/** Without a choice: a `parsec` on PATH (a build of the user's), else Debian's package of the default suite. */
export function defaultParsecSource(kind: 'native' | 'containers'): ParsecSource {
  const onPath = kind === 'native' ? findExecutable('parsec') : undefined;
  return onPath ? { from: 'binary', path: onPath } : { from: 'debian', suite: DEFAULT_PARSEC_SUITE };
}

/** The native default: Parsec with every provider, each on a backend the harness makes for the run. */
export function defaultSpec(): TargetSpec {
  return { kind: 'native', parsec: defaultParsecSource('native'), providers: defaultProviderSpecs(PROVIDER_KEYS) };
}

export function runOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RunOptions {
  const raw = env[ENV.spec];
  let spec: TargetSpec;
  if (raw === undefined) spec = defaultSpec();
  else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      throw new Error(`${ENV.spec} is not JSON: ${(e as Error).message}`);
    }
    spec = parseTargetSpec(parsed, ENV.spec);
  }
  return { spec, outDir: env[ENV.outDir] ?? DEFAULT_OUT_DIR };
}

export function runOptionsToEnv(o: RunOptions): Record<string, string> {
  return { [ENV.spec]: JSON.stringify(o.spec), [ENV.outDir]: o.outDir };
}
