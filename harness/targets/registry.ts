import { attachExternalTarget } from './external';
import { resolveNativeParsec } from './native/native-parsec';
import { probeNativeAuthenticators } from './native/native-probe';
import { startNativeTarget } from './native/native-target';
import type { AuthenticatorsBuiltIn } from './probe';
import type { ContainersSpec, ExternalSpec, NativeSpec, TargetKind, TargetSpec } from './spec';
import type { StartOptions } from './start-options';
import type { StartedTarget } from './started-target';

/** What the harness can do with a spec of one kind. */
interface KindSupport<S extends TargetSpec> {
  start(spec: S, options: StartOptions): Promise<StartedTarget>;
  /** Which authenticators the spec's Parsec build has, found by asking the binary itself. */
  probe(spec: S, log: (line: string) => void): Promise<AuthenticatorsBuiltIn>;
  /** Why no other instance of the spec's Parsec can be started, or undefined when one can. */
  anotherInstance(spec: S): string | undefined;
}

const UNKNOWN: AuthenticatorsBuiltIn = { direct: undefined, 'unix-peer-credentials': undefined, 'jwt-svid': undefined };

// The container kind loads testcontainers (half a second, in every Jest test file that imports the kit), which a
// native run never needs: it is loaded on first use only. A dynamic import() would reach Node's ESM loader from
// Jest's globalSetup, which cannot import a folder; require() stays in the CommonJS module system.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const containers = async (): Promise<typeof import('./containers')> => require('./containers');

const KINDS: { readonly [K in TargetKind]: KindSupport<Extract<TargetSpec, { kind: K }>> } = {
  native: {
    start: (spec: NativeSpec, o) => startNativeTarget(spec, o),
    probe: async (spec: NativeSpec, log) => probeNativeAuthenticators(await resolveNativeParsec(spec, log)),
    anotherInstance: () => undefined,
  },
  containers: {
    start: async (spec: ContainersSpec, o) => (await containers()).startContainerTarget(spec, o),
    probe: async (spec: ContainersSpec, log) => (await containers()).probeContainerAuthenticators(spec, log),
    anotherInstance: () => undefined,
  },
  external: {
    start: (spec: ExternalSpec, o) => attachExternalTarget(spec, o),
    probe: async () => UNKNOWN,
    anotherInstance: (spec: ExternalSpec) =>
      `attached to a running service (${spec.socket}): another instance of the Parsec under test can only be started by the harness for a native or container target`,
  },
};

function support<S extends TargetSpec>(spec: S): KindSupport<S> {
  return KINDS[spec.kind] as unknown as KindSupport<S>;
}

/** Starts (or attaches to) what the spec describes: one factory per kind, one started-target type for all. */
export function startTarget(spec: TargetSpec, options: StartOptions = {}): Promise<StartedTarget> {
  return support(spec).start(spec, options);
}

export function probeAuthenticators(spec: TargetSpec, log: (line: string) => void = () => undefined) {
  return support(spec).probe(spec, log);
}

/** Why another instance of this spec's Parsec cannot be started (attached to a service), or undefined. */
export function anotherInstanceUnavailable(spec: TargetSpec): string | undefined {
  return support(spec).anotherInstance(spec);
}
