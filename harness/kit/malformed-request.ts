import { opcodeCode, statusCode, type ParsecClient, type RawRequest, type RawResponse, type StatusName } from '../wire';
import { readRunContext } from '../context';
import { expectServiceAlive, logFileTail, type LogSource } from './liveness';

/** The run's own service log: where a malformed request to the run's target leaves its trace. */
const runServiceLog: LogSource = () => logFileTail(readRunContext().serviceLog);

/**
 * Sends a request a real client would never send and then checks that the service still answers Ping. A transport
 * failure (no answer, a hang) fails with the tail of the service log; so does a service that stops answering.
 */
export async function sendMalformed(
  client: ParsecClient,
  request: RawRequest,
  what: string,
  /** The log of the service `client` talks to; default: the run's target. */
  log: LogSource = runServiceLog,
): Promise<RawResponse> {
  let response: RawResponse;
  try {
    response = await client.raw(request);
  } catch (e) {
    throw new Error(`no answer to ${what}: ${(e as Error).message}\n--- tail of the service log ---\n${log()}`, {
      cause: e,
    });
  }
  await expectServiceAlive(client.socketPath, what, log);
  return response;
}

/** The response carries exactly this status (by name, with both codes in the message when it does not). */
export function expectRawStatus(response: RawResponse, expected: StatusName, what: string): void {
  if (response.statusName !== expected) {
    throw new Error(
      `${what}: expected ${expected} (${statusCode(expected)}), got ${response.statusName} (${response.status})`,
    );
  }
}

/** Echo fields of a response header. */
export interface EchoFields {
  readonly provider: number;
  readonly session: bigint;
  readonly opcode: number;
}

/** Fields of the response header a test looks at, in a form Jest can print (bigint as string). */
export function echoOf(response: RawResponse): { provider: number; session: string; opcode: number; body: number } {
  const h = response.header;
  return { provider: h.provider, session: h.session.toString(), opcode: h.opcode, body: response.body.length };
}

/**
 * A phase-1 (parse) error response: nothing is echoed, the header says provider 0 (Core), session 0, opcode Ping,
 * and the body is empty (reference A3).
 */
export function phaseOneShape(): ReturnType<typeof echoOf> {
  return { provider: 0, session: '0', opcode: opcodeCode('Ping'), body: 0 };
}

/** A phase-2 error response: provider, session and opcode of the request echoed, empty body. */
export function echoedShape(fields: EchoFields): ReturnType<typeof echoOf> {
  return { provider: fields.provider, session: fields.session.toString(), opcode: fields.opcode, body: 0 };
}
