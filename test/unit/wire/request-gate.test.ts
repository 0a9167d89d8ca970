import {
  ParsecClient,
  RequestRefusedError,
  requestTimeout,
  setRequestGate,
  setRequestTimeout,
  watchRequests,
} from '../../../harness/wire';
import type { SentRequest } from '../../../harness/wire';

describe('the request gate', () => {
  const socketPath = '/nonexistent/parsec-conformance-gate-test.sock';

  it('refuses a request before anything is sent, naming why', async () => {
    const seen: string[] = [];
    const remove = setRequestGate((r) => {
      seen.push(`${r.opcode}@${r.provider} ${r.socketPath}`);
      return r.opcode === 'Ping' ? 'Ping hung earlier' : undefined;
    });
    try {
      const client = new ParsecClient({ socketPath, auth: 'none' });
      // Refused: no connection attempted (the socket does not exist, which a sent request would report instead).
      await expect(client.ping()).rejects.toThrow(new RequestRefusedError('Ping', 0, 'Ping hung earlier'));
      await expect(client.ping()).rejects.toThrow('Ping on provider 0 was not sent: Ping hung earlier');
      // Another opcode passes the gate and fails for real, on the socket.
      await expect(client.listProviders()).rejects.toThrow(/connect on .* failed/);
      expect(seen).toEqual([`Ping@0 ${socketPath}`, `Ping@0 ${socketPath}`, `ListProviders@0 ${socketPath}`]);
    } finally {
      remove();
    }
  });

  it('tells the watchers why a request got no answer', async () => {
    const noted: SentRequest[] = [];
    const unwatch = watchRequests((r) => noted.push(r));
    try {
      await expect(new ParsecClient({ socketPath, auth: 'none' }).ping()).rejects.toThrow();
    } finally {
      unwatch();
    }
    expect(noted).toEqual([
      expect.objectContaining({
        opcode: 'Ping',
        noAnswer: expect.objectContaining({ socketPath, reason: expect.any(String) }),
      }),
    ]);
  });
});

describe('the process request timeout', () => {
  it('is 30 s until a run sets it, and setting it returns the one it replaces', () => {
    const before = requestTimeout();
    expect(before).toBe(30_000);
    expect(setRequestTimeout(5000)).toBe(30_000);
    expect(requestTimeout()).toBe(5000);
    expect(setRequestTimeout(before)).toBe(5000);
  });
  it('refuses a timeout that is not a positive number', () => {
    expect(() => setRequestTimeout(0)).toThrow('a request timeout must be a positive number, got 0');
    expect(() => setRequestTimeout(Number.NaN)).toThrow(RangeError);
  });
});
