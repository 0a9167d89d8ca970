import { WireFormatError } from './errors';
import type { ProtoObject } from './protobuf';

/**
 * Reading decoded protobuf objects. A missing mandatory sub-message or an unexpected type is a
 * WireFormatError naming the field path, because in a conformance run it means the service sent it.
 */
export class ProtoReader {
  constructor(
    private readonly obj: ProtoObject,
    /** Dotted path of this message inside the body, for error messages. */
    readonly where: string,
  ) {}

  private fail(field: string, expected: string, got: unknown): never {
    throw new WireFormatError({
      field: `${this.where}.${field}`,
      expected,
      got: describe(got),
      where: 'decoding body',
    });
  }

  has(field: string): boolean {
    const v = this.obj[field];
    return v !== undefined && v !== null;
  }

  message(field: string): ProtoReader {
    const v = this.obj[field];
    if (v === undefined || v === null || typeof v !== 'object') this.fail(field, 'a sub-message', v);
    return new ProtoReader(v as ProtoObject, `${this.where}.${field}`);
  }

  messages(field: string): ProtoReader[] {
    const v = this.obj[field];
    if (!Array.isArray(v)) this.fail(field, 'a repeated sub-message', v);
    return v.map((item, i) => new ProtoReader(item as ProtoObject, `${this.where}.${field}[${i}]`));
  }

  string(field: string): string {
    const v = this.obj[field];
    if (typeof v !== 'string') this.fail(field, 'a string', v);
    return v;
  }

  strings(field: string): string[] {
    const v = this.obj[field];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) this.fail(field, 'repeated strings', v);
    return v as string[];
  }

  uint(field: string): number {
    const v = this.obj[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.fail(field, 'an unsigned integer', v);
    return v;
  }

  uints(field: string): number[] {
    const v = this.obj[field];
    if (!Array.isArray(v) || !v.every((n) => typeof n === 'number')) this.fail(field, 'repeated integers', v);
    return v as number[];
  }

  /** uint64 fields arrive as decimal strings so no precision is lost. */
  uint64(field: string): bigint {
    const v = this.obj[field];
    if (typeof v !== 'string' && typeof v !== 'number') this.fail(field, 'a uint64', v);
    return BigInt(v);
  }

  bool(field: string): boolean {
    const v = this.obj[field];
    if (typeof v !== 'boolean') this.fail(field, 'a bool', v);
    return v;
  }

  bytes(field: string): Buffer {
    const v = this.obj[field];
    if (!(v instanceof Uint8Array)) this.fail(field, 'bytes', v);
    return Buffer.from(v);
  }

  /** The member chosen in a oneof, or a WireFormatError when none is set. */
  oneof(oneofName: string, members: readonly string[]): string {
    const v = this.obj[oneofName];
    if (typeof v !== 'string' || !members.includes(v)) this.fail(oneofName, `one of ${members.join(', ')}`, v);
    return v;
  }

  enumValue<T extends string>(field: string, table: Readonly<Record<T, number>>, enumName: string): T {
    const code = this.uint(field);
    for (const [name, value] of Object.entries(table) as [T, number][]) {
      if (value === code) return name;
    }
    return this.fail(field, `a known non-NONE ${enumName}`, code);
  }
}

function describe(v: unknown): string {
  if (v === undefined || v === null) return 'nothing (field absent)';
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (typeof v === 'object') return JSON.stringify(v);
  return `${typeof v} ${String(v)}`;
}

/**
 * Proto3 canonical form: default scalars (0, false, '', empty bytes) are left out, as the upstream encoder
 * does, so golden bytes match. Sub-messages are kept even when empty because presence is meaningful.
 */
export function withoutDefaults(fields: ProtoObject): ProtoObject {
  const out: ProtoObject = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || v === 0 || v === false || v === '' || v === 0n) continue;
    if (v instanceof Uint8Array && v.length === 0) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}
