import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTarget, type StartedTarget } from '../../harness/targets';
import { resultsOf, runCli } from './run-cli';
import { startTamperingProxy, type Tamper } from './tampering-proxy.test-double';

/**
 * Every test must be able to fail. Here the REAL service answers, but a proxy rewrites some answers on the way
 * back: a transparent proxy must leave the suites green (the control), and each kind of wrong answer must turn
 * exactly the cases that depend on it red.
 */
const SUITES = [
  'core/ping',
  'crypto/psa-sign-hash-rsa',
  'crypto/psa-hash-compute',
  'crypto/psa-generate-random',
  'crypto/psa-destroy-key',
];

interface Case {
  id: string;
  status: string;
}

async function runAgainst(
  socket: string,
  out: string,
): Promise<{ code: number | null; cases: Case[]; stderr: string }> {
  const run = await runCli(['run', '--socket', socket, '--providers', 'mbed', '--suite', ...SUITES, '--out', out]);
  // No report: the assertions below say so with the stderr.
  return { code: run.code, cases: resultsOf(out)?.cases ?? [], stderr: run.stderr };
}

const flipLast = (body: Buffer): Buffer => {
  const b = Buffer.from(body);
  b[b.length - 1] = b[b.length - 1]! ^ 0x01;
  return b;
};

/** Wrong answers of several kinds: a version, a signature, a digest, random bytes and a status. */
const WRONG: Tamper = (header, body) => {
  switch (header.opcode) {
    case 0x01: // Ping: wire protocol 1.1 instead of 1.0
      return header.status === 0 ? { header, body: Buffer.from([0x08, 0x01, 0x10, 0x01]) } : undefined;
    case 0x04: // PsaSignHash: one bit of the signature
    case 0x0f: // PsaHashCompute: one bit of the digest
      return header.status === 0 && body.length > 0 ? { header, body: flipLast(body) } : undefined;
    case 0x0d: // PsaGenerateRandom: constant bytes of the right length
      return header.status === 0 && body.length > 2
        ? { header, body: Buffer.concat([body.subarray(0, body.length - 16), Buffer.alloc(16)]) }
        : undefined;
    case 0x03: // PsaDestroyKey: DoesNotExist (1140) reported as NotPermitted (1133)
      return header.status === 1140 ? { header: { ...header, status: 1133 }, body } : undefined;
    default:
      return undefined;
  }
};

describe('the suites fail on wrong answers from a real service (tampering proxy in front of Parsec 1.4.1)', () => {
  let target: StartedTarget;
  let dir: string;
  beforeAll(async () => {
    target = await startTarget({
      kind: 'native',
      parsec: { from: 'debian', suite: 'trixie' },
      providers: [{ key: 'mbed' }],
    });
    dir = mkdtempSync(join(tmpdir(), 'pc-tamper-'));
  }, 120_000);
  afterAll(async () => {
    await target?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('control: a transparent proxy changes nothing, the run passes', async () => {
    const proxy = await startTamperingProxy(target.socketPath, join(dir, 'clear.sock'), () => undefined);
    try {
      const run = await runAgainst(proxy.socketPath, join(dir, 'clear'));
      expect({ code: run.code, failed: run.cases.filter((c) => c.status === 'failed') }).toEqual({
        code: 0,
        failed: [],
      });
      expect(run.cases.length).toBeGreaterThan(50);
    } finally {
      await proxy.close();
    }
  }, 180_000);

  test('a wrong version, signature, digest, random output or status each fail the cases that check it', async () => {
    const proxy = await startTamperingProxy(target.socketPath, join(dir, 'wrong.sock'), WRONG);
    try {
      const run = await runAgainst(proxy.socketPath, join(dir, 'wrong'));
      expect(run.code).toBe(1);
      const failed = new Set(run.cases.filter((c) => c.status === 'failed').map((c) => c.id));
      expect(failed).toContain('core/ping/answers-wire-protocol-version-1.0');
      expect(failed).toContain('mbed/psa-destroy-key/key-that-was-never-created');
      const failedIn = (suite: string) => [...failed].filter((id) => id.startsWith(`mbed/${suite}/`));
      expect(failedIn('psa-sign-hash-rsa').length).toBeGreaterThan(0);
      expect(failedIn('psa-hash-compute').length).toBeGreaterThan(0);
      expect(failedIn('psa-generate-random').length).toBeGreaterThan(0);
      for (const op of [0x01, 0x03, 0x04, 0x0d, 0x0f]) expect(proxy.rewritten.get(op) ?? 0).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  }, 180_000);
});
