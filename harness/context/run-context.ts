import { readFileSync } from 'node:fs';
import type { ProviderKey } from '../model/providers';
import type { ClientAuth } from '../targets/target';

/** Environment variable naming the run-context file that globalSetup writes and suites read at load time. */
export const CONTEXT_ENV = 'PARSEC_CONFORMANCE_CONTEXT';

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

/**
 * Everything a suite needs to declare its cases synchronously: Jest collects tests before any async code of a
 * test file runs, so discovery happens once, in globalSetup, and lands in a JSON file.
 */
export interface RunContext {
  readonly formatVersion: 1;
  /** Short random id of the run; prefixes every key name the run creates. */
  readonly runId: string;
  readonly startedAt: string;
  readonly socketPath: string;
  readonly auth: ClientAuth;
  readonly target: {
    readonly kind: string;
    readonly parsecVersion: string;
    readonly parsecBinary: string;
    readonly parsecOrigin: string;
    readonly packageVersion?: string;
    readonly startupMs: number;
  };
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
  /** Folder where suites record case metadata for the reporters. */
  readonly metaDir: string;
}

export function readRunContext(path = process.env[CONTEXT_ENV]): RunContext {
  if (!path) {
    throw new Error(
      `${CONTEXT_ENV} is not set: conformance suites run through \`parsec-conformance run\` ` +
        '(or `jest --selectProjects conformance`), whose globalSetup starts the target and writes the run context',
    );
  }
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as RunContext;
  if (parsed.formatVersion !== 1) throw new Error(`run context ${path} has format ${parsed.formatVersion}, expected 1`);
  return parsed;
}
