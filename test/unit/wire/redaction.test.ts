import { inspect } from 'node:util';
import { defaultHeader, ParsecClient, ServiceStatusError, TransportError, WireRequest } from '../../../harness/wire';
import { FakeParsecServer } from './fake-parsec-server.test-double';

// Auth material (Direct app names, UIDs) must never reach a message, a log or a report.

const SECRET = 'top-secret-app-name';

describe('auth redaction', () => {
  const request = new WireRequest(
    defaultHeader({ opcode: 4, provider: 1, authType: 1, authLen: SECRET.length }),
    Buffer.from([0x0a, 0x00]),
    Buffer.from(SECRET),
  );

  test('toString, util.inspect and JSON of a request show only the auth length', () => {
    for (const text of [
      String(request),
      inspect(request),
      inspect({ nested: request }, { depth: 5 }),
      JSON.stringify(request),
    ]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(Buffer.from(SECRET).toString('hex'));
      expect(text).not.toContain(Buffer.from(SECRET).toString('base64'));
      expect(text).toContain(`<redacted ${SECRET.length} bytes>`);
    }
    expect(String(request)).toBe('WireRequest(PsaSignHash on provider 1, body 2 bytes, auth <redacted 19 bytes>)');
  });

  test('the bytes on the wire still carry the auth field', () => {
    expect(request.toBytes().subarray(-SECRET.length).toString()).toBe(SECRET);
  });

  test('a client prints its auth kind, never the app name', () => {
    const client = new ParsecClient({ socketPath: '/x.sock', auth: { direct: SECRET } });
    expect(inspect(client)).toBe('ParsecClient(/x.sock, auth direct(<redacted 19 bytes>))');
    expect(JSON.stringify(client)).not.toContain(SECRET);
  });

  test('transport and status errors do not carry the app name', async () => {
    const broken = new ParsecClient({ socketPath: '/nonexistent/p.sock', auth: { direct: SECRET } });
    const transport = await broken.listKeys().catch((e: unknown) => e);
    expect(transport).toBeInstanceOf(TransportError);
    expect(inspect(transport, { depth: 10 })).not.toContain(SECRET);

    const fake = await FakeParsecServer.start(() => ({ kind: 'answer', status: 11 }));
    try {
      const client = new ParsecClient({ socketPath: fake.socketPath, auth: { direct: SECRET } });
      const status = await client.listKeys().catch((e: unknown) => e);
      expect(status).toBeInstanceOf(ServiceStatusError);
      expect(inspect(status, { depth: 10 })).not.toContain(SECRET);
      expect(fake.requests[0].auth.toString()).toBe(SECRET);
    } finally {
      await fake.stop();
    }
  });
});
