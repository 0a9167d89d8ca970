import { readRunContext } from '../run/context';

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
