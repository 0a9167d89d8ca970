import { driveLoad, STRESS_TEST_PLAN, type LoadPlan } from '../../../harness/load/load-driver';
import type { MixOperation } from '../../../harness/load/operation-mix';
import { OracleError } from '../../../harness/oracle/oracle-error';
import { TransportError } from '../../../harness/wire';

/**
 * The driver's bookkeeping with test-double operations (no service: each "request" resolves or throws as told), so
 * counts, bounds and the lost/wrong split are checked exactly. The real service is driven in the integration test.
 */
function op(name: string, answer: (n: number) => void, requests = 1): MixOperation {
  let n = 0;
  return {
    name: `double ${name}`,
    provider: 'double',
    category: 'use',
    async run(time) {
      n += 1;
      for (let i = 0; i < requests; i += 1) await time(`${name} request`, async () => answer(n));
    },
  };
}

const FAST: LoadPlan = {
  ...STRESS_TEST_PLAN,
  clients: 3,
  requestsPerClient: 20,
  intervalMs: 1,
  jitterMs: 1,
  maxDurationMs: 10_000,
};

describe('driveLoad', () => {
  it('sends requestsPerClient requests from each client and times every one under its label', async () => {
    const r = await driveLoad([op('ok', () => undefined)], FAST);
    expect(r).toMatchObject({ clients: 3, requests: 60, operations: 60, lost: 0, wrong: 0, failures: [] });
    expect(r.latency['double ok request']?.count).toBe(60);
    expect(r.perOperation['double ok']).toEqual({ runs: 60, failed: 0 });
  });

  it('counts an operation of several requests by its requests', async () => {
    const r = await driveLoad([op('pair', () => undefined, 2)], { ...FAST, clients: 1, requestsPerClient: 10 });
    expect(r.requests).toBe(10);
    expect(r.operations).toBe(5);
  });

  it('tells lost answers (transport) from wrong ones (oracle), with the operation and message', async () => {
    const lostEvery3 = op('flaky-socket', (n) => {
      if (n % 3 === 0) throw new TransportError({ socketPath: '/x.sock', phase: 'read', reason: 'timed out' });
    });
    const wrongOnce = op('bad-signature', (n) => {
      if (n === 2) throw new OracleError('the signature does not verify with the public key');
    });
    // Calls alternate: pick an operation, then the pause's jitter; the operations alternate.
    let pick = 0;
    const r = await driveLoad([lostEvery3, wrongOnce], {
      ...FAST,
      clients: 1,
      random: () => (Math.floor(pick++ / 2) % 2) * 0.5,
    });
    expect(r.lost).toBe(3); // 10 runs of flaky-socket: the 3rd, 6th and 9th
    expect(r.wrong).toBe(1);
    expect(r.failures.map((f) => [f.kind, f.operation])).toEqual([
      ['wrong', 'double bad-signature'],
      ['lost', 'double flaky-socket'],
      ['lost', 'double flaky-socket'],
      ['lost', 'double flaky-socket'],
    ]);
    expect(r.failures[0]?.message).toBe('the signature does not verify with the public key');
  });

  it('stops at the deadline even when the count is not reached', async () => {
    const t0 = Date.now();
    const r = await driveLoad([op('ok', () => undefined)], {
      ...FAST,
      requestsPerClient: 1_000_000,
      intervalMs: 10,
      maxDurationMs: 300,
    });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.requests).toBeLessThan(3 * 60);
  });

  it('gives up when the service no longer answers, and says so', async () => {
    const gone = op('gone', () => {
      throw new TransportError({ socketPath: '/x.sock', phase: 'connect', reason: 'ENOENT' });
    });
    const r = await driveLoad([gone], { ...FAST, clients: 1, requestsPerClient: 1000, maxConsecutiveLost: 5 });
    expect(r.lost).toBe(5);
    expect(r.stoppedEarly).toBe('5 answers in a row were lost: the service no longer answers');
  });

  it('runs the checker every checkEveryMs while the clients run', async () => {
    const r = await driveLoad(
      [op('ok', () => undefined)],
      { ...FAST, clients: 1, requestsPerClient: 30, intervalMs: 10, jitterMs: 0, checkEveryMs: 50 },
      [op('check', () => undefined)],
    );
    expect(r.checks.failed).toBe(0);
    expect(r.checks.runs).toBeGreaterThanOrEqual(2);
    expect(r.perOperation['double check']?.runs).toBe(r.checks.runs);
  });

  it('refuses an empty mix', async () => {
    await expect(driveLoad([], FAST)).rejects.toThrow('a load run needs at least one operation');
  });
});
