import { connect } from 'node:net';

/**
 * The smallest Parsec client that works: request bytes built here by hand, written to the Unix socket, the answer's
 * status read from its header. No protobuf library, no typed layers, no request log: the bench times it against the
 * harness's client on the same request to show what the harness itself adds.
 */

const HEADER = 36;

/** A 36-byte request header followed by the body, every field little-endian, no auth (auth_type 0 = none). */
export function rawRequest(opcode: number, provider: number, body: Uint8Array = new Uint8Array(0)): Buffer {
  const b = Buffer.alloc(HEADER + body.length);
  b.writeUInt32LE(0x5ec0a710, 0); // magic
  b.writeUInt16LE(30, 4); // hdr_size: header bytes after this field
  b.writeUInt8(1, 6); // version_maj
  b.writeUInt8(0, 7); // version_min
  b.writeUInt16LE(0, 8); // flags
  b.writeUInt8(provider, 10); // provider
  b.writeBigUInt64LE(0n, 11); // session
  b.writeUInt8(0, 19); // content_type: protobuf
  b.writeUInt8(0, 20); // accept_type: protobuf
  b.writeUInt8(0, 21); // auth_type: none
  b.writeUInt32LE(body.length, 22); // body_len
  b.writeUInt16LE(0, 26); // auth_len
  b.writeUInt32LE(opcode, 28); // opcode
  b.writeUInt16LE(0, 32); // status
  Buffer.from(body).copy(b, HEADER);
  return b;
}

/** Ping (opcode 1) to Core (provider 0): an empty body. */
export const RAW_PING = rawRequest(0x01, 0);

/** PsaGenerateRandom (opcode 0x0D) of `size` bytes: protobuf field 1 (size, varint), for sizes below 128. */
export function rawGenerateRandom(provider: number, size: number): Buffer {
  if (!(size > 0 && size < 128)) throw new RangeError(`random size ${size} needs a one-byte varint here`);
  return rawRequest(0x0d, provider, Uint8Array.of(0x08, size));
}

export interface RawAnswer {
  readonly status: number;
  readonly body: Buffer;
}

/** Sends one request on a new connection and reads one answer: header, then body_len bytes. */
export function rawCall(socketPath: string, request: Buffer, timeoutMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    let length = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from ${socketPath} within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (err?: Error, answer?: RawAnswer) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(answer as RawAnswer);
    };
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length < HEADER) return;
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const bodyLen = all.readUInt32LE(22);
      if (all.length < HEADER + bodyLen) return;
      done(undefined, { status: all.readUInt16LE(32), body: all.subarray(HEADER, HEADER + bodyLen) });
    });
    socket.on('error', (e) => done(e));
    socket.on('end', () => done(new Error(`${socketPath} closed the connection after ${length} bytes`)));
  });
}
