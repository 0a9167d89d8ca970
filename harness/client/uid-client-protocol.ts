/**
 * The line protocol between the test process and a client child running as another Unix user: one JSON request
 * per line on the child's stdin, one JSON reply per line on its stdout. Byte strings travel as `{ $bytes: base64 }`.
 */

/** The client methods a child may call: enough for isolation tests, nothing else. */
export const CHILD_METHODS = [
  'ping',
  'listKeys',
  'listClients',
  'deleteClient',
  'generateKey',
  'importKey',
  'exportPublicKey',
  'destroyKey',
  'signHash',
  'verifyHash',
] as const;
export type ChildMethod = (typeof CHILD_METHODS)[number];

export function isChildMethod(m: unknown): m is ChildMethod {
  return typeof m === 'string' && (CHILD_METHODS as readonly string[]).includes(m);
}

export interface ChildRequest {
  readonly id: number;
  readonly method: ChildMethod;
  readonly args: readonly unknown[];
}

export type ChildReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly status: number; readonly statusName: string }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** A JSON-safe copy: Buffers and Uint8Arrays become `{ $bytes }`, bigints `{ $bigint }`. */
export function toWire(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  }
  return value;
}

/** The inverse of toWire. */
export function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj.$bytes === 'string' && Object.keys(obj).length === 1) return Buffer.from(obj.$bytes, 'base64');
    if (typeof obj.$bigint === 'string' && Object.keys(obj).length === 1) return BigInt(obj.$bigint);
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fromWire(v)]));
  }
  return value;
}

export function encodeLine(message: ChildRequest | ChildReply): string {
  return `${JSON.stringify(toWire(message))}\n`;
}

/** Parses one request line; anything malformed is an Error naming what is wrong. */
export function parseRequest(line: string): ChildRequest {
  const raw = fromWire(JSON.parse(line)) as Partial<ChildRequest>;
  if (typeof raw.id !== 'number') throw new Error(`request without a numeric id: ${line.slice(0, 80)}`);
  if (!isChildMethod(raw.method)) throw new Error(`request ${raw.id}: unknown method ${String(raw.method)}`);
  if (!Array.isArray(raw.args)) throw new Error(`request ${raw.id}: args is not an array`);
  return { id: raw.id, method: raw.method, args: raw.args };
}

export function parseReply(line: string): ChildReply {
  const raw = fromWire(JSON.parse(line)) as ChildReply;
  if (typeof raw.id !== 'number' || typeof raw.ok !== 'boolean') {
    throw new Error(`malformed reply from the client child: ${line.slice(0, 120)}`);
  }
  return raw;
}
