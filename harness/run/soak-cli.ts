import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { defaultClients, DEFAULT_GROWTH_LIMITS, parseDuration } from '../load';
import { specFromFlags, UsageError, type TargetFlags } from './run-spec';
import { prepareOutDir } from './out-dir';
import { soak, SOAK_JSON, SOAK_MD, writeSoakReport } from './soak';

interface SoakFlags extends TargetFlags {
  duration: string;
  out: string;
  clients?: string;
  sampleEvery: string;
  maxRssSlope: string;
}

function durationOption(option: string, value: string): number {
  try {
    return parseDuration(value);
  } catch (e) {
    throw new UsageError(`--${option}: ${(e as Error).message}`);
  }
}

function numberOption(option: string, value: string, min: number, max: number, whole = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (whole && !Number.isInteger(n))) {
    throw new UsageError(`--${option} must be a ${whole ? 'whole ' : ''}number from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

/** `soak --duration D`: the command with its own options; the caller adds the target options `run` takes. */
export function addSoakCommand(program: Command): Command {
  return program
    .command('soak')
    .description(
      "start the target like run does, drive every provider's operations from concurrent clients for a duration, sample Parsec's memory and file descriptors, and fail on a lost or wrong answer or on growth",
    )
    .addOption(new Option('--duration <d>', 'how long to drive the load: 30s, 10m, 1h, 1h30m').makeOptionMandatory())
    .addOption(new Option('--out <dir>', 'folder for soak.json, soak.md and the service logs').default('reports/soak'))
    .addOption(new Option('--clients <n>', 'concurrent clients (default: one per core, plus one)'))
    .addOption(
      new Option('--sample-every <d>', "how often to read Parsec's RSS and descriptors from /proc").default('5s'),
    )
    .addOption(
      new Option(
        '--max-rss-slope <MiB-per-hour>',
        'fail when the resident memory grows faster than this after the warm-up (least-squares slope)',
      ).default(String(DEFAULT_GROWTH_LIMITS.maxRssMiBPerHour)),
    )
    .addHelpText(
      'after',
      [
        '',
        "Each client sends requests 10 ± 4 ms apart (Parsec's own stress-test pace), picked at random from every",
        "operation each provider offers (ListOpcodes and CanDoCrypto), every answer checked by Node's crypto or against",
        'a status fixed in advance; a checker signs and verifies every 500 ms. A lost or wrong answer fails the soak',
        'unless an entry of fixtures/expectations/ explains it for the load suite case that shows it.',
        '',
        `Growth: the first 10 % of the duration (at most 60 s) is warm-up. RSS fails when its least-squares slope exceeds --max-rss-slope`,
        `(default ${DEFAULT_GROWTH_LIMITS.maxRssMiBPerHour} MiB/hour) and the fitted line rises more than ${DEFAULT_GROWTH_LIMITS.minRssRiseMiB} MiB over the window;`,
        'descriptors fail when even the fewest open in the last third of the window exceed the most open in its first third.',
        `Fewer than ${DEFAULT_GROWTH_LIMITS.minSamples} samples after the warm-up leave the growth unjudged (reported, not failed).`,
        'A known growth is explained by an entry of fixtures/expectations/soak/ (core/soak/resident-memory-growth or',
        'core/soak/file-descriptors-growth) up to the slope its atMost states; a steeper one still fails.',
        '',
        'Examples:',
        '  parsec-conformance soak --duration 10m --out reports/soak',
        '  parsec-conformance soak --duration 30s --providers mbed',
        '  parsec-conformance soak --duration 1h --parsec sid --target containers --sample-every 15s',
        '',
        'Exit status: 0 passed, 1 a lost, wrong or unexplained answer or growth beyond the limits, 2 could not start.',
      ].join('\n'),
    )
    .action(async (flags: SoakFlags, command: Command) => {
      const durationMs = durationOption('duration', flags.duration);
      const sampleEveryMs = durationOption('sample-every', flags.sampleEvery);
      const clients =
        flags.clients === undefined ? defaultClients() : numberOption('clients', flags.clients, 1, 64, true);
      const maxRssMiBPerHour = numberOption('max-rss-slope', flags.maxRssSlope, 0, 1_000_000);
      // A folder that cannot take the reports ends the soak before the target starts (exit 2).
      const outDir = prepareOutDir(flags.out);
      const spec = specFromFlags(flags);
      const log = (line: string): void => {
        process.stderr.write(`[soak] ${line}\n`);
      };
      let report;
      try {
        report = await soak({
          spec,
          durationMs,
          clients,
          sampleEveryMs,
          limits: { ...DEFAULT_GROWTH_LIMITS, maxRssMiBPerHour },
          outDir,
          argv: command.parent?.args ?? [],
          log,
        });
      } catch (e) {
        const err = e as Error & { details?: string };
        process.stderr.write(
          `parsec-conformance: the soak could not run:\n${[err.message, err.details].filter((t) => t).join('\n')}\n`,
        );
        process.exitCode = 2;
        return;
      }
      writeSoakReport(report, outDir);
      const l = report.load;
      process.stderr.write(
        [
          `[soak] ${l.requests} requests in ${Math.round(l.elapsedMs / 1000)} s, ${l.lost} lost, ${l.wrong} wrong (${report.unexplained} unexplained)`,
          report.growth?.judged
            ? `[soak] RSS slope ${report.growth.rssMiBPerHour} MiB/hour, descriptors ${report.growth.fdsPerHour}/hour`
            : `[soak] growth not judged: ${report.growth?.problems.join('; ') ?? report.process.unavailable}`,
          ...report.explainedGrowth.map(
            (e) =>
              `[soak] ${e.case}: ${e.perHour} per hour, explained by ${e.expectation.source} (up to ${e.expectation.atMost ?? 'any'} per hour): ${e.expectation.reason}`,
          ),
          `[soak] wrote ${resolve(outDir, SOAK_JSON)} and ${resolve(outDir, SOAK_MD)}`,
          report.verdict === 'pass'
            ? 'parsec-conformance: soak PASS'
            : `parsec-conformance: soak FAIL: ${report.reasons.join('; ')}`,
          '',
        ].join('\n'),
      );
      process.exitCode = report.verdict === 'pass' ? 0 : 1;
    });
}
