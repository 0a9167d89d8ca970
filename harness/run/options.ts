import { PROVIDER_KEYS } from '../model/providers';
import { DEFAULT_PARSEC_SUITE, findExecutable } from '../setup';
import { defaultProviderSpecs, parseTargetSpec, type ParsecSource, type TargetSpec } from '../targets';
import type { RunOptionsRecord } from '../reports/model';
import { RUN_RECORD_ENV } from '../reports/run-record';

/**
 * What a run needs to know, passed from the CLI to Jest's globalSetup through the environment (globalSetup runs in
 * the CLI's process, and suites in workers that inherit it): the target spec as JSON, and the report folder.
 * Defaults make `jest --selectProjects conformance` work on its own too.
 */
export const ENV = {
  spec: 'PARSEC_CONFORMANCE_TARGET_SPEC',
  outDir: 'PARSEC_CONFORMANCE_OUT',
  /** JSON list of expectation profile files (--profile), absolute paths, in the order given. */
  profiles: 'PARSEC_CONFORMANCE_PROFILES',
  /** The run's options as results.json records them (the reporter reads it). */
  record: RUN_RECORD_ENV,
  /** How long a request waits for an answer, in milliseconds (run --request-timeout). */
  requestTimeoutMs: 'PARSEC_CONFORMANCE_REQUEST_TIMEOUT_MS',
} as const;

/**
 * A request gets 5 s to be answered unless its case is allowed longer (harness/kit/request-allowances.ts): the
 * slowest legitimate request of a full run, RSA 3072/4096 generation aside, answers well within it, and a service
 * that holds a request open then costs a run seconds, not 30 s a request.
 */
export const DEFAULT_REQUEST_TIMEOUT_S = 5;

export const DEFAULT_OUT_DIR = 'reports';

export interface RunOptions {
  readonly spec: TargetSpec;
  readonly outDir: string;
  /** Expectation files that add to or override the project's (fixtures/expectations/), later ones winning. */
  readonly profiles?: readonly string[];
  /** How the run was asked for, for results.json: never a secret (variable names, not their values). */
  readonly record?: RunOptionsRecord;
  /** How long a request waits for an answer (run --request-timeout); the default is DEFAULT_REQUEST_TIMEOUT_S. */
  readonly requestTimeoutMs?: number;
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
  const profiles = env[ENV.profiles] ? (JSON.parse(env[ENV.profiles] as string) as string[]) : [];
  const timeout = Number(env[ENV.requestTimeoutMs]);
  const requestTimeoutMs = Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_REQUEST_TIMEOUT_S * 1000;
  return { spec, outDir: env[ENV.outDir] ?? DEFAULT_OUT_DIR, profiles, requestTimeoutMs };
}

export function runOptionsToEnv(o: RunOptions): Record<string, string> {
  return {
    [ENV.spec]: JSON.stringify(o.spec),
    [ENV.outDir]: o.outDir,
    [ENV.profiles]: JSON.stringify(o.profiles ?? []),
    ...(o.record ? { [ENV.record]: JSON.stringify(o.record) } : {}),
    ...(o.requestTimeoutMs !== undefined ? { [ENV.requestTimeoutMs]: String(o.requestTimeoutMs) } : {}),
  };
}
