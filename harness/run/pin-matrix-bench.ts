import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunResults } from '../reports/model';

const CLI = resolve(__dirname, '..', '..', 'bin', 'parsec-conformance.cjs');

export interface PinMatrixTiming {
  readonly target: string;
  readonly parsecVersion: string;
  readonly cells: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly seconds: number;
  readonly exitCode: number | null;
}

/**
 * The whole PIN matrix (`run --suite pkcs11-pin`) on the target the options name, timed end to end as a user would
 * run it, once per repetition. Its reports go to a temporary folder that is removed afterwards.
 */
export async function pinMatrixBench(
  targetArgs: readonly string[],
  repetitions: number,
  log: (line: string) => void,
): Promise<PinMatrixTiming[]> {
  const timings: PinMatrixTiming[] = [];
  for (let i = 0; i < repetitions; i += 1) {
    const out = mkdtempSync(join(tmpdir(), 'pc-pin-bench-'));
    try {
      const t0 = process.hrtime.bigint();
      const code = await new Promise<number | null>((done, fail) => {
        const child = spawn(process.execPath, [CLI, 'run', '--suite', 'pkcs11-pin', '--out', out, ...targetArgs], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        child.stderr.on('data', (chunk: Buffer) => {
          for (const line of chunk.toString().split('\n')) if (line.startsWith('[parsec-conformance]')) log(line);
        });
        child.once('error', fail);
        child.once('close', done);
      });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      let results: RunResults | undefined;
      try {
        results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
      } catch {
        results = undefined;
      }
      const cells = (results?.cases ?? []).filter((c) => c.suite === 'pkcs11-pin');
      const byStatus: Record<string, number> = {};
      for (const c of cells) byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
      const timing = {
        target: results?.target.kind ?? 'unknown',
        parsecVersion: results?.target.parsecVersion ?? 'unknown',
        cells: cells.length,
        byStatus,
        seconds: Math.round(seconds * 10) / 10,
        exitCode: code,
      };
      log(`PIN matrix run ${i + 1}/${repetitions}: ${timing.cells} cells in ${timing.seconds} s (exit ${code})`);
      timings.push(timing);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  return timings;
}
