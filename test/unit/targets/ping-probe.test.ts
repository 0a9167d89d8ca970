import { parseReply, pingRequest } from '../../../harness/targets/native';

// Ping request for the Core provider, one wire field per line.
const PING = Buffer.from([
  ...[0x10, 0xa7, 0xc0, 0x5e], // magic 0x5EC0A710
  ...[0x1e, 0x00], // hdr_size 30
  0x01, // version_maj
  0x00, // version_min
  ...[0x00, 0x00], // flags
  0x00, // provider: Core
  ...[0, 0, 0, 0, 0, 0, 0, 0], // session
  0x00, // content_type: protobuf
  0x00, // accept_type: protobuf
  0x00, // auth_type: none
  ...[0x00, 0x00, 0x00, 0x00], // body_len
  ...[0x00, 0x00], // auth_len
  ...[0x01, 0x00, 0x00, 0x00], // opcode: Ping
  ...[0x00, 0x00], // status
  0x00, // reserved1
  0x00, // reserved2
]);

function reply(status: number, body: number[] = []): Buffer {
  const b = Buffer.from(PING);
  b.writeUInt16LE(status, 32);
  b.writeUInt32LE(body.length, 22);
  return Buffer.concat([b, Buffer.from(body)]);
}

describe('ping probe', () => {
  test('encodes the 36-byte Ping request', () => {
    expect(pingRequest()).toEqual(PING);
  });

  test('decodes a successful reply and its body', () => {
    expect(parseReply(reply(0, [0x08, 0x01]))).toEqual({ status: 0, opcode: 1, body: Buffer.from([0x08, 0x01]) });
  });

  test('reports the status of an error reply', () => {
    expect(parseReply(reply(15)).status).toBe(15);
  });

  test('rejects a wrong magic, a short header and a short body', () => {
    const bad = reply(0);
    bad[0] = 0x11;
    expect(() => parseReply(bad)).toThrow('magic 0x5ec0a711');
    expect(() => parseReply(PING.subarray(0, 35))).toThrow('shorter than the 36-byte header');
    expect(() => parseReply(reply(0, [1, 2]).subarray(0, 37))).toThrow('shorter than body_len 2');
  });
});
