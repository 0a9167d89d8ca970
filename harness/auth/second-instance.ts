import type { ProviderKey } from '../model/providers';
import { readRunContext } from '../context';
import { runOptionsFromEnv, type RunOptions } from '../run/options';
import { ensureSetup } from '../setup';
import { startNativeTarget, type NativeTarget } from '../targets/native';
import type { NativeTargetOptions } from '../targets/target';

/**
 * Suites that start a second instance use a binary of the harness's own choosing; attached to a service the
 * harness did not start, that would test a different Parsec than the one under test, so they skip instead.
 */
export function secondInstanceUnavailable(): string | undefined {
  const { target } = readRunContext();
  return target.kind === 'external'
    ? `attached to a running service (${target.parsecOrigin}): this suite needs a second instance of the Parsec under test, which the harness can only start for a native target`
    : undefined;
}

/** The run's own Parsec choice (--parsec / --parsec-bin), as the CLI passed it to Jest through the environment. */
export function choiceOf(run: RunOptions = runOptionsFromEnv()): Pick<RunOptions, 'parsecSuite' | 'parsecBin'> {
  return {
    ...(run.parsecSuite ? { parsecSuite: run.parsecSuite } : {}),
    ...(run.parsecBin ? { parsecBin: run.parsecBin } : {}),
  };
}

export interface SecondInstanceOptions {
  readonly providers: readonly ProviderKey[];
  readonly authenticator: NonNullable<NativeTargetOptions['authenticator']>;
  readonly admins?: readonly string[];
}

/**
 * A second Parsec next to the run's own, from the same binary (ensureSetup only checks files when everything is in
 * place), configured as a suite needs it. The caller stops it.
 */
export async function startSecondInstance(o: SecondInstanceOptions): Promise<NativeTarget> {
  const parsec = await ensureSetup({ providers: o.providers, ...choiceOf() });
  return startNativeTarget({
    parsec,
    providers: o.providers,
    authenticator: o.authenticator,
    ...(o.admins ? { admins: o.admins } : {}),
  });
}
