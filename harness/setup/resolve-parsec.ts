import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ParsecBinary } from './parsec-binary';
import { readDebianParsec } from './debian-parsec';
import { findExecutable, isExecutableFile } from './find-executable';
import { DEFAULT_PARSEC_SUITE, type ParsecSuite } from './parsec-suites';
import { SetupError } from './setup-error';

export interface ParsecChoice {
  /** `--parsec-bin PATH`: this executable, nothing else. */
  readonly parsecBin?: string;
  /** `--parsec <suite>`: always the Debian package of that suite, even when `parsec` is on PATH. */
  readonly parsecSuite?: ParsecSuite;
}

/** What resolution found without downloading: a binary, or the Debian suite that must be fetched first. */
export type LocalResolution =
  | { readonly kind: 'found'; readonly parsec: ParsecBinary; readonly parsecTool?: string }
  | { readonly kind: 'fetch'; readonly suite: ParsecSuite };

/**
 * Order: --parsec-bin, then (only when no suite was asked for) `parsec` on PATH, then the Debian build of the suite
 * (default trixie) from the cache. Fast: file checks only.
 */
export function resolveParsecLocally(choice: ParsecChoice, cacheRoot: string): LocalResolution {
  if (choice.parsecBin !== undefined && choice.parsecSuite !== undefined) {
    throw new SetupError(`--parsec-bin and --parsec ${choice.parsecSuite} both given; pick one`);
  }
  if (choice.parsecBin !== undefined) {
    const path = resolve(choice.parsecBin);
    if (!existsSync(path)) throw new SetupError(`--parsec-bin ${path} does not exist`);
    if (!isExecutableFile(path)) throw new SetupError(`--parsec-bin ${path} is not an executable file`);
    return { kind: 'found', parsec: { path, origin: 'custom' } };
  }
  if (choice.parsecSuite === undefined) {
    const onPath = findExecutable('parsec');
    if (onPath !== undefined) {
      return { kind: 'found', parsec: { path: onPath, origin: 'path' }, parsecTool: findExecutable('parsec-tool') };
    }
  }
  const suite = choice.parsecSuite ?? DEFAULT_PARSEC_SUITE;
  const cached = readDebianParsec(cacheRoot, suite);
  if (!cached) return { kind: 'fetch', suite };
  return {
    kind: 'found',
    parsec: {
      path: cached.parsecPath,
      libraryPath: cached.libraryPath,
      origin: `debian:${suite}`,
      packageVersion: cached.packageVersion,
      packages: cached.manifest.packages,
    },
    parsecTool: cached.parsecToolPath,
  };
}
