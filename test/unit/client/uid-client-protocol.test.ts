import { encodeLine, fromWire, parseReply, parseRequest, toWire } from '../../../harness/client/uid-client-protocol';

describe('uid client line protocol', () => {
  it('carries bytes and bigints through JSON both ways', () => {
    const value = { name: 'k', data: Buffer.from([0, 1, 255]), size: 2n ** 64n - 1n, list: [Buffer.from('ab')] };
    const back = fromWire(JSON.parse(JSON.stringify(toWire(value)))) as typeof value;
    expect(back.name).toBe('k');
    expect(Buffer.isBuffer(back.data) && back.data.equals(value.data)).toBe(true);
    expect(back.size).toBe(value.size);
    expect(back.list[0]?.toString()).toBe('ab');
  });

  it('encodes one request per line and parses it back', () => {
    const line = encodeLine({ id: 3, method: 'signHash', args: [1, 'k', { alg: 'Ecdsa' }, Buffer.alloc(2)] });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trim().includes('\n')).toBe(false);
    const r = parseRequest(line);
    expect(r.id).toBe(3);
    expect(r.method).toBe('signHash');
    expect(Buffer.isBuffer(r.args[3])).toBe(true);
  });

  it('rejects methods outside the allow-list and malformed requests', () => {
    expect(() => parseRequest(JSON.stringify({ id: 1, method: 'raw', args: [] }))).toThrow(/unknown method raw/);
    expect(() => parseRequest(JSON.stringify({ method: 'ping', args: [] }))).toThrow(/numeric id/);
    expect(() => parseRequest(JSON.stringify({ id: 1, method: 'ping', args: 'x' }))).toThrow(/not an array/);
  });

  it('parses status replies and rejects malformed replies', () => {
    const reply = parseReply(encodeLine({ id: 2, ok: false, status: 1140, statusName: 'PsaErrorDoesNotExist' }));
    expect(reply).toEqual({ id: 2, ok: false, status: 1140, statusName: 'PsaErrorDoesNotExist' });
    expect(() => parseReply('{"id":1}')).toThrow(/malformed reply/);
  });
});
