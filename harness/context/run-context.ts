import { readFileSync } from 'node:fs';
import type { ProviderKey } from '../model/providers';
import type { TokenObject, TokenProfile } from '../model/token-profile';
import type { AuthenticatorsBuiltIn, ClientAuth, TargetSpec } from '../targets';

/** Environment variable naming the run-context file that globalSetup writes and suites read at load time. */
export const CONTEXT_ENV = 'PARSEC_CONFORMANCE_CONTEXT';
export const CONTEXT_FORMAT = 2;

/** A provider as the service itself described it in ListProviders. */
export interface DiscoveredProvider {
  readonly id: number;
  /** 'core' or one of the crypto provider keys; undefined for a provider this harness does not know. */
  readonly key: ProviderKey | 'core' | undefined;
  readonly uuid: string;
  readonly name: string;
  readonly vendor: string;
  /** "maj.min.rev" as the service reported it. */
  readonly version: string;
}

export interface DiscoveredAuthenticator {
  readonly id: number;
  readonly description: string;
  readonly version: string;
}

/** The run's target as reports describe it: the same fields whatever its kind, never part of a case id. */
export interface TargetDescription {
  readonly kind: string;
  /** The Core provider's version from ListProviders. */
  readonly parsecVersion: string;
  /** Where Parsec came from: `debian:trixie`, `binary:/path`, `build:trixie+…`, `image:…`, `external:/socket`. */
  readonly parsecSource: string;
  /** What runs: the binary on this machine, the image, or the socket attached to. */
  readonly parsecBinary: string;
  readonly packageVersion?: string;
  /** Cargo features of the build: the ones the harness built with, or the authenticators a probe found. */
  readonly features?: readonly string[];
  /** Component → version (softhsm2, swtpm, libtpms, tpm2-tss, mbedtls, p11-kit, …). */
  readonly backends: Readonly<Record<string, string>>;
  readonly startupMs: number;
}

/**
 * parsec-tool (Debian's, of the same suite as the Parsec under test) for the interop suites: a binary on this
 * machine (native and attached runs) or a client image (container runs), with its Debian version; or why there is none.
 */
export type ParsecToolInfo =
  | { readonly kind: 'binary'; readonly path: string; readonly suite?: string; readonly version?: string }
  | { readonly kind: 'image'; readonly image: string; readonly suite: string; readonly version?: string }
  | { readonly kind: 'unavailable'; readonly reason: string };

/**
 * Everything a suite needs to declare its cases synchronously: Jest collects tests before any async code of a
 * test file runs, so discovery happens once, in globalSetup, and lands in a JSON file.
 */
export interface RunContext {
  readonly formatVersion: typeof CONTEXT_FORMAT;
  /** Short random id of the run; prefixes every key name the run creates. */
  readonly runId: string;
  readonly startedAt: string;
  /** The spec the run's target was started from: suites derive the specs of their own targets from it. */
  readonly spec: TargetSpec;
  readonly socketPath: string;
  readonly auth: ClientAuth;
  /** Parsec's log on this machine while the run's target runs; undefined when the harness cannot read it. */
  readonly serviceLog?: string;
  /** How long a request waits for an answer (`run --request-timeout`); cases may be allowed longer (harness/kit). */
  readonly requestTimeoutMs?: number;
  readonly target: TargetDescription;
  /** Which authenticators the Parsec build has (asked of the binary itself); undefined answers are unknown. */
  readonly authenticatorsBuiltIn: AuthenticatorsBuiltIn;
  /** Why no other instance of the Parsec under test can be started (attached to a service), if so. */
  readonly anotherInstanceUnavailable?: string;
  /** In the service's order (priority order, Core last). */
  readonly providers: readonly DiscoveredProvider[];
  /** The crypto providers the run asked for, in requested order. */
  readonly requestedProviders: readonly ProviderKey[];
  /** ListOpcodes answer per provider id (Core included), as sorted numbers. */
  readonly opcodes: Readonly<Record<number, readonly number[]>>;
  readonly authenticators: readonly DiscoveredAuthenticator[];
  /** CanDoCrypto answers per provider id for the probe catalogue (harness/capabilities): probe key → status name. */
  readonly capabilities: Readonly<Record<number, Readonly<Record<string, string>>>>;
  /** ListKeys of the harness's own identity before any suite ran (race-free: suites create keys in parallel). */
  readonly keysAtStart: readonly { readonly providerId: number; readonly name: string }[];
  /**
   * The PKCS#11 token's profile when the run is on a module of the user's (probed before the run, non-destructively):
   * what it lacks is expected not-supported.
   */
  readonly tokenProfile?: TokenProfile;
  /**
   * That token, how to reach it again (the PIN's variable, never the PIN) and the objects on it before the run: they
   * must all be there, unchanged, at its end, and no object of the run's may be left.
   */
  readonly vendorToken?: {
    readonly module: string;
    readonly slot?: number;
    readonly serial?: string;
    readonly pinEnv?: string;
    readonly objectsAtStart: readonly TokenObject[];
  };
  /** Expectation profiles (--profile) that add to or override the project's files, in the order given. */
  readonly expectationProfiles?: readonly string[];
  /** parsec-tool for the interop suites (resolved once by globalSetup). */
  readonly parsecTool?: ParsecToolInfo;
  /** Folder where suites record case metadata for the reporters. */
  readonly metaDir: string;
  /** The run's report folder: the logs of the targets suites start go to `<outDir>/targets/`. */
  readonly outDir: string;
}

export function readRunContext(path = process.env[CONTEXT_ENV]): RunContext {
  if (!path) {
    throw new Error(
      `${CONTEXT_ENV} is not set: conformance suites run through \`parsec-conformance run\` ` +
        '(or `jest --selectProjects conformance`), whose globalSetup starts the target and writes the run context',
    );
  }
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as RunContext;
  if (parsed.formatVersion !== CONTEXT_FORMAT) {
    throw new Error(`run context ${path} has format ${parsed.formatVersion}, expected ${CONTEXT_FORMAT}`);
  }
  return parsed;
}
