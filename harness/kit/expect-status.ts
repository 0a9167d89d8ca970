import { inspect } from 'node:util';
import { ServiceStatusError, statusCode, type StatusName } from '../wire';

/**
 * Asserts that a request is answered with exactly this status. Success and every other status fail with a message
 * naming what was expected and what came back; transport errors propagate as they are.
 */
export async function expectStatus<T>(call: Promise<T>, expected: StatusName): Promise<ServiceStatusError> {
  let value: T;
  try {
    value = await call;
  } catch (e) {
    if (!(e instanceof ServiceStatusError)) throw e;
    if (e.statusName === expected) return e;
    throw new Error(
      `expected ${expected} (${statusCode(expected)}), got ${e.statusName} (${e.status}) from ${e.opcode} on provider ${e.provider}`,
    );
  }
  // inspect() summarises large buffers itself; JSON.stringify would expand a 1 MiB answer into a million numbers.
  const shown =
    value === undefined
      ? ''
      : `: ${inspect(value, { depth: 3, maxArrayLength: 8, maxStringLength: 64, breakLength: Infinity }).slice(0, 300)}`;
  throw new Error(`expected ${expected} (${statusCode(expected)}), got Success${shown}`);
}
