import { connect } from 'node:net';

// The fixed wire header 1.0 (36 bytes, little-endian). This probe only asks "are you there"; the real client lives
// in harness/wire and is deliberately not used, so a target can start before (and without) it.
const MAGIC = 0x5ec0a710;
const HEADER_SIZE = 36;
const OPCODE_PING = 1;

/** A Ping request for the Core provider: no body, no authentication. */
export function pingRequest(): Buffer {
  const b = Buffer.alloc(HEADER_SIZE);
  b.writeUInt32LE(MAGIC, 0); // magic
  b.writeUInt16LE(30, 4); // hdr_size: header bytes after this field
  b.writeUInt8(1, 6); // version_maj
  b.writeUInt8(0, 7); // version_min
  // flags (8), provider 0 = Core (10), session (11), content/accept type 0 = protobuf (19, 20), auth none (21),
  // body_len (22) and auth_len (26) are all zero.
  b.writeUInt32LE(OPCODE_PING, 28); // opcode
  return b;
}

export interface ProbeReply {
  readonly status: number;
  readonly opcode: number;
  readonly body: Buffer;
}

/** Reads a response header (and body); throws on a short buffer or a wrong magic. */
export function parseReply(buf: Buffer): ProbeReply {
  if (buf.length < HEADER_SIZE) throw new Error(`response is ${buf.length} bytes, shorter than the 36-byte header`);
  const magic = buf.readUInt32LE(0);
  if (magic !== MAGIC) throw new Error(`response magic 0x${magic.toString(16)} is not 0x5ec0a710`);
  const bodyLen = buf.readUInt32LE(22);
  if (buf.length < HEADER_SIZE + bodyLen) throw new Error(`response body is shorter than body_len ${bodyLen}`);
  return {
    status: buf.readUInt16LE(32),
    opcode: buf.readUInt32LE(28),
    body: buf.subarray(HEADER_SIZE, HEADER_SIZE + bodyLen),
  };
}

/** One Ping over a fresh connection (Parsec serves one request per connection). Rejects on any failure. */
export function pingProbe(socketPath: string, timeoutMs = 1000): Promise<ProbeReply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(socketPath);
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no Ping answer on ${socketPath} within ${timeoutMs} ms`)));
    socket.once('error', fail);
    socket.once('connect', () => socket.write(pingRequest()));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const buf = Buffer.concat(chunks);
      if (buf.length >= HEADER_SIZE && buf.length >= HEADER_SIZE + buf.readUInt32LE(22)) {
        socket.destroy();
        try {
          resolve(parseReply(buf));
        } catch (err) {
          reject(err as Error);
        }
      }
    });
    socket.once('end', () => {
      try {
        resolve(parseReply(Buffer.concat(chunks)));
      } catch (err) {
        fail(err as Error);
      }
    });
  });
}
