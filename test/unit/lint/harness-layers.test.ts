import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const ESLINT = join(ROOT, 'node_modules', '.bin', 'eslint');

/** Lints `code` as if it were the file `path` of the project, with the project's own config. */
function lint(path: string, code: string): { code: number | null; output: string } {
  const r = spawnSync(ESLINT, ['--stdin', '--stdin-filename', join(ROOT, path)], {
    cwd: ROOT,
    input: code,
    encoding: 'utf8',
  });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('the harness layer rule (harness/layers.mjs)', () => {
  it.each([
    [
      'harness/wire/x.ts',
      "import { PROVIDER_KEYS } from '../model/providers';",
      'harness/wire may not import harness/model',
    ],
    [
      'harness/kit/x.ts',
      "export { runOptionsFromEnv } from '../run/options';",
      'harness/kit may not import harness/run',
    ],
    ['harness/reports/x.ts', "import { main } from '../run/cli';", 'harness/reports may not import harness/run'],
    [
      'harness/setup/x.ts',
      "import type { StartedTarget } from '../targets';",
      'harness/setup may not import harness/targets',
    ],
    [
      'harness/targets/native/x.ts',
      "import { defineSuite } from '../../kit';",
      'harness/targets may not import harness/kit',
    ],
    ['harness/kit/x.ts', "import '../../suites/core/ping.test';", 'harness/ never imports suites/'],
  ])('%s: %s is an error', (path, code, message) => {
    const r = lint(path, `${code}\n`);
    expect(r.output).toContain(message);
    expect(r.code).toBe(1);
  });

  it.each([
    ['harness/model/x.ts', "import { opcodeCode } from '../wire';"],
    ['harness/run/x.ts', "import { defineSuite } from '../kit';"],
    ['harness/targets/native/x.ts', "import { tomlString } from '../config/toml';"],
  ])('%s: %s is allowed', (path, code) => {
    const r = lint(path, `export {};\n${code}\n`);
    expect(r.output).not.toContain('harness/layers');
  });
});
