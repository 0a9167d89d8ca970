import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultsOf, runCli } from '../run-cli';

// Nine suite files (core/* and the two sign-hash suites): every shard of three gets some, and the run stays short.
const SELECTION = ['--suite', 'core/*', '--suite', 'crypto/psa-sign-hash*'];

const statusById = (out: string): Map<string, string> =>
  new Map((resultsOf(out)?.cases ?? []).map((c) => [c.id, c.status]));

describe('run --shard i/n and merge (real Parsec 1.4.1, three providers)', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'pc-shards-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a bad --shard is a usage error (exit 2) that says what is accepted', async () => {
    for (const shard of ['0/3', '4/3', 'x/y']) {
      const run = await runCli(['run', '--shard', shard, '--out', join(dir, 'bad')]);
      expect({ shard, code: run.code }).toEqual({ shard, code: 2 });
      expect(run.stderr).toContain(`--shard must be i/n with 1 ≤ i ≤ n`);
      expect(run.stderr).toContain(`got '${shard}'`);
    }
    const tooMany = await runCli(['run', '--suite', 'core/ping', '--shard', '1/2', '--out', join(dir, 'bad')]);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('the selection has 1 suite file, fewer than 2 shards');
  });

  test('three shards merged give exactly the unsharded run: the same case ids with the same statuses', async () => {
    const whole = join(dir, 'whole');
    const unsharded = await runCli(['run', ...SELECTION, '--out', whole]);
    expect({ code: unsharded.code, tail: unsharded.stderr.slice(-2000) }).toMatchObject({ code: 0 });

    const shards = [1, 2, 3].map((i) => join(dir, `shard-${i}`));
    for (const [k, out] of shards.entries()) {
      const run = await runCli(['run', ...SELECTION, '--shard', `${k + 1}/3`, '--out', out]);
      expect({ shard: k + 1, code: run.code, tail: run.stderr.slice(-2000) }).toMatchObject({ code: 0 });
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
      expect(results.options.shard).toEqual({ index: k + 1, count: 3 });
      // Every shard ran suites of its own, not just the harness's checks.
      expect(results.cases.filter((c: { provider: string }) => c.provider !== 'harness').length).toBeGreaterThan(0);
    }
    const suitesOf = (out: string) =>
      new Set((resultsOf(out)?.cases ?? []).filter((c) => c.provider !== 'harness').map((c) => c.suite));
    const [a, b, c] = shards.map(suitesOf) as [Set<string>, Set<string>, Set<string>];
    expect([...a].filter((s) => b.has(s) || c.has(s))).toEqual([]); // each suite in one shard only
    expect([...b].filter((s) => c.has(s))).toEqual([]);

    const mergedDir = join(dir, 'merged');
    const merge = await runCli(['merge', ...shards, '--out', mergedDir]);
    expect({ code: merge.code, stderr: merge.stderr }).toMatchObject({ code: 0 });
    expect(merge.stderr).toContain('merged 3 results: 1/3, 2/3, 3/3');

    const merged = statusById(mergedDir);
    const expected = statusById(whole);
    expect(merged.size).toBeGreaterThan(100);
    expect([...merged.entries()].sort()).toEqual([...expected.entries()].sort());
    const mergedResults = JSON.parse(readFileSync(join(mergedDir, 'results.json'), 'utf8'));
    expect(mergedResults.mergedFrom.map((m: { shard: string }) => m.shard)).toEqual(['1/3', '2/3', '3/3']);
    const junit = readFileSync(join(mergedDir, 'junit.xml'), 'utf8');
    expect((junit.match(/<testcase /g) ?? []).length).toBe(merged.size);

    // The diff of the two agrees: nothing changed.
    const diff = await runCli(['diff', whole, mergedDir, '--format', 'json']);
    expect(diff.code).toBe(0);
    const d = JSON.parse(diff.stdout);
    expect([d.regressions, d.fixes, d.changed, d.added, d.removed].map((l: unknown[]) => l.length)).toEqual([
      0, 0, 0, 0, 0,
    ]);

    // A shard missing, or a shard given twice, is not one run: exit 2 with what to do.
    const missing = await runCli(['merge', shards[0] as string, shards[2] as string, '--out', join(dir, 'm2')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('shard 2/3 missing');
    const twice = await runCli(['merge', ...shards, shards[1] as string, '--out', join(dir, 'm3')]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('shard 2/3 is given twice');
  }, 240_000);
});
