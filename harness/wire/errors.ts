/**
 * One error class per layer, each naming what went wrong, what was expected, what arrived and where, so a
 * failing conformance case can be diagnosed from its message alone. None of them ever carries auth bytes.
 */

export interface WireFormatErrorDetails {
  /** The wire field (or `header`/`body`) that is wrong. */
  readonly field: string;
  readonly expected: string;
  readonly got: string;
  /** What was being decoded or encoded, e.g. `response header` or `PsaSignHash result`. */
  readonly where: string;
}

/** Bytes that do not follow the wire format (header or protobuf body). */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
  readonly field: string;
  readonly expected: string;
  readonly got: string;
  readonly where: string;

  constructor(details: WireFormatErrorDetails) {
    super(`${details.where}: ${details.field} expected ${details.expected}, got ${details.got}`);
    this.field = details.field;
    this.expected = details.expected;
    this.got = details.got;
    this.where = details.where;
  }
}

export type TransportPhase = 'connect' | 'write' | 'read';

export interface TransportErrorDetails {
  readonly socketPath: string;
  readonly phase: TransportPhase;
  /** What happened, e.g. `timed out` or `connection closed before any response byte`. */
  readonly reason: string;
  /** The timeout in force for this phase, when one applies. */
  readonly timeoutMs?: number;
  /** Request being carried, e.g. `Ping on provider 0`; never includes auth material. */
  readonly request?: string;
  readonly cause?: unknown;
}

/** The socket itself failed: could not connect, write, or read a complete answer in time. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly socketPath: string;
  readonly phase: TransportPhase;
  readonly reason: string;
  readonly timeoutMs: number | undefined;
  readonly request: string | undefined;

  constructor(details: TransportErrorDetails) {
    const timeout = details.timeoutMs === undefined ? '' : ` (timeout ${details.timeoutMs} ms)`;
    const request = details.request === undefined ? '' : ` while sending ${details.request}`;
    super(`${details.phase} on ${details.socketPath} failed${request}: ${details.reason}${timeout}`, {
      cause: details.cause,
    });
    this.socketPath = details.socketPath;
    this.phase = details.phase;
    this.reason = details.reason;
    this.timeoutMs = details.timeoutMs;
    this.request = details.request;
  }
}

/** The request was not sent: the process's request gate refused it (an operation already seen to hang, say). */
export class RequestRefusedError extends Error {
  override readonly name = 'RequestRefusedError';
  readonly opcode: string;
  readonly provider: number;

  constructor(opcode: string, provider: number, why: string) {
    super(`${opcode} on provider ${provider} was not sent: ${why}`);
    this.opcode = opcode;
    this.provider = provider;
  }
}

export interface ServiceStatusErrorDetails {
  readonly status: number;
  readonly statusName: string;
  /** Opcode name, or `0xNNNN` for a code outside the table. */
  readonly opcode: string;
  readonly provider: number;
}

/** The service answered with a non-success status. Expected status is always Success (0) for typed calls. */
export class ServiceStatusError extends Error {
  override readonly name = 'ServiceStatusError';
  readonly status: number;
  readonly statusName: string;
  readonly opcode: string;
  readonly provider: number;

  constructor(details: ServiceStatusErrorDetails) {
    super(
      `${details.opcode} on provider ${details.provider} answered ${details.statusName} (${details.status}), expected Success (0)`,
    );
    this.status = details.status;
    this.statusName = details.statusName;
    this.opcode = details.opcode;
    this.provider = details.provider;
  }
}

export function isServiceStatusError(e: unknown, statusName?: string): e is ServiceStatusError {
  return e instanceof ServiceStatusError && (statusName === undefined || e.statusName === statusName);
}
