import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder holding the project's package.json, found upwards from this file (works from any cwd). */
export function findProjectRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** Where downloaded Parsec builds live: `<projectRoot>/.cache/parsec` (gitignored). */
export function parsecCacheRoot(projectRoot: string = findProjectRoot()): string {
  return join(projectRoot, '.cache', 'parsec');
}
