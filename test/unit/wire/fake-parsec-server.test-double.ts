/**
 * TEST DOUBLE: a tiny in-process Unix-socket server that speaks just enough of the wire framing to test the
 * client's transport. It is not Parsec and decides nothing about conformance; every answer is scripted.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeHeader, defaultHeader, encodeHeader, WIRE_HEADER_LENGTH, type WireHeader } from '../../../harness/wire';

export interface ReceivedRequest {
  readonly header: WireHeader;
  readonly body: Buffer;
  readonly auth: Buffer;
  /** Bytes that arrived after the first complete request on the same connection. */
  readonly extraBytes: number;
}

/** What the scripted server does with one request. */
export type FakeReply =
  | { readonly kind: 'answer'; readonly status?: number; readonly body?: Buffer; readonly header?: Partial<WireHeader> }
  /** Header announcing `announcedBodyLen` but only `body` sent, then close. */
  | { readonly kind: 'short-body'; readonly announcedBodyLen: number; readonly body: Buffer }
  /** Never answer; keep the connection open. */
  | { readonly kind: 'silent' }
  /** Answer after reading only the header, without reading the body, then close (like the service's header errors). */
  | { readonly kind: 'answer-after-header'; readonly status: number };

/** Called first with the header alone (only `answer-after-header` counts then), then with the whole request. */
export type FakeHandler = (request: ReceivedRequest | { header: WireHeader; body?: undefined }) => FakeReply;

export class FakeParsecServer {
  readonly socketPath: string;
  readonly requests: ReceivedRequest[] = [];
  connections = 0;
  private readonly server: net.Server;
  private readonly dir: string;
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly handler: FakeHandler) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-parsec-'));
    this.socketPath = path.join(this.dir, 'fake.sock');
    this.server = net.createServer((socket) => this.onConnection(socket));
  }

  static async start(handler: FakeHandler): Promise<FakeParsecServer> {
    const fake = new FakeParsecServer(handler);
    await new Promise<void>((resolve) => fake.server.listen(fake.socketPath, resolve));
    return fake;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private onConnection(socket: net.Socket): void {
    this.connections += 1;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (answered) {
        const last = this.requests[this.requests.length - 1];
        if (last) (last as { extraBytes: number }).extraBytes += chunk.length;
        return;
      }
      if (buffered.length < WIRE_HEADER_LENGTH) return;
      const header = decodeHeader(buffered.subarray(0, WIRE_HEADER_LENGTH), 'fake server request');
      const early = this.handler({ header });
      if (early.kind === 'answer-after-header') {
        answered = true;
        // Close both directions once the answer is flushed, leaving the unread request bytes behind.
        socket.end(encodeHeader(defaultHeader({ status: early.status })), () => socket.destroy());
        return;
      }
      const total = WIRE_HEADER_LENGTH + header.bodyLen + header.authLen;
      if (buffered.length < total) return;
      answered = true;
      const body = Buffer.from(buffered.subarray(WIRE_HEADER_LENGTH, WIRE_HEADER_LENGTH + header.bodyLen));
      const auth = Buffer.from(buffered.subarray(WIRE_HEADER_LENGTH + header.bodyLen, total));
      const request: ReceivedRequest = { header, body, auth, extraBytes: buffered.length - total };
      this.requests.push(request);
      this.reply(socket, request, this.handler(request));
    });
  }

  private reply(socket: net.Socket, request: ReceivedRequest, reply: FakeReply): void {
    const echo = { provider: request.header.provider, opcode: request.header.opcode, session: request.header.session };
    switch (reply.kind) {
      case 'answer': {
        const body = reply.body ?? Buffer.alloc(0);
        const header = defaultHeader({ ...echo, status: reply.status ?? 0, bodyLen: body.length, ...reply.header });
        socket.end(Buffer.concat([encodeHeader(header), body]));
        return;
      }
      case 'short-body': {
        const header = defaultHeader({ ...echo, bodyLen: reply.announcedBodyLen });
        socket.end(Buffer.concat([encodeHeader(header), reply.body]));
        return;
      }
      case 'silent':
      case 'answer-after-header':
        return;
    }
  }
}
