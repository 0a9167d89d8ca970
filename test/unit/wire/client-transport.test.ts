import {
  defaultHeader,
  encodeHeader,
  encodeResult,
  ParsecClient,
  ServiceStatusError,
  TransportError,
  WireFormatError,
  decodeOperation,
} from '../../../harness/wire';
import { FakeParsecServer, type FakeHandler } from './fake-parsec-server.test-double';

// Transport and client behaviour against the scripted fake server (see the test double's header).

let server: FakeParsecServer | undefined;

async function serve(handler: FakeHandler): Promise<FakeParsecServer> {
  server = await FakeParsecServer.start(handler);
  return server;
}

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const pingResult = encodeResult('Ping', { wireProtocolVersionMaj: 1, wireProtocolVersionMin: 0 });

describe('transport', () => {
  test('each request uses its own connection and carries exactly one request', async () => {
    const fake = await serve(() => ({ kind: 'answer', body: pingResult }));
    const client = new ParsecClient({ socketPath: fake.socketPath, auth: 'none' });
    await client.ping();
    await client.ping();
    await Promise.all([client.ping(), client.ping(), client.ping()]);
    expect(fake.connections).toBe(5);
    expect(fake.requests).toHaveLength(5);
    expect(fake.requests.every((r) => r.extraBytes === 0)).toBe(true);
  });

  test('a typed call sends the header, body and auth field the reference describes', async () => {
    const fake = await serve(() => ({ kind: 'answer', body: encodeResult('ListOpcodes', { opcodes: [1, 8] }) }));
    const client = new ParsecClient({ socketPath: fake.socketPath, auth: 'unix-peer' });
    expect(await client.listOpcodes(1)).toEqual([1, 8]);
    const [request] = fake.requests;
    expect(request.header).toMatchObject({ provider: 0, opcode: 0x09, authType: 3, bodyLen: 2, authLen: 4 });
    expect(request.body).toEqual(Buffer.from([0x08, 0x01]));
    expect(request.auth.readUInt32LE(0)).toBe(process.getuid!());
    expect(decodeOperation('ListOpcodes', request.body)).toEqual({ providerId: 1 });
  });

  test('the read timeout fires with a TransportError naming path, phase and timeout', async () => {
    const fake = await serve(() => ({ kind: 'silent' }));
    const client = new ParsecClient({ socketPath: fake.socketPath, auth: 'none', readTimeoutMs: 150 });
    const error = await client.ping().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ socketPath: fake.socketPath, phase: 'read', timeoutMs: 150, reason: 'timed out' });
    expect((error as Error).message).toBe(
      `read on ${fake.socketPath} failed while sending Ping on provider 0: timed out (timeout 150 ms)`,
    );
  });

  test('a missing socket is a TransportError in the connect phase', async () => {
    const client = new ParsecClient({ socketPath: '/nonexistent/parsec.sock', auth: 'none' });
    const error = await client.ping().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ socketPath: '/nonexistent/parsec.sock', phase: 'connect' });
    expect((error as Error).message).toContain('ENOENT');
  });

  test('a response whose body is shorter than body_len is a WireFormatError', async () => {
    const fake = await serve(() => ({ kind: 'short-body', announcedBodyLen: 10, body: Buffer.from([0x08, 0x01]) }));
    const client = new ParsecClient({ socketPath: fake.socketPath, auth: 'none' });
    const error = await client.ping().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WireFormatError);
    expect(error).toMatchObject({
      field: 'body',
      expected: '10 bytes (body_len)',
      got: '2 bytes before the connection closed',
    });
  });

  test('an answer sent before the request was fully read is still returned (EPIPE/ECONNRESET tolerated)', async () => {
    const fake = await serve(() => ({ kind: 'answer-after-header', status: 20 }));
    const client = new ParsecClient({ socketPath: fake.socketPath, auth: 'none' });
    const response = await client.raw({ header: { opcode: 0x0f, provider: 1 }, body: Buffer.alloc(8 << 20, 0x0a) });
    expect(response.statusName).toBe('BodySizeExceedsLimit');
  });
});

describe('client statuses', () => {
  test('a non-zero status becomes a ServiceStatusError with the status name, opcode and provider', async () => {
    const fake = await serve(() => ({ kind: 'answer', status: 1133 }));
    const client = new ParsecClient({ socketPath: fake.socketPath, auth: 'unix-peer' });
    const error = await client
      .signHash(1, 'k', { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' }, Buffer.alloc(32))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceStatusError);
    expect(error).toMatchObject({
      status: 1133,
      statusName: 'PsaErrorNotPermitted',
      opcode: 'PsaSignHash',
      provider: 1,
    });
    expect((error as Error).message).toBe(
      'PsaSignHash on provider 1 answered PsaErrorNotPermitted (1133), expected Success (0)',
    );
  });

  test('a status outside the table is named Unknown(<n>)', async () => {
    const fake = await serve(() => ({ kind: 'answer', status: 999 }));
    const client = new ParsecClient({ socketPath: fake.socketPath, auth: 'none' });
    await expect(client.ping()).rejects.toMatchObject({ status: 999, statusName: 'Unknown(999)' });
  });

  test('raw() returns a non-zero status without throwing', async () => {
    const fake = await serve(() => ({ kind: 'answer', status: 17, header: { provider: 0, opcode: 1 } }));
    const client = new ParsecClient({ socketPath: fake.socketPath, auth: 'none' });
    const response = await client.raw({ header: { reserved1: 1, provider: 1, opcode: 4 } });
    expect(response).toMatchObject({ status: 17, statusName: 'InvalidHeader', body: Buffer.alloc(0) });
    expect(response.header).toMatchObject({ provider: 0, opcode: 1, status: 17 });
    expect(fake.requests[0].header).toMatchObject({ reserved1: 1, provider: 1, opcode: 4 });
  });

  test('raw() sends hand-made bytes as they are, and can half-close after writing', async () => {
    const fake = await serve(() => ({ kind: 'answer', status: 15 }));
    const client = new ParsecClient({ socketPath: fake.socketPath, auth: { direct: 'app' } });
    const emptyPing = encodeHeader(defaultHeader({ flags: 56 }));
    const response = await client.raw({ rawBytes: emptyPing, closeAfterWrite: true });
    expect(response.statusName).toBe('ConnectionError');
    expect(fake.requests[0]).toMatchObject({ body: Buffer.alloc(0), auth: Buffer.alloc(0) });
    expect(fake.requests[0].header).toMatchObject({ flags: 56, authType: 0 });
  });

  test("raw() defaults to a valid Ping to Core with the client's auth", async () => {
    const fake = await serve(() => ({ kind: 'answer', body: pingResult }));
    const client = new ParsecClient({ socketPath: fake.socketPath, auth: { direct: 'app' } });
    const response = await client.raw();
    expect(response.status).toBe(0);
    expect(fake.requests[0].header).toMatchObject({ opcode: 1, provider: 0, authType: 1, authLen: 3, bodyLen: 0 });
    expect(fake.requests[0].auth).toEqual(Buffer.from('app'));
  });
});
