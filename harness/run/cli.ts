import { Command, Option } from 'commander';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCLI } from 'jest';
import { PROVIDER_KEYS, parseProviderList } from '../model/providers';
import { countByStatus, runSucceeded, type RunResults } from '../reports/model';
import { FULL_RUN_ENV, lastRun } from '../reports/jest-reporter';
import { renderResultsJson } from '../reports/results-json';
import { checkSetup, ensureSetup, parseParsecSuite, PARSEC_SUITES } from '../setup';
import { DEFAULT_OUT_DIR, runOptionsToEnv, type RunOptions } from './options';
import { listSuites, selectSuites } from './suite-files';
import { pingBench } from '../bench/ping-bench';

const PROJECT_ROOT = resolve(__dirname, '..', '..');
// One suite file at a time by default: cases then reach the service one request at a time, which keeps a
// release gate deterministic (SoftHSM2 behind Parsec showed rare CKR_GENERAL_ERROR under concurrent load).
// --workers 3 roughly halves the wall time when that matters more.
const DEFAULT_WORKERS = 1;

interface RunFlags {
  out: string;
  providers: string;
  parsec?: string;
  parsecBin?: string;
  suite?: string[];
  list?: boolean;
  workers: string;
  socket?: string;
}

/** Parses a counting option; the error names the option, the accepted range and what was given. */
function wholeNumber(option: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new Error(`--${option} must be a whole number from 1 to ${max}, got '${value}'`);
  }
  return n;
}

function fail(message: string, code = 2): never {
  process.stderr.write(`parsec-conformance: ${message}\n`);
  process.exit(code);
}

/** A run whose target never came up still leaves a report that says so, not a stale green one. */
function writeStartFailure(outDir: string, message: string, startedAt: Date): void {
  const results: RunResults = {
    target: { kind: 'native', parsecVersion: 'unknown', parsecBinary: 'unknown', providers: [] },
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    cases: [
      {
        id: 'harness/target/starts',
        suite: 'target',
        provider: 'harness',
        opcode: 'n/a',
        title: 'the target starts and answers Ping',
        status: 'failed',
        durationMs: Date.now() - startedAt.getTime(),
        message,
      },
    ],
  };
  writeFileSync(join(outDir, 'results.json'), renderResultsJson(results));
}

async function run(flags: RunFlags, providersChosen: boolean): Promise<number> {
  if (flags.list) {
    for (const s of listSuites()) process.stdout.write(`${s.id}\n`);
    return 0;
  }
  const options: RunOptions = {
    // Attached to a running service, the default is every provider it lists.
    ...(flags.socket && !providersChosen ? {} : { providers: parseProviderList(flags.providers) }),
    ...(flags.socket ? { socket: resolve(flags.socket) } : {}),
    ...(flags.parsec ? { parsecSuite: parseParsecSuite(flags.parsec) } : {}),
    ...(flags.parsecBin ? { parsecBin: resolve(flags.parsecBin) } : {}),
    outDir: resolve(flags.out),
  };
  const suites = selectSuites(flags.suite ?? []);
  const workers = wholeNumber('workers', flags.workers, 32);
  mkdirSync(options.outDir, { recursive: true });
  // Reports of an earlier run must not survive a run that dies early.
  for (const f of ['junit.xml', 'results.json', 'parsec.log']) rmSync(join(options.outDir, f), { force: true });
  Object.assign(process.env, runOptionsToEnv(options));
  process.env[FULL_RUN_ENV] = (flags.suite ?? []).length === 0 ? '1' : '0';

  const startedAt = new Date();
  let success: boolean;
  try {
    const { results } = await runCLI(
      {
        $0: 'parsec-conformance',
        _: suites.map((s) => s.file),
        runTestsByPath: true,
        selectProjects: ['conformance'],
        maxWorkers: workers,
        reporters: [
          ['default', {}],
          [join(PROJECT_ROOT, 'harness/reports/jest-reporter.ts'), { outDir: options.outDir }],
        ] as never,
      },
      [PROJECT_ROOT],
    );
    success = results.success;
  } catch (e) {
    const message = (e as Error).message;
    writeStartFailure(options.outDir, message, startedAt);
    process.stderr.write(`\nparsec-conformance: the run could not start:\n${message}\n`);
    return 2;
  }
  const results = lastRun.results;
  if (!results) {
    process.stderr.write('parsec-conformance: no results were recorded (see the errors above)\n');
    return 2;
  }
  const counts = countByStatus(results.cases);
  const ok = runSucceeded(results.cases) && (lastRun.reportErrors ?? []).length === 0;
  if (!ok && success)
    process.stderr.write('parsec-conformance: Jest passed but the conformance verdict is a failure\n');
  process.stderr.write(
    ok
      ? 'parsec-conformance: PASS\n'
      : `parsec-conformance: FAIL (${counts.failed} failed, ${counts['unexpected-pass']} unexpected-pass)\n`,
  );
  return ok ? 0 : 1;
}

async function setup(flags: { parsec?: string; parsecBin?: string; check?: boolean }): Promise<number> {
  if (flags.check) {
    const report = await checkSetup({
      ...(flags.parsec ? { parsecSuite: parseParsecSuite(flags.parsec) } : {}),
      ...(flags.parsecBin ? { parsecBin: resolve(flags.parsecBin) } : {}),
    });
    process.stdout.write(`${report.lines.join('\n')}\n`);
    return report.ok ? 0 : 1;
  }
  const parsec = await ensureSetup({
    ...(flags.parsec ? { parsecSuite: parseParsecSuite(flags.parsec) } : {}),
    ...(flags.parsecBin ? { parsecBin: resolve(flags.parsecBin) } : {}),
    log: (l) => process.stderr.write(`[setup] ${l}\n`),
  });
  process.stdout.write(
    `Parsec: ${parsec.path} (${parsec.origin}${parsec.packageVersion ? `, package ${parsec.packageVersion}` : ''})\n`,
  );
  return 0;
}

export function buildProgram(): Command {
  const program = new Command('parsec-conformance')
    .description(
      'Conformance tests for the Parsec security service, run against the real service and its real backends\n' +
        '(Mbed Crypto, PKCS#11 on SoftHSM2, TPM on swtpm).',
    )
    .showHelpAfterError('(run with --help for usage)');

  const parsecOption = () =>
    new Option(
      '--parsec <suite>',
      `Debian suite to take the parsec-service package from: ${Object.entries(PARSEC_SUITES)
        .map(([suite, v]) => `${suite} (${v.parsecVersion})`)
        .join(', ')}; default trixie, unless a parsec is on PATH`,
    ).choices(Object.keys(PARSEC_SUITES));
  const parsecBinOption = () =>
    new Option('--parsec-bin <path>', 'use this parsec binary (e.g. a release candidate) instead of a packaged one');

  program
    .command('run')
    .description('set up what is missing, start Parsec with its backends, run the suites, write the reports')
    .addOption(
      new Option('--out <dir>', 'folder for junit.xml, results.json and the service log').default(DEFAULT_OUT_DIR),
    )
    .addOption(
      new Option(
        '--providers <list>',
        `crypto providers to start, in priority order (comma-separated: ${PROVIDER_KEYS.join(', ')})`,
      ).default(PROVIDER_KEYS.join(',')),
    )
    .addOption(parsecOption())
    .addOption(parsecBinOption())
    .option('--suite <glob...>', "run only suites whose id matches, e.g. 'core/*' or 'list-keys' (see --list)")
    .option('--list', 'list the suite ids and exit')
    .addOption(
      new Option(
        '--workers <n>',
        'suite files run in parallel; 1 keeps requests to the service sequential and the run deterministic, 3 is about twice as fast',
      ).default(String(DEFAULT_WORKERS)),
    )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  parsec-conformance run                              # everything, Parsec 1.4.1 from Debian trixie',
        '  parsec-conformance run --parsec sid --out reports/sid',
        '  parsec-conformance run --providers mbed --suite core/ping',
        '  parsec-conformance run --parsec-bin ~/parsec/target/release/parsec',
        '  parsec-conformance run --socket /run/parsec/parsec.sock          # a deployed service',
        '',
        'Exit status: 0 when no case failed (known deviations count as expected failures), 1 when a case failed or',
        'a known deviation unexpectedly passed, 2 when the run could not start (the message carries the service log).',
        '',
        'Known deviations: fixtures/expectations/parsec-<version>.json (case id or * pattern, reason, evidence).',
      ].join('\n'),
    )
    .addOption(
      new Option(
        '--socket <path>',
        'attach to a Parsec already listening on this socket instead of starting one (its keys are left alone; with the Direct authenticator the app name comes from PARSEC_CONFORMANCE_APP_NAME)',
      ).conflicts(['parsec', 'parsecBin']),
    )
    .action(async (flags: RunFlags, command: Command) => {
      process.exitCode = await run(flags, command.getOptionValueSource('providers') !== 'default');
    });

  program
    .command('setup')
    .description(
      'install SoftHSM2, swtpm and tpm2-tools when missing and fetch the Parsec service; fast when all is there',
    )
    .addOption(parsecOption())
    .addOption(parsecBinOption())
    .option('--check', 'only report what is present and what is missing')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  parsec-conformance setup',
        '  parsec-conformance setup --parsec sid',
        '  parsec-conformance setup --check',
      ].join('\n'),
    )
    .action(async (flags: { parsec?: string; parsecBin?: string; check?: boolean }) => {
      process.exitCode = await setup(flags);
    });
  program
    .command('bench')
    .description('measure bring-up time and Ping round trips per second against a real service (bounded in time)')
    .addOption(parsecOption())
    .addOption(parsecBinOption())
    .addOption(new Option('--providers <list>', 'crypto providers to start').default(PROVIDER_KEYS.join(',')))
    .addOption(new Option('--seconds <n>', 'seconds per Ping measurement').default('3'))
    .addOption(new Option('--concurrency <n>', 'connections for the concurrent measurement').default('4'))
    .addOption(new Option('--startups <n>', 'bring-ups to time').default('5'))
    .action(
      async (flags: {
        parsec?: string;
        parsecBin?: string;
        providers: string;
        seconds: string;
        concurrency: string;
        startups: string;
      }) => {
        const result = await pingBench({
          ...(flags.parsec ? { parsecSuite: parseParsecSuite(flags.parsec) } : {}),
          ...(flags.parsecBin ? { parsecBin: resolve(flags.parsecBin) } : {}),
          providers: parseProviderList(flags.providers),
          seconds: wholeNumber('seconds', flags.seconds, 60),
          concurrency: wholeNumber('concurrency', flags.concurrency, 64),
          startups: wholeNumber('startups', flags.startups, 50),
          log: (l) => process.stderr.write(`[bench] ${l}\n`),
        });
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      },
    );
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    fail((e as Error).message);
  }
}
