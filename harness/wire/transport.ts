import * as net from 'node:net';
import { TransportError, WireFormatError } from './errors';
import { decodeHeader, WIRE_HEADER_LENGTH, type WireHeader } from './header';

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_READ_TIMEOUT_MS = 30000;

/** The read timeout of clients that set none; a run sets it once per process from `run --request-timeout`. */
let processReadTimeoutMs = DEFAULT_READ_TIMEOUT_MS;

/**
 * Sets the read timeout of every client of this process that does not set its own, and returns the one it replaces
 * (the kit raises it for the span of a case that is allowed longer, then puts it back).
 */
export function setRequestTimeout(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`a request timeout must be a positive number, got ${ms}`);
  const before = processReadTimeoutMs;
  processReadTimeoutMs = ms;
  return before;
}

/** The read timeout in force for clients that set none. */
export function requestTimeout(): number {
  return processReadTimeoutMs;
}

export interface TransportOptions {
  readonly socketPath: string;
  readonly connectTimeoutMs?: number;
  readonly readTimeoutMs?: number;
}

export interface SendOptions {
  /** Half-close after writing, so the service sees end-of-stream instead of waiting for missing bytes. */
  readonly closeAfterWrite?: boolean;
  /** Short request description for errors (never auth material). */
  readonly description?: string;
}

export interface WireResponse {
  readonly header: WireHeader;
  readonly body: Buffer;
}

/** Codes with which a peer that answered early and hung up makes our pending write fail. */
const EARLY_CLOSE_CODES = new Set(['EPIPE', 'ECONNRESET']);

/**
 * Sends one request on a fresh connection and reads one response: the service answers exactly one request
 * per connection and then drops it.
 */
export function sendRequest(options: TransportOptions, payload: Buffer, send: SendOptions = {}): Promise<WireResponse> {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const readTimeoutMs = options.readTimeoutMs ?? processReadTimeoutMs;
  const { socketPath } = options;

  return new Promise<WireResponse>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let header: WireHeader | undefined;
    let phase: 'connect' | 'write' | 'read' = 'connect';
    let settled = false;
    let writeError: NodeJS.ErrnoException | undefined;
    let timer: NodeJS.Timeout | undefined;

    const socket = net.createConnection({ path: socketPath });

    const finish = (error: Error | undefined, response?: WireResponse) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      socket.destroy();
      if (error !== undefined) reject(error);
      else resolve(response!);
    };

    const transportError = (reason: string, timeoutMs?: number, cause?: unknown) =>
      new TransportError({ socketPath, phase, reason, timeoutMs, request: send.description, cause });

    const arm = (ms: number) => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => finish(transportError('timed out', ms)), ms);
    };

    /** Resolves as soon as a whole response is in; anything after it is not ours to read. */
    const tryComplete = () => {
      const all = Buffer.concat(chunks, received);
      if (header === undefined) {
        if (received < WIRE_HEADER_LENGTH) return;
        try {
          header = decodeHeader(all.subarray(0, WIRE_HEADER_LENGTH));
        } catch (e) {
          finish(e as Error);
          return;
        }
      }
      if (received >= WIRE_HEADER_LENGTH + header.bodyLen) {
        finish(undefined, {
          header,
          body: Buffer.from(all.subarray(WIRE_HEADER_LENGTH, WIRE_HEADER_LENGTH + header.bodyLen)),
        });
      }
    };

    /** The peer closed: a complete answer has already resolved, so whatever is left is short. */
    const onPeerClosed = () => {
      if (settled) return;
      tryComplete();
      if (settled) return;
      if (received === 0) {
        const why = writeError ? `connection closed before any response byte (write failed: ${writeError.code})` : '';
        finish(transportError(why || 'connection closed before any response byte', undefined, writeError));
      } else if (header === undefined) {
        finish(
          new WireFormatError({
            field: 'header',
            expected: `${WIRE_HEADER_LENGTH} bytes`,
            got: `${received} bytes before the connection closed`,
            where: `response on ${socketPath}`,
          }),
        );
      } else {
        finish(
          new WireFormatError({
            field: 'body',
            expected: `${header.bodyLen} bytes (body_len)`,
            got: `${received - WIRE_HEADER_LENGTH} bytes before the connection closed`,
            where: `response on ${socketPath}`,
          }),
        );
      }
    };

    arm(connectTimeoutMs);

    socket.on('connect', () => {
      phase = 'write';
      arm(readTimeoutMs);
      socket.write(payload, (err) => {
        if (err) return; // reported through 'error'
        if (phase === 'write') phase = 'read';
        if (send.closeAfterWrite) socket.end();
      });
    });

    socket.on('data', (chunk: Buffer) => {
      if (phase === 'write') phase = 'read';
      chunks.push(chunk);
      received += chunk.length;
      tryComplete();
    });

    socket.on('end', onPeerClosed);
    socket.on('close', onPeerClosed);

    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      // The service answers header errors without reading the rest and hangs up; the answer may already be in.
      if (phase !== 'connect' && err.code !== undefined && EARLY_CLOSE_CODES.has(err.code)) {
        writeError = err;
        return; // 'close' follows and decides
      }
      finish(transportError(err.message, undefined, err));
    });
  });
}
