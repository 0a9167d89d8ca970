import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveParsecLocally, SetupError } from '../../../harness/setup';

describe('Parsec resolution', () => {
  let dir: string;
  let cacheRoot: string;
  let savedPath: string | undefined;

  function executable(path: string): string {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, 0o755);
    return path;
  }

  function cache(suite: string, version: string): void {
    executable(join(cacheRoot, suite, 'prefix', 'usr', 'bin', 'parsec'));
    const manifest = {
      suite,
      mirror: 'http://mirror.example.org/debian',
      createdAt: '2025-01-01T00:00:00Z',
      packages: { 'parsec-service': version },
      parsec: 'prefix/usr/bin/parsec',
      libraryPath: 'prefix/usr/lib/x86_64-linux-gnu',
    };
    writeFileSync(join(cacheRoot, suite, 'manifest.json'), JSON.stringify(manifest));
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'resolve-test-'));
    cacheRoot = join(dir, 'cache');
    savedPath = process.env.PATH;
    process.env.PATH = join(dir, 'bin');
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  test('--parsec-bin must exist and be executable', () => {
    expect(() => resolveParsecLocally({ parsecBin: join(dir, 'nope') }, cacheRoot)).toThrow(
      new SetupError(`--parsec-bin ${join(dir, 'nope')} does not exist`),
    );
    writeFileSync(join(dir, 'plain'), '');
    expect(() => resolveParsecLocally({ parsecBin: join(dir, 'plain') }, cacheRoot)).toThrow('is not an executable');
    const bin = executable(join(dir, 'my-parsec'));
    expect(resolveParsecLocally({ parsecBin: bin }, cacheRoot)).toEqual({
      kind: 'found',
      parsec: { path: bin, origin: 'custom' },
    });
  });

  test('--parsec-bin and --parsec together are refused', () => {
    expect(() => resolveParsecLocally({ parsecBin: '/bin/true', parsecSuite: 'sid' }, cacheRoot)).toThrow('both given');
  });

  test('parsec on PATH wins only when no suite was asked for', () => {
    const onPath = executable(join(dir, 'bin', 'parsec'));
    cache('sid', '1.5.0+ds-1');
    expect(resolveParsecLocally({}, cacheRoot)).toMatchObject({
      kind: 'found',
      parsec: { path: onPath, origin: 'path' },
    });
    expect(resolveParsecLocally({ parsecSuite: 'sid' }, cacheRoot)).toMatchObject({
      kind: 'found',
      parsec: {
        path: join(cacheRoot, 'sid', 'prefix', 'usr', 'bin', 'parsec'),
        libraryPath: join(cacheRoot, 'sid', 'prefix', 'usr', 'lib', 'x86_64-linux-gnu'),
        origin: 'debian:sid',
        packageVersion: '1.5.0+ds-1',
      },
    });
  });

  test('without a cached build the default suite must be fetched', () => {
    expect(resolveParsecLocally({}, cacheRoot)).toEqual({ kind: 'fetch', suite: 'trixie' });
  });

  test('a cache folder without its manifest (interrupted download) counts as absent', () => {
    cache('trixie', '1.4.1-3+b2');
    rmSync(join(cacheRoot, 'trixie', 'manifest.json'));
    expect(resolveParsecLocally({ parsecSuite: 'trixie' }, cacheRoot)).toEqual({ kind: 'fetch', suite: 'trixie' });
  });
});
