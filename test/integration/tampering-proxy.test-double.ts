import { createConnection, createServer, type Server } from 'node:net';
import { decodeHeader, encodeHeader, type WireHeader } from '../../harness/wire';

/**
 * TEST DOUBLE. Sits between the suites and a REAL Parsec and rewrites some of its answers, so the harness's own
 * tests can show that the suites notice a wrong answer. Requests pass through untouched; a response is buffered
 * whole (the service closes after each one), handed to `tamper`, and sent on.
 */
export type Tamper = (header: WireHeader, body: Buffer) => { header: WireHeader; body: Buffer } | undefined;

export interface TamperingProxy {
  readonly socketPath: string;
  /** How many responses were rewritten, by opcode. */
  readonly rewritten: Map<number, number>;
  close(): Promise<void>;
}

export async function startTamperingProxy(
  serviceSocket: string,
  socketPath: string,
  tamper: Tamper,
): Promise<TamperingProxy> {
  const rewritten = new Map<number, number>();
  const server: Server = createServer((down) => {
    const up = createConnection(serviceSocket);
    const chunks: Buffer[] = [];
    down.pipe(up);
    up.on('data', (d: Buffer) => chunks.push(d));
    // The service may answer and close before the request is fully written (a body over its limit): the write then
    // fails with EPIPE, and the answer it already sent must still reach the client, as the real client expects.
    up.on('error', () => undefined);
    up.on('close', () => {
      const all = Buffer.concat(chunks);
      if (all.length === 0) {
        down.destroy();
        return;
      }
      if (all.length < 36) {
        down.end(all);
        return;
      }
      const header = decodeHeader(all.subarray(0, 36));
      const body = all.subarray(36);
      const changed = tamper(header, body);
      if (!changed) {
        down.end(all);
        return;
      }
      rewritten.set(header.opcode, (rewritten.get(header.opcode) ?? 0) + 1);
      down.end(Buffer.concat([encodeHeader({ ...changed.header, bodyLen: changed.body.length }), changed.body]));
    });
    down.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    socketPath,
    rewritten,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
