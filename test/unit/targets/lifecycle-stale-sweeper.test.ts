import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunDir, runDirOwnerPid, sweepStaleRunDirs } from '../../../harness/lifecycle';

describe('stale run dir sweeper', () => {
  let parent: string;
  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'sweeper-test-'));
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  test('removes run dirs of dead pids only, and says so in one line', () => {
    const dead = join(parent, 'parsec-conformance-999999-abc123');
    mkdirSync(join(dead, 'tokens'), { recursive: true });
    writeFileSync(join(dead, 'parsec.log'), 'x');
    const alive = join(parent, 'parsec-conformance-4242-def456');
    mkdirSync(alive);
    const mine = createRunDir(parent);
    const deadMeta = join(parent, 'parsec-conformance-999999-meta-Ab12Cd');
    mkdirSync(deadMeta);
    const mineProbe = createRunDir(parent, 'probe');
    const unrelated = join(parent, 'parsec-conformance-notapid');
    mkdirSync(unrelated);
    const lines: string[] = [];

    const removed = sweepStaleRunDirs({ parent, log: (l) => lines.push(l), isAlive: (pid) => pid === 4242 });

    expect(removed.sort()).toEqual([dead, deadMeta].sort());
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(deadMeta)).toBe(false);
    expect(existsSync(mineProbe)).toBe(true);
    expect(existsSync(alive)).toBe(true);
    expect(existsSync(mine)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(dead);
  });

  test('uses the real pid check by default and stays quiet when nothing is stale', () => {
    const mine = createRunDir(parent);
    const lines: string[] = [];
    expect(sweepStaleRunDirs({ parent, log: (l) => lines.push(l) })).toEqual([]);
    expect(existsSync(mine)).toBe(true);
    expect(lines).toEqual([]);
  });

  test('run dir names carry the owner pid', () => {
    const dir = createRunDir(parent);
    expect(runDirOwnerPid(dir.slice(parent.length + 1))).toBe(process.pid);
    expect(runDirOwnerPid('parsec-conformance-12-x')).toBe(12);
    expect(runDirOwnerPid('something-else')).toBeUndefined();
  });
});
