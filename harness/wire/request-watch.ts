/**
 * What a request asked for, as far as it can be said without secrets: key names, algorithms, attributes and sizes.
 * Bytes (key material, plaintexts, hashes, signatures, credentials) are shown by length only; auth never appears.
 */
export interface SentRequest {
  /** Opcode name, or `0xNNNN` for a code outside the table. */
  readonly opcode: string;
  readonly provider: number;
  /** The status the service answered, by name; undefined when no answer came (transport error). */
  readonly status?: string;
  readonly summary: string;
  /** When no answer came: why (the transport's reason, e.g. `timed out`), the timeout in force and the socket. */
  readonly noAnswer?: { readonly reason: string; readonly timeoutMs?: number; readonly socketPath: string };
}

/** A request about to be sent, as a gate sees it. */
export interface OutgoingRequest {
  readonly opcode: string;
  readonly provider: number;
  readonly socketPath: string;
}

/** Says why a request must not be sent (the kit's hang guard: an operation known to hang), or undefined to send it. */
export type RequestGate = (request: OutgoingRequest) => string | undefined;

let gate: RequestGate | undefined;

/** Installs the process's request gate (one at a time); returns the function that removes it. */
export function setRequestGate(g: RequestGate): () => void {
  gate = g;
  return () => {
    if (gate === g) gate = undefined;
  };
}

/** Why this request must not be sent, or undefined. */
export function gateRequest(request: OutgoingRequest): string | undefined {
  return gate?.(request);
}

export type RequestListener = (request: SentRequest) => void;

const listeners = new Set<RequestListener>();

/**
 * Every request any ParsecClient of this process sends is told to the listener once it is answered (or has failed to
 * be); the kit listens for the span of a case to name the request a failed case sent last. Returns the unsubscribe.
 */
export function watchRequests(listener: RequestListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function noteRequest(request: SentRequest): void {
  for (const l of listeners) {
    try {
      l(request);
    } catch {
      // A listener's bug must not turn into a failed request.
    }
  }
}

const MAX_SUMMARY = 300;

function shown(value: unknown, depth: number): string {
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return depth > 4 ? '[…]' : `[${value.map((v) => shown(v, depth + 1)).join(', ')}]`;
  if (typeof value === 'object') {
    if (depth > 4) return '{…}';
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}: ${shown(v, depth + 1)}`);
    return `{ ${parts.join(', ')} }`;
  }
  return typeof value;
}

/** Fields that name an application: with the Direct authenticator an application's name is its credential. */
const APPLICATION_FIELDS = new Set(['client']);

/** One line about an operation: its fields, bytes by length only, cut at 300 characters. */
export function summarizeOperation(operation: object): string {
  const entries = Object.entries(operation as Record<string, unknown>).filter(([, v]) => v !== undefined);
  const text = entries
    .map(([k, v]) =>
      APPLICATION_FIELDS.has(k) && typeof v === 'string'
        ? `${k}: <application name, ${v.length} characters>`
        : `${k}: ${shown(v, 1)}`,
    )
    .join(', ');
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 1)}…` : text;
}
