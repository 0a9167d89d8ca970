import { WireFormatError } from './errors';

/** Fixed header layout of wire protocol 1.0 (reference A1). Requests and responses share it. */
export const WIRE_MAGIC = 0x5ec0a710;
/** Bytes of header remaining after the hdr_size field. */
export const WIRE_HDR_SIZE = 30;
export const WIRE_HEADER_LENGTH = 36;
export const WIRE_VERSION_MAJ = 1;
export const WIRE_VERSION_MIN = 0;
/** The only content/accept type: protobuf. */
export const CONTENT_TYPE_PROTOBUF = 0;

export interface WireHeader {
  magic: number;
  hdrSize: number;
  versionMaj: number;
  versionMin: number;
  flags: number;
  provider: number;
  session: bigint;
  contentType: number;
  acceptType: number;
  authType: number;
  bodyLen: number;
  authLen: number;
  opcode: number;
  status: number;
  reserved1: number;
  reserved2: number;
}

type FieldWidth = 'u8' | 'u16' | 'u32' | 'u64';

/** Field order is the wire order; offsets follow from the widths because there is no padding. */
const LAYOUT: readonly (readonly [keyof WireHeader, FieldWidth])[] = [
  ['magic', 'u32'],
  ['hdrSize', 'u16'],
  ['versionMaj', 'u8'],
  ['versionMin', 'u8'],
  ['flags', 'u16'],
  ['provider', 'u8'],
  ['session', 'u64'],
  ['contentType', 'u8'],
  ['acceptType', 'u8'],
  ['authType', 'u8'],
  ['bodyLen', 'u32'],
  ['authLen', 'u16'],
  ['opcode', 'u32'],
  ['status', 'u16'],
  ['reserved1', 'u8'],
  ['reserved2', 'u8'],
];

const MAX: Record<Exclude<FieldWidth, 'u64'>, number> = { u8: 0xff, u16: 0xffff, u32: 0xffffffff };

/** A request header with every field at its protocol default; callers override what they need. */
export function defaultHeader(overrides: Partial<WireHeader> = {}): WireHeader {
  return {
    magic: WIRE_MAGIC,
    hdrSize: WIRE_HDR_SIZE,
    versionMaj: WIRE_VERSION_MAJ,
    versionMin: WIRE_VERSION_MIN,
    flags: 0,
    provider: 0,
    session: 0n,
    contentType: CONTENT_TYPE_PROTOBUF,
    acceptType: CONTENT_TYPE_PROTOBUF,
    authType: 0,
    bodyLen: 0,
    authLen: 0,
    opcode: 1,
    status: 0,
    reserved1: 0,
    reserved2: 0,
    ...overrides,
  };
}

/**
 * Encodes any value that fits its field's width, including ones the protocol forbids (bad magic, reserved
 * bytes): malformed-request tests need exactly that. Values that do not fit the width are a caller bug.
 */
export function encodeHeader(h: WireHeader): Buffer {
  const buf = Buffer.alloc(WIRE_HEADER_LENGTH);
  let offset = 0;
  for (const [field, width] of LAYOUT) {
    const value = h[field];
    if (width === 'u64') {
      if (typeof value !== 'bigint' || value < 0n || value > 0xffffffffffffffffn) {
        throw new WireFormatError({ field, expected: 'a u64 bigint', got: String(value), where: 'encoding header' });
      }
      buf.writeBigUInt64LE(value, offset);
      offset += 8;
      continue;
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX[width]) {
      throw new WireFormatError({
        field,
        expected: `an integer in 0..${MAX[width]} (${width})`,
        got: String(value),
        where: 'encoding header',
      });
    }
    if (width === 'u8') buf.writeUInt8(value, offset);
    else if (width === 'u16') buf.writeUInt16LE(value, offset);
    else buf.writeUInt32LE(value, offset);
    offset += width === 'u8' ? 1 : width === 'u16' ? 2 : 4;
  }
  return buf;
}

const hex = (n: number, digits: number) => `0x${n.toString(16).toUpperCase().padStart(digits, '0')}`;

/**
 * Rejects only what makes the rest unreadable (short buffer, magic, hdr_size). Version and reserved bytes
 * are returned as read so conformance checks can report them; see validateResponseHeader.
 */
export function decodeHeader(buf: Buffer, where = 'response header'): WireHeader {
  if (buf.length < WIRE_HEADER_LENGTH) {
    throw new WireFormatError({
      field: 'header',
      expected: `${WIRE_HEADER_LENGTH} bytes`,
      got: `${buf.length} bytes`,
      where,
    });
  }
  const magic = buf.readUInt32LE(0);
  if (magic !== WIRE_MAGIC) {
    throw new WireFormatError({ field: 'magic', expected: hex(WIRE_MAGIC, 8), got: hex(magic, 8), where });
  }
  const hdrSize = buf.readUInt16LE(4);
  if (hdrSize !== WIRE_HDR_SIZE) {
    throw new WireFormatError({ field: 'hdr_size', expected: String(WIRE_HDR_SIZE), got: String(hdrSize), where });
  }
  const out: Partial<Record<keyof WireHeader, number | bigint>> = {};
  let offset = 0;
  for (const [field, width] of LAYOUT) {
    if (width === 'u64') {
      out[field] = buf.readBigUInt64LE(offset);
      offset += 8;
    } else if (width === 'u32') {
      out[field] = buf.readUInt32LE(offset);
      offset += 4;
    } else if (width === 'u16') {
      out[field] = buf.readUInt16LE(offset);
      offset += 2;
    } else {
      out[field] = buf.readUInt8(offset);
      offset += 1;
    }
  }
  return out as unknown as WireHeader;
}

/** The checks a client must make before trusting a response header (magic, hdr_size, version 1.0). */
export function validateResponseHeader(h: WireHeader, where = 'response header'): void {
  if (h.magic !== WIRE_MAGIC) {
    throw new WireFormatError({ field: 'magic', expected: hex(WIRE_MAGIC, 8), got: hex(h.magic, 8), where });
  }
  if (h.hdrSize !== WIRE_HDR_SIZE) {
    throw new WireFormatError({ field: 'hdr_size', expected: String(WIRE_HDR_SIZE), got: String(h.hdrSize), where });
  }
  if (h.versionMaj !== WIRE_VERSION_MAJ || h.versionMin !== WIRE_VERSION_MIN) {
    throw new WireFormatError({
      field: 'version',
      expected: `${WIRE_VERSION_MAJ}.${WIRE_VERSION_MIN}`,
      got: `${h.versionMaj}.${h.versionMin}`,
      where,
    });
  }
}
