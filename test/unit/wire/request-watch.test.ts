import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeHeader,
  encodeHeader,
  ParsecClient,
  summarizeOperation,
  watchRequests,
  WIRE_HEADER_LENGTH,
  type SentRequest,
} from '../../../harness/wire';

describe('summarizeOperation', () => {
  it('names keys, algorithms and attributes, and bytes only by their length', () => {
    const key = Buffer.alloc(32, 0xab);
    const text = summarizeOperation({
      keyName: 'pc-1-k',
      attributes: {
        keyType: { type: 'EccKeyPair', curveFamily: 'SecpR1' },
        keyBits: 256,
        policy: { usage: { signHash: true } },
      },
      data: key,
      salt: undefined,
    });
    expect(text).toBe(
      'keyName: "pc-1-k", attributes: { keyType: { type: "EccKeyPair", curveFamily: "SecpR1" }, keyBits: 256, policy: { usage: { signHash: true } } }, data: <32 bytes>',
    );
    expect(text).not.toContain('ab');
  });

  it("never shows an application's name (the Direct authenticator's credential)", () => {
    expect(summarizeOperation({ client: 'other-app' })).toBe('client: <application name, 9 characters>');
  });

  it('cuts a long summary at 300 characters', () => {
    expect(summarizeOperation({ keyName: 'k'.repeat(1000) })).toHaveLength(300);
  });

  it('shows nested bytes (credentials, secrets) by length too', () => {
    expect(
      summarizeOperation({ parameters: { mechanism: 'ActivateCredential', secret: Buffer.from('s3cr3t-value') } }),
    ).toBe('parameters: { mechanism: "ActivateCredential", secret: <12 bytes> }');
  });
});

describe('watchRequests', () => {
  let dir: string;
  let server: Server;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pc-watch-'));
    // Answers every request with its own header and status PsaErrorNotPermitted (1133), no body.
    server = createServer((socket) => {
      socket.once('data', (bytes: Buffer) => {
        const header = decodeHeader(bytes.subarray(0, WIRE_HEADER_LENGTH));
        socket.end(encodeHeader({ ...header, status: 1133, bodyLen: 0, authLen: 0, authType: 0 }));
      });
    });
    await new Promise<void>((r) => server.listen(join(dir, 's.sock'), r));
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('tells each request with its answer, without its bytes, until unsubscribed', async () => {
    const seen: SentRequest[] = [];
    const stop = watchRequests((r) => seen.push(r));
    const client = new ParsecClient({ socketPath: join(dir, 's.sock'), auth: { direct: 'secret-app' } });
    await expect(client.exportKey(1, 'pc-1-key')).rejects.toThrow('PsaErrorNotPermitted');
    stop();
    await expect(client.exportKey(1, 'pc-1-other')).rejects.toThrow();
    expect(seen).toEqual([
      { opcode: 'PsaExportKey', provider: 1, status: 'PsaErrorNotPermitted', summary: 'keyName: "pc-1-key"' },
    ]);
    expect(JSON.stringify(seen)).not.toContain('secret-app');
  });
});
