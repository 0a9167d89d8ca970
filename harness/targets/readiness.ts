import { ParsecClient } from '../../wire';

export interface ProbeReply {
  readonly status: number;
  readonly opcode: number;
  readonly body: Buffer;
}

/**
 * One Ping to Core over a fresh connection, without authentication, bounded by `timeoutMs` for connecting and
 * reading. Rejects when the socket is not there yet or does not answer; a non-zero status is returned, not thrown,
 * so readiness polling can tell "not up" from "up but refusing".
 */
export async function pingProbe(socketPath: string, timeoutMs = 1000): Promise<ProbeReply> {
  const client = new ParsecClient({ socketPath, auth: 'none', connectTimeoutMs: timeoutMs, readTimeoutMs: timeoutMs });
  const { status, header, body } = await client.raw();
  return { status, opcode: header.opcode, body };
}
