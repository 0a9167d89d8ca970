import { rawGenerateRandom, rawRequest, RAW_PING } from '../../../harness/bench/raw-client';
import { decodeHeader, encodeOperation, WireRequest, defaultHeader } from '../../../harness/wire';

describe('raw-socket client bytes', () => {
  test('Ping: the 36-byte header field by field', () => {
    expect(RAW_PING.toString('hex')).toBe(
      [
        '10a7c05e', // magic 0x5EC0A710, little-endian
        '1e00', // hdr_size 30
        '01', // version_maj
        '00', // version_min
        '0000', // flags
        '00', // provider: Core
        '0000000000000000', // session
        '00', // content_type: protobuf
        '00', // accept_type: protobuf
        '00', // auth_type: none
        '00000000', // body_len
        '0000', // auth_len
        '01000000', // opcode: Ping
        '0000', // status
        '00', // reserved1
        '00', // reserved2
      ].join(''),
    );
  });

  test("the hand-built bytes equal the harness client's encoding of the same request", () => {
    const body = encodeOperation('PsaGenerateRandom', { size: 32 });
    const header = defaultHeader({ provider: 1, opcode: 0x0d, authType: 0, bodyLen: body.length, authLen: 0 });
    const harness = new WireRequest(header, body, Buffer.alloc(0)).toBytes();
    expect(rawGenerateRandom(1, 32).toString('hex')).toBe(Buffer.from(harness).toString('hex'));
    expect(decodeHeader(rawRequest(0x0d, 3, body))).toMatchObject({ provider: 3, opcode: 0x0d, bodyLen: 2 });
  });

  test('random sizes that need more than one varint byte are refused', () => {
    expect(() => rawGenerateRandom(1, 128)).toThrow('one-byte varint');
    expect(() => rawGenerateRandom(1, 0)).toThrow('one-byte varint');
  });
});
