import {
  decodeHeader,
  encodeHeader,
  validateResponseHeader,
  WireFormatError,
  type WireHeader,
} from '../../../harness/wire';

// Golden vectors written from reference A1, one wire field per line.

/** A Ping request to Core, no auth, empty body. */
const PING_REQUEST_BYTES = Buffer.from(
  [
    [0x10, 0xa7, 0xc0, 0x5e], // magic 0x5EC0A710
    [0x1e, 0x00], // hdr_size 30
    [0x01], // version_maj 1
    [0x00], // version_min 0
    [0x00, 0x00], // flags 0
    [0x00], // provider 0 (Core)
    [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], // session 0
    [0x00], // content_type 0 (protobuf)
    [0x00], // accept_type 0 (protobuf)
    [0x00], // auth_type 0 (none)
    [0x00, 0x00, 0x00, 0x00], // body_len 0
    [0x00, 0x00], // auth_len 0
    [0x01, 0x00, 0x00, 0x00], // opcode 0x0001 (Ping)
    [0x00, 0x00], // status 0
    [0x00], // reserved1
    [0x00], // reserved2
  ].flat(),
);

const PING_REQUEST: WireHeader = {
  magic: 0x5ec0a710,
  hdrSize: 30,
  versionMaj: 1,
  versionMin: 0,
  flags: 0,
  provider: 0,
  session: 0n,
  contentType: 0,
  acceptType: 0,
  authType: 0,
  bodyLen: 0,
  authLen: 0,
  opcode: 1,
  status: 0,
  reserved1: 0,
  reserved2: 0,
};

/** A PsaSignHash request with every field non-zero where it can be, to pin each offset and byte order. */
const SIGN_HASH_REQUEST_BYTES = Buffer.from(
  [
    [0x10, 0xa7, 0xc0, 0x5e], // magic 0x5EC0A710
    [0x1e, 0x00], // hdr_size 30
    [0x01], // version_maj 1
    [0x00], // version_min 0
    [0x38, 0x00], // flags 56
    [0x01], // provider 1 (Mbed Crypto)
    [0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01], // session 0x0102030405060708
    [0x00], // content_type 0
    [0x00], // accept_type 0
    [0x03], // auth_type 3 (Unix peer credentials)
    [0x34, 0x12, 0x00, 0x00], // body_len 0x1234
    [0x04, 0x00], // auth_len 4
    [0x04, 0x00, 0x00, 0x00], // opcode 0x0004 (PsaSignHash)
    [0xff, 0xff], // status 0xFFFF (ignored in requests)
    [0x00], // reserved1
    [0x00], // reserved2
  ].flat(),
);

const SIGN_HASH_REQUEST: WireHeader = {
  ...PING_REQUEST,
  flags: 56,
  provider: 1,
  session: 0x0102030405060708n,
  authType: 3,
  bodyLen: 0x1234,
  authLen: 4,
  opcode: 4,
  status: 0xffff,
};

/** One field of a golden vector replaced, the rest untouched. */
function corrupt(bytes: Buffer, offset: number, replacement: number[]): Buffer {
  const copy = Buffer.from(bytes);
  Buffer.from(replacement).copy(copy, offset);
  return copy;
}

describe('wire header 1.0', () => {
  test.each([
    ['Ping request to Core', PING_REQUEST_BYTES, PING_REQUEST],
    ['PsaSignHash request with non-zero fields', SIGN_HASH_REQUEST_BYTES, SIGN_HASH_REQUEST],
  ])('%s encodes to the golden bytes', (_name, bytes, header) => {
    expect(encodeHeader(header)).toEqual(bytes);
  });

  test.each([
    ['Ping request to Core', PING_REQUEST_BYTES, PING_REQUEST],
    ['PsaSignHash request with non-zero fields', SIGN_HASH_REQUEST_BYTES, SIGN_HASH_REQUEST],
  ])('%s decodes from the golden bytes', (_name, bytes, header) => {
    expect(decodeHeader(bytes)).toEqual(header);
  });

  test('the header is 36 bytes', () => {
    expect(PING_REQUEST_BYTES.length).toBe(36);
  });

  describe('negative vectors: one field of the golden Ping corrupted', () => {
    test('bad magic names the field, the expected and the received value', () => {
      const bad = corrupt(PING_REQUEST_BYTES, 0, [0x11, 0xa7, 0xc0, 0x5e]);
      expect(() => decodeHeader(bad)).toThrow(
        new WireFormatError({ field: 'magic', expected: '0x5EC0A710', got: '0x5EC0A711', where: 'response header' }),
      );
      expect(() => decodeHeader(bad)).toThrow('response header: magic expected 0x5EC0A710, got 0x5EC0A711');
    });

    test('bad hdr_size', () => {
      const bad = corrupt(PING_REQUEST_BYTES, 4, [0x1f, 0x00]);
      expect(() => decodeHeader(bad)).toThrow('response header: hdr_size expected 30, got 31');
    });

    test('short buffer (last byte missing)', () => {
      const bad = PING_REQUEST_BYTES.subarray(0, 35);
      expect(() => decodeHeader(bad)).toThrow('response header: header expected 36 bytes, got 35 bytes');
    });

    test('the thrown error carries its parts as fields', () => {
      const bad = corrupt(PING_REQUEST_BYTES, 4, [0x00, 0x00]);
      let caught: unknown;
      try {
        decodeHeader(bad);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(WireFormatError);
      expect(caught).toMatchObject({ field: 'hdr_size', expected: '30', got: '0', where: 'response header' });
    });

    test('a bad version is returned as read, and validateResponseHeader rejects it', () => {
      const bad = corrupt(PING_REQUEST_BYTES, 6, [0x02, 0x01]);
      const header = decodeHeader(bad);
      expect(header).toMatchObject({ versionMaj: 2, versionMin: 1 });
      expect(() => validateResponseHeader(header)).toThrow('response header: version expected 1.0, got 2.1');
    });

    test('non-zero reserved bytes are returned as read, not rejected', () => {
      const bad = corrupt(PING_REQUEST_BYTES, 34, [0x01, 0x02]);
      expect(decodeHeader(bad)).toMatchObject({ reserved1: 1, reserved2: 2 });
    });
  });

  test('validateResponseHeader accepts the golden header', () => {
    expect(() => validateResponseHeader(PING_REQUEST)).not.toThrow();
  });

  test('validateResponseHeader checks magic and hdr_size too', () => {
    expect(() => validateResponseHeader({ ...PING_REQUEST, magic: 0 })).toThrow('magic expected 0x5EC0A710');
    expect(() => validateResponseHeader({ ...PING_REQUEST, hdrSize: 29 })).toThrow('hdr_size expected 30, got 29');
  });

  test('encoding writes protocol-forbidden values that fit the field (for malformed-request tests)', () => {
    const bytes = encodeHeader({ ...PING_REQUEST, magic: 0xdeadbeef, reserved2: 0xff, provider: 0xff });
    expect(bytes.readUInt32LE(0)).toBe(0xdeadbeef);
    expect(bytes[10]).toBe(0xff);
    expect(bytes[35]).toBe(0xff);
  });

  test.each([
    ['provider', 256, 'an integer in 0..255 (u8)'],
    ['authLen', 0x10000, 'an integer in 0..65535 (u16)'],
    ['bodyLen', -1, 'an integer in 0..4294967295 (u32)'],
  ] as const)('encoding %s = %d, which does not fit, is a WireFormatError', (field, value, expected) => {
    expect(() => encodeHeader({ ...PING_REQUEST, [field]: value })).toThrow(
      `encoding header: ${field} expected ${expected}, got ${value}`,
    );
  });

  test('a session outside u64 is a WireFormatError', () => {
    expect(() => encodeHeader({ ...PING_REQUEST, session: 1n << 64n })).toThrow('session expected a u64 bigint');
  });
});
