import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_OPERATIONS, type BenchResult } from '../../../harness/model/bench-result';
import { processesUsing } from '../processes';
import { runCli } from '../run-cli';

// What each provider of Parsec 1.4.1 lists (the reference's opcode table): the rest must be reported as not supported.
const SUPPORTED = {
  mbed: BENCH_OPERATIONS.filter((op) => op !== 'mac'),
  pkcs11: [
    'sign',
    'verify',
    'asymmetric-encrypt',
    'asymmetric-decrypt',
    'generate',
    'import',
    'export-public',
    'random',
  ],
  tpm: ['sign', 'verify', 'asymmetric-encrypt', 'asymmetric-decrypt', 'generate', 'import', 'export-public', 'random'],
} as const;

describe('parsec-conformance bench --operations (real Parsec 1.4.1, tiny cells)', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'pc-bench-out-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test('every cell has figures from the real service and from the backend; nothing is left behind', async () => {
    let pid = 0;
    const run = await runCli(
      [
        'bench',
        '--operations',
        '--parsec',
        'trixie',
        '--cell-ms',
        '60',
        '--warmup-ms',
        '20',
        '--rounds',
        '2',
        '--concurrency',
        '2',
        '--out',
        out,
      ],
      { onStderr: (_text, p) => (pid = p) },
    );
    expect({ code: run.code, tail: run.stderr.slice(-3000) }).toMatchObject({ code: 0 });

    const r = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8')) as BenchResult;
    expect(r.parsecVersion).toBe('1.4.1');
    expect(r.settings).toEqual({ warmupMs: 20, cellMs: 60, connections: [1, 2], rounds: 2 });
    for (const [provider, supported] of Object.entries(SUPPORTED)) {
      const p = r.providers[provider as keyof typeof SUPPORTED];
      expect(p).toBeDefined();
      for (const op of BENCH_OPERATIONS) {
        const o = p!.operations[op];
        const where = `${provider}/${op}`;
        if (!(supported as readonly string[]).includes(op)) {
          expect({ where, status: o.status, reason: o.reason }).toMatchObject({
            status: 'not-supported',
            reason: expect.stringContaining('not listed by provider'),
          });
          continue;
        }
        // A failure is acceptable only where fixtures/expectations/bench/ records it (PKCS#11 concurrent creation).
        if (o.status === 'failed' && o.knownDeviation) continue;
        expect({ where, status: o.status, reason: o.reason }).toEqual({ where, status: 'measured', reason: undefined });
        for (const c of ['1', '2']) {
          const m = o.parsec[c]!;
          expect({ where, c, rounds: m.rounds.length }).toEqual({ where, c, rounds: 2 });
          for (const round of m.rounds) expect(round.calls).toBeGreaterThan(0);
          expect(m.median.p50Ms).toBeGreaterThan(0);
          expect(m.median.p99Ms).toBeGreaterThanOrEqual(m.median.p50Ms);
        }
        // Every operation a provider lists is also timed on its backend (op 'export' exists on Mbed Crypto only).
        const b = o.backend!.byConnections['1']!;
        expect({ where, calls: b.median.calls > 0, p50: b.median.p50Ms > 0 }).toEqual({
          where,
          calls: true,
          p50: true,
        });
        expect(o.overhead!.p50Ratio).toBeGreaterThan(0);
        if (provider === 'pkcs11') expect(o.backend!.byConnections['2']!.median.calls).toBeGreaterThan(0);
      }
    }
    for (const key of ['ping', 'generate-random']) {
      expect(r.client[key]!.harness.median.calls).toBeGreaterThan(0);
      expect(r.client[key]!.raw.median.calls).toBeGreaterThan(0);
    }
    expect(r.goals.map((g) => g.goal)).toHaveLength(3);
    expect(r.keysLeftBehind).toEqual([]);
    expect(readFileSync(join(out, 'bench.md'), 'utf8')).toContain('| sign |');
    expect(readFileSync(join(out, 'bench.html'), 'utf8')).toContain('<h2>TPM</h2>');
    expect(run.stdout).toContain('### The harness client against a raw-socket client');

    // The bench's own token and swtpm, and the target's, are gone with their folders (named after the CLI's pid).
    const mine = `parsec-conformance-${pid}-`;
    expect(pid).toBeGreaterThan(0);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith(mine))).toEqual([]);
    expect(processesUsing(mine)).toEqual([]);
  }, 240_000);
});
