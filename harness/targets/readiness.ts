import { ParsecClient } from '../wire';
import { delay, POLL_INTERVAL_MS } from './poll';

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

export interface WaitForPingOptions {
  readonly timeoutMs: number;
  /** Why the service can no longer answer (its process or container ended), or undefined while it may still. */
  readonly gone?: () => string | undefined;
}

/**
 * Asks until the service answers Ping with Success: readiness is checked by asking, never by sleeping. Gives up at
 * once when `gone` says the service ended, and after `timeoutMs` otherwise, with the last thing that went wrong.
 */
export async function waitForPing(
  socketPath: string,
  o: WaitForPingOptions,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const deadline = Date.now() + o.timeoutMs;
  let lastError = 'the socket never appeared';
  for (;;) {
    const gone = o.gone?.();
    if (gone !== undefined) return { ok: false, reason: `${gone} before answering Ping` };
    try {
      const reply = await pingProbe(socketPath, Math.max(100, Math.min(1000, deadline - Date.now())));
      if (reply.status === 0) return { ok: true };
      lastError = `Ping answered with status ${reply.status}`;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() >= deadline) {
      return {
        ok: false,
        reason: `Parsec did not answer Ping on ${socketPath} within ${o.timeoutMs} ms (last: ${lastError})`,
      };
    }
    await delay(POLL_INTERVAL_MS);
  }
}
