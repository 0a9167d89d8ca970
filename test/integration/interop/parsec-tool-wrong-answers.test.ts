import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTarget, type StartedTarget } from '../../../harness/targets';
import { resultsOf, runCli } from '../run-cli';
import { startTamperingProxy, type Tamper } from '../tampering-proxy.test-double';

/**
 * The interop suite must be able to fail: with the REAL service behind a proxy that flips one bit of every SignHash
 * answer, both clients (parsec-tool reaches the service through the same socket) get wrong signatures, and exactly
 * the cases whose signatures the oracle or the service checks turn red; a transparent proxy leaves all green.
 */
const FLIP_SIGNATURE: Tamper = (header, body) => {
  if (header.opcode !== 0x04 || header.status !== 0 || body.length === 0) return undefined;
  const b = Buffer.from(body);
  b[b.length - 1] = (b[b.length - 1] as number) ^ 0x01;
  return { header, body: b };
};

const SIGNING_CASES =
  /signature-parsec-tool-makes|signs-and-is-destroyed-through-parsec-tool|the-csr-parsec-tool-makes/;

describe('the interop suite fails on wrong answers (tampering proxy in front of Parsec 1.4.1)', () => {
  let target: StartedTarget;
  let dir: string;
  beforeAll(async () => {
    target = await startTarget({
      kind: 'native',
      parsec: { from: 'debian', suite: 'trixie' },
      providers: [{ key: 'mbed' }],
    });
    dir = mkdtempSync(join(tmpdir(), 'pc-interop-tamper-'));
  }, 120_000);
  afterAll(async () => {
    await target?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    ['a transparent proxy: every case passes', 'clear', () => undefined, false],
    ['one bit of each signature flipped: the six signing cases fail, nothing else', 'wrong', FLIP_SIGNATURE, true],
  ] as const)(
    '%s',
    async (_title, name, tamper, tampered) => {
      const proxy = await startTamperingProxy(target.socketPath, join(dir, `${name}.sock`), tamper);
      try {
        const out = join(dir, name);
        const run = await runCli([
          'run',
          '--socket',
          proxy.socketPath,
          '--providers',
          'mbed',
          '--suite',
          'interop/parsec-tool',
          '--out',
          out,
        ]);
        const cases = resultsOf(out)?.cases.filter((c) => c.suite === 'parsec-tool') ?? [];
        const failed = cases.filter((c) => c.status === 'failed').map((c) => c.id);
        expect(cases.length).toBeGreaterThanOrEqual(15);
        if (!tampered) {
          expect({ code: run.code, failed, tail: failed.length > 0 ? run.stderr.slice(-2000) : '' }).toEqual({
            code: 0,
            failed: [],
            tail: '',
          });
          return;
        }
        expect(run.code).toBe(1);
        expect(failed.length).toBe(6);
        expect(failed.filter((id) => !SIGNING_CASES.test(id))).toEqual([]);
        expect(proxy.rewritten.get(0x04) ?? 0).toBeGreaterThanOrEqual(6);
      } finally {
        await proxy.close();
      }
    },
    180_000,
  );
});
