import { Command, CommanderError, Option } from 'commander';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCLI } from 'jest';
import { PROVIDER_KEYS } from '../model/providers';
import {
  countByStatus,
  RESULTS_FORMAT_VERSION,
  runSucceeded,
  type RunOptionsRecord,
  type RunResults,
} from '../reports/model';
import { FULL_RUN_ENV, lastRun, SHARD_ENV, STRICT_ENV } from '../reports/jest-reporter';
import { combineRounds } from '../reports/repeat';
import { harnessInfo } from '../reports/run-record';
import { EXPECTATIONS_DIR, readExpectationFile } from '../kit/expectations';
import { updateExpectations } from './update-expectations';
import { writeReports } from '../reports/write-reports';
import {
  checkSetup,
  ensureDockerEngine,
  ensureSetup,
  imageBase,
  parsecImage,
  parsecToolImage,
  PARSEC_SUITES,
  SetupError,
  softhsm2Image,
  swtpmImage,
  ensureParsecBuildImage,
  type ParsecSuite,
} from '../setup';
import { describeParsecSource, parseParsecSource } from '../targets';
import { pingBench } from '../bench/ping-bench';
import { pinMatrixBench } from './pin-matrix-bench';
import { runOperationBench } from './operation-bench-cli';
import { BENCH_OPERATIONS } from '../model/bench-result';
import { DEFAULT_OUT_DIR, DEFAULT_REQUEST_TIMEOUT_S, runOptionsToEnv, type RunOptions } from './options';
import { prepareOutDir } from './out-dir';
import { specFromFlags, UsageError, DEFAULT_OWNER_AUTH_ENV, type TargetFlags } from './run-spec';
import { CLIENT_IMAGE_SUITE, listSuites, selectSuites } from './suite-files';
import { CLIENT_IMAGE_ENV } from '../interop';
import { addProbeTokenCommand } from './probe-token-cli';
import { addDiffCommand } from './diff-cli';
import { addMergeCommand } from './merge-cli';
import { addSoakCommand } from './soak-cli';
import { checkShardFits, parseShard } from './shard';
import { TOKEN_PROFILE_FILE } from './vendor-token';
import type { TokenProfile } from '../model/token-profile';

const PROJECT_ROOT = resolve(__dirname, '..', '..');
// One suite file at a time by default: cases then reach the service one request at a time, which keeps a
// release gate deterministic (SoftHSM2 behind Parsec showed rare CKR_GENERAL_ERROR under concurrent load).
// --workers 3 roughly halves the wall time when that matters more.
const DEFAULT_WORKERS = 1;

interface RunFlags extends TargetFlags {
  out: string;
  suite?: string[];
  list?: boolean;
  workers: string;
  shard?: string;
  strict?: boolean;
  profile?: string[];
  updateExpectations?: string | boolean;
  repeat?: string;
  requestTimeout: string;
  clientImage?: string;
  clientCmd?: string;
  clientExpect?: string;
}

/** `--request-timeout` in seconds (fractions allowed), as milliseconds; the error names the range and the value. */
function requestTimeoutMs(value: string): number {
  const s = Number(value);
  if (value.trim() === '' || !Number.isFinite(s) || s < 0.1 || s > 3600) {
    throw new UsageError(`--request-timeout must be a number of seconds from 0.1 to 3600, got '${value}'`);
  }
  return Math.round(s * 1000);
}

/** Parses a counting option; the error names the option, the accepted range and what was given. */
function wholeNumber(option: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new UsageError(`--${option} must be a whole number from 1 to ${max}, got '${value}'`);
  }
  return n;
}

type Backends = Readonly<Record<string, string>>;

/**
 * A run whose target never came up still leaves a report that says so, not a stale green one. `backends`: their
 * versions, when the target read them before it gave up (a TargetStartError carries them).
 */
function writeStartFailure(
  outDir: string,
  options: RunOptions,
  message: string,
  startedAt: Date,
  backends?: Backends,
): void {
  const spec = options.spec;
  const results: RunResults = {
    formatVersion: RESULTS_FORMAT_VERSION,
    harness: harnessInfo(PROJECT_ROOT),
    ...(options.record ? { options: options.record } : {}),
    target: {
      kind: spec.kind,
      parsecVersion: 'unknown',
      parsecBinary: 'unknown',
      parsecSource: spec.kind === 'external' ? `external:${spec.socket}` : describeParsecSource(spec.parsec),
      ...(backends && typeof backends === 'object' ? { backends } : {}),
      providers: [],
    },
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
  // Every report, junit.xml included: a CI report step finds the start-up failure as a failed case.
  const { errors } = writeReports(results, outDir);
  for (const e of errors) process.stderr.write(`parsec-conformance: REPORT ERROR ${e}\n`);
}

/** On a token of the user's, what its profile (probed before Parsec started) says may explain a failed start. */
function vendorTokenHint(outDir: string): string | undefined {
  const file = join(outDir, TOKEN_PROFILE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as TokenProfile;
    const seen = profile.quirks.seen.map((q) => `${q.name} (${q.evidence})`);
    return `The token's profile (${file}, probed before Parsec started) names ${seen.length > 0 ? `these PIN quirks: ${seen.join('; ')}` : 'no PIN quirk'}.`;
  } catch {
    return undefined;
  }
}

/** `argv`: the command line after the program name, recorded in results.json. */
async function run(flags: RunFlags, argv: readonly string[] = []): Promise<number> {
  if (flags.list) {
    for (const s of listSuites()) process.stdout.write(`${s.id}\n`);
    return 0;
  }
  let suites;
  try {
    suites = selectSuites(flags.suite ?? []);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  // The client-image slot: a client of the user's, run once against the service, its exit status a case.
  if (flags.clientImage === undefined && (flags.clientCmd !== undefined || flags.clientExpect !== undefined)) {
    throw new UsageError('--client-cmd and --client-expect need --client-image IMAGE');
  }
  if (flags.clientExpect !== undefined) {
    try {
      new RegExp(flags.clientExpect, 'm');
    } catch (e) {
      throw new UsageError(`--client-expect is not a regular expression: ${(e as Error).message}`);
    }
  }
  if (flags.clientImage !== undefined) suites = [...suites, CLIENT_IMAGE_SUITE];
  const workers = wholeNumber('workers', flags.workers, 32);
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
  if (shard) checkShardFits(shard, suites.length);
  // Each profile is read now: a missing or malformed file is a command-line error, not a failed run.
  const profiles = (flags.profile ?? []).map((p) => resolve(p));
  for (const p of profiles) {
    try {
      readExpectationFile(p);
    } catch (e) {
      throw new UsageError(`--profile: ${(e as Error).message}`);
    }
  }
  const record: RunOptionsRecord = {
    argv: [...argv],
    suites: flags.suite ?? [],
    workers,
    strict: flags.strict === true,
    profiles,
    ...(shard ? { shard: { index: shard.index, count: shard.count } } : {}),
    ...(flags.repeat !== undefined ? { repeat: wholeNumber('repeat', flags.repeat, 100) } : {}),
  };
  const timeoutMs = requestTimeoutMs(flags.requestTimeout);
  const options: RunOptions = {
    spec: specFromFlags(flags),
    // A folder that cannot take the reports ends the run here, before anything starts (exit 2).
    outDir: prepareOutDir(flags.out),
    profiles,
    record,
    requestTimeoutMs: timeoutMs,
  };
  // Reports of an earlier run must not survive a run that dies early.
  for (const f of [
    'junit.xml',
    'results.json',
    'pkcs11-pin-matrix.md',
    'report.html',
    'summary.md',
    'token-profile.json',
    'parsec.log',
    'swtpm.log',
    'softhsm2.log',
    'targets',
    'client',
  ]) {
    rmSync(join(options.outDir, f), { recursive: true, force: true });
  }
  Object.assign(process.env, runOptionsToEnv(options));
  for (const [key, value] of [
    [CLIENT_IMAGE_ENV.image, flags.clientImage],
    [CLIENT_IMAGE_ENV.command, flags.clientCmd],
    [CLIENT_IMAGE_ENV.expect, flags.clientExpect],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  process.env[FULL_RUN_ENV] = (flags.suite ?? []).length === 0 ? '1' : '0';
  process.env[SHARD_ENV] = shard ? `${shard.index}/${shard.count}` : '';

  const startedAt = new Date();
  const rounds = flags.repeat !== undefined ? wholeNumber('repeat', flags.repeat, 100) : 1;
  const strict = flags.strict === true;
  process.env[STRICT_ENV] = strict ? '1' : '0';
  const perRound: RunResults[] = [];
  let success = true;
  for (let round = 1; round <= rounds; round += 1) {
    if (rounds > 1) process.stderr.write(`parsec-conformance: round ${round} of ${rounds}\n`);
    lastRun.results = undefined;
    lastRun.reportErrors = undefined;
    try {
      const { results } = await runCLI(
        {
          $0: 'parsec-conformance',
          _: suites.map((s) => s.file),
          runTestsByPath: true,
          selectProjects: ['conformance'],
          maxWorkers: workers,
          ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}),
          // Our progress line and failures as they happen instead of Jest's default (whose summary ends with every
          // suite path); the conformance reporter's summary is the verdict.
          reporters: [
            [join(PROJECT_ROOT, 'harness/reports/progress-reporter.ts'), {}],
            [join(PROJECT_ROOT, 'harness/reports/jest-reporter.ts'), { outDir: options.outDir }],
          ] as never,
        },
        [PROJECT_ROOT],
      );
      success &&= results.success;
    } catch (e) {
      const err = e as Error & { details?: string };
      const message = [err.message, err.details, vendorTokenHint(options.outDir)].filter((t) => t).join('\n');
      writeStartFailure(options.outDir, options, message, startedAt, (e as { backends?: Backends }).backends);
      process.stderr.write(`\nparsec-conformance: the run could not start:\n${message}\n`);
      return 2;
    }
    if (!lastRun.results) {
      process.stderr.write('parsec-conformance: no results were recorded (see the errors above)\n');
      return 2;
    }
    perRound.push(lastRun.results);
  }
  let results = perRound[0] as RunResults;
  let reportErrors = lastRun.reportErrors ?? [];
  if (rounds > 1) {
    // One report for all rounds: each case's worst status, and the cases whose outcome changed.
    results = combineRounds(perRound);
    reportErrors = writeReports(results, options.outDir).errors;
    process.stderr.write(`\n${repeatSummary(results).join('\n')}\n`);
  }
  if (flags.updateExpectations !== undefined) {
    const file = resolve(
      typeof flags.updateExpectations === 'string' ? flags.updateExpectations : join(EXPECTATIONS_DIR, 'parsec.json'),
    );
    const u = await updateExpectations(results, file);
    process.stderr.write(
      [
        `parsec-conformance: ${u.file}: ${u.added.length} new TODO entr${u.added.length === 1 ? 'y' : 'ies'} (write their reasons; --strict fails until then), ${u.kept} expected failures seen again (kept)`,
        ...u.added.map((id) => `  + ${id}`),
        ...(u.notSeen.length > 0
          ? [`  ${u.notSeen.length} entries did not show this time (kept; narrow their conditions if fixed):`]
          : []),
        ...u.notSeen.map((n) => `  ? ${n}`),
        '',
      ].join('\n'),
    );
  }
  const counts = countByStatus(results.cases);
  const ok = runSucceeded(results.cases, strict) && reportErrors.length === 0;
  if (!ok && success)
    process.stderr.write('parsec-conformance: Jest passed but the conformance verdict is a failure\n');
  const unexpected = counts['unexpected-pass'];
  if (ok && unexpected > 0)
    process.stderr.write(
      `parsec-conformance: ${unexpected} recorded deviation(s) did not show (unexpected pass): the gate fails on them with --strict\n`,
    );
  process.stderr.write(
    ok
      ? `parsec-conformance: PASS${strict ? ' (strict)' : ''}\n`
      : `parsec-conformance: FAIL (${counts.failed} failed${strict ? `, ${unexpected} unexpected-pass` : ''}${reportErrors.length > 0 ? `, ${reportErrors.length} report error(s)` : ''})\n`,
  );
  return ok ? 0 : 1;
}

/** After --repeat: how many cases changed outcome between rounds, and which, with their counts. */
function repeatSummary(results: RunResults): string[] {
  const r = results.repeats;
  if (!r) return [];
  const head = `${r.rounds} rounds: ${r.changed.length} case(s) changed outcome between rounds${r.changed.length > 0 ? ':' : ''}`;
  const line = (c: { id: string; outcomes: Readonly<Record<string, number>> }): string =>
    `  ${c.id}: ${Object.entries(c.outcomes)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')}`;
  const flaky = r.flaky ?? [];
  return [
    head,
    ...r.changed.map(line),
    ...(flaky.length > 0 ? [`${flaky.length} case(s) a flaky entry covers:`, ...flaky.map(line)] : []),
  ];
}

interface SetupFlags {
  parsec?: string;
  parsecBin?: string;
  check?: boolean;
  containers?: boolean;
  baseImage?: string;
}

/** `setup --containers`: the engine, the base image, and the images a container run of this Parsec needs. */
async function setupContainers(flags: SetupFlags, log: (line: string) => void): Promise<void> {
  const engine = await ensureDockerEngine(log);
  log(
    `Docker engine ${engine.version} (API ${engine.apiVersion})${engine.actions.length ? `: ${engine.actions.join(', ')}` : ''}`,
  );
  const base = await imageBase(flags.baseImage, log);
  const source = flags.parsec ? parseParsecSource(flags.parsec) : undefined;
  const suites: ParsecSuite[] = source?.from === 'debian' ? [source.suite] : ['trixie'];
  const images = [(await swtpmImage(base, log)).tag];
  for (const s of suites) {
    images.push(
      (await softhsm2Image(base, s, log)).tag,
      (await parsecImage(base, s, log)).tag,
      // parsec-tool of the same suite, the interop suites' client container.
      (await parsecToolImage(base, s, log)).tag,
    );
  }
  if (source?.from === 'build') {
    images.push(
      (
        await ensureParsecBuildImage({
          suite: source.suite,
          features: source.features,
          baseImage: flags.baseImage,
          log,
        })
      ).image,
    );
  }
  process.stdout.write(`base image: ${base.baseImage}\n${images.map((i) => `image: ${i}`).join('\n')}\n`);
}

async function setup(flags: SetupFlags): Promise<number> {
  const log = (l: string) => process.stderr.write(`[setup] ${l}\n`);
  const source = flags.parsec ? parseParsecSource(flags.parsec) : undefined;
  if (flags.check) {
    const report = checkSetup({
      ...(source?.from === 'debian' ? { parsecSuite: source.suite } : {}),
      ...(flags.parsecBin ? { parsecBin: resolve(flags.parsecBin) } : {}),
    });
    process.stdout.write(`${report.lines.join('\n')}\n`);
    return report.ok ? 0 : 1;
  }
  if (flags.containers) {
    await setupContainers(flags, log);
    return 0;
  }
  if (source?.from === 'image') throw new UsageError('--parsec image:… needs setup --containers');
  if (source?.from === 'build') {
    const built = await ensureParsecBuildImage({ suite: source.suite, features: source.features, log });
    process.stdout.write(`Parsec build: ${built.image}\n`);
    return 0;
  }
  const parsec = await ensureSetup({
    ...(source?.from === 'debian' ? { parsecSuite: source.suite } : {}),
    ...(flags.parsecBin ? { parsecBin: resolve(flags.parsecBin) } : {}),
    log,
  });
  process.stdout.write(
    `Parsec: ${parsec.path} (${parsec.origin}${parsec.packageVersion ? `, package ${parsec.packageVersion}` : ''})\n`,
  );
  return 0;
}

const parsecChoices = `${Object.entries(PARSEC_SUITES)
  .map(([suite, v]) => `${suite} (Debian's ${v.parsecVersion})`)
  .join(
    ', ',
  )}, build:trixie[+feature…] (built from Debian's crate sources, e.g. build:trixie+direct-authenticator), or image:NAME (containers)`;

function addTargetOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--target <kind>', 'where Parsec runs: native (processes on this machine) or containers').choices([
        'native',
        'containers',
      ]),
    )
    .addOption(
      new Option(
        '--parsec <source>',
        `the Parsec to test: ${parsecChoices}; default trixie, unless a parsec is on PATH (native)`,
      ),
    )
    .addOption(new Option('--parsec-bin <path>', 'test this parsec binary (a release candidate, your own build)'))
    .addOption(
      new Option(
        '--providers <list>',
        `crypto providers to start, in priority order (comma-separated: ${PROVIDER_KEYS.join(', ')})`,
      ),
    )
    .addOption(
      new Option(
        '--tcti <tcti>',
        `native: use a TPM of yours (device:/dev/tpmrm0, tabrmd, swtpm:host=…,port=…) instead of an swtpm; never cleared, hierarchies never changed`,
      ),
    )
    .addOption(
      new Option(
        '--tpm-owner-auth-env <var>',
        `environment variable holding that TPM's owner hierarchy auth (default: ${DEFAULT_OWNER_AUTH_ENV} when set, else empty)`,
      ),
    )
    .addOption(
      new Option(
        '--pkcs11-module <lib>',
        "put a PKCS#11 token of yours behind Parsec's PKCS#11 provider instead of a SoftHSM2 token the harness makes (probed first: what it lacks is expected not-supported; keys already on it are never touched)",
      ),
    )
    .addOption(
      new Option('--slot <n>', 'with --pkcs11-module: the slot of the token (default: the one initialised token)'),
    )
    .addOption(new Option('--serial <s>', 'with --pkcs11-module: the serial number of the token (instead of --slot)'))
    .addOption(
      new Option(
        '--pkcs11-mount <path...>',
        'with --pkcs11-module and --target containers: host files or folders the module needs (its config, its token files, a daemon socket), bound into the Parsec container at the same path',
      ),
    )
    .addOption(
      new Option(
        '--pkcs11-env <name...>',
        "with --pkcs11-module and --target containers: environment variables the module reads (e.g. SOFTHSM2_CONF), passed into Parsec's container",
      ),
    )
    .addOption(
      new Option(
        '--pin-env <var>',
        "with --pkcs11-module: environment variable holding the token's user PIN, as Parsec's user_pin takes it (text, str:…, hex:…)",
      ),
    )
    .addOption(
      new Option(
        '--base-image <image>',
        'containers: the image the harness builds its images FROM (default debian:trixie-slim, made locally with debootstrap when it cannot be pulled)',
      ),
    )
    .addOption(
      new Option(
        '--socket <path>',
        'attach to a Parsec already listening on this socket instead of starting one (its keys are left alone; with the Direct authenticator the app name comes from PARSEC_CONFORMANCE_APP_NAME)',
      ),
    )
    .addOption(
      new Option(
        '--target-spec <file>',
        'the target as a JSON spec (harness/targets/spec.ts) instead of the options above',
      ),
    );
}

/** The target options as given, to hand to a `run` of our own. */
function targetArgsOf(flags: TargetFlags): string[] {
  const args: string[] = [];
  const one: [keyof TargetFlags, string][] = [
    ['target', '--target'],
    ['parsec', '--parsec'],
    ['parsecBin', '--parsec-bin'],
    ['providers', '--providers'],
    ['baseImage', '--base-image'],
    ['targetSpec', '--target-spec'],
  ];
  for (const [k, option] of one) {
    const v = flags[k];
    if (typeof v === 'string') args.push(option, v);
  }
  return args;
}

export function buildProgram(): Command {
  const program = new Command('parsec-conformance')
    .description(
      'Conformance tests for the Parsec security service, run against the real service and its real backends\n' +
        '(Mbed Crypto, PKCS#11 on SoftHSM2, TPM on swtpm), as processes on this machine or in containers.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  // Asked only when wanted: the commit takes a git call that no other command needs.
  program
    .option('-V, --version', 'print the harness version and commit and the protobuf contract its wire client speaks')
    .on('option:version', () => {
      const info = harnessInfo(PROJECT_ROOT);
      process.stdout.write(
        `parsec-conformance ${info.version}${info.commit ? ` (commit ${info.commit.slice(0, 12)})` : ''}\nprotobuf contract: ${info.contract}\n`,
      );
      process.exit(0);
    });

  const runCommand = program
    .command('run')
    .description('set up what is missing, start Parsec with its backends, run the suites, write the reports')
    .addOption(
      new Option(
        '--out <dir>',
        'folder for junit.xml, results.json, report.html, summary.md and the service logs',
      ).default(DEFAULT_OUT_DIR),
    )
    .option('--suite <glob...>', "run only suites whose id matches, e.g. 'core/*' or 'list-keys' (see --list)")
    .option('--list', 'list the suite ids and exit')
    .option(
      '--shard <i/n>',
      "run only the i-th of n parts of the selected suite files (Jest's sharding); combine the parts with merge",
    )
    .addOption(
      new Option(
        '--workers <n>',
        'suite files run in parallel; 1 keeps requests to the service sequential and the run deterministic, 3 is about twice as fast',
      ).default(String(DEFAULT_WORKERS)),
    )
    .option(
      '--strict',
      'the release gate: an unexpected pass, an expectation entry that matches no case and a TODO entry fail it too',
    )
    .option(
      '--profile <file...>',
      'expectation files that add to or override fixtures/expectations/ (a token of yours, a distribution); later wins',
    )
    .option(
      '--update-expectations [file]',
      'write the deviations of this run back: new failures become TODO entries (default file fixtures/expectations/parsec.json)',
    )
    .option('--repeat <n>', 'run the selection n times and report the cases whose outcome changed (flaky), with counts')
    .addOption(
      new Option(
        '--request-timeout <seconds>',
        'how long a request waits for an answer; then a Ping tells an operation that hangs (its case fails, the run goes on) from a service that is gone (the run stops with that verdict); cases that need longer (RSA 3072/4096 generation) have their own allowance',
      ).default(String(DEFAULT_REQUEST_TIMEOUT_S)),
    );
  runCommand
    .option(
      '--client-image <image>',
      "also run this client image of yours against the service under test, once, with no network, the service's socket bound in at /run/parsec/parsec.sock (PARSEC_SERVICE_ENDPOINT points at it) and this user's uid; its exit status is the case client/<image>/exit-status, its output kept in <out>/client/<image>.log",
    )
    .option(
      '--client-cmd <command>',
      "with --client-image: a command line to run in it with /bin/sh -c instead of the image's own",
    )
    .option(
      '--client-expect <regex>',
      'with --client-image: its output must match this (the case client/<image>/output-matches)',
    );
  addTargetOptions(runCommand)
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  parsec-conformance run                              # everything, Parsec 1.4.1 from Debian trixie, natively',
        '  parsec-conformance run --target containers          # Parsec, SoftHSM2 and swtpm each in a container',
        '  parsec-conformance run --parsec sid --out reports/sid',
        '  parsec-conformance run --parsec build:trixie+direct-authenticator   # a source build with more features',
        '  parsec-conformance run --providers mbed --suite core/ping',
        '  parsec-conformance run --parsec-bin ~/parsec/target/release/parsec',
        '  parsec-conformance run --providers tpm --tcti device:/dev/tpmrm0 --tpm-owner-auth-env OWNER_AUTH',
        '  parsec-conformance run --socket /run/parsec/parsec.sock          # a deployed service',
        '  parsec-conformance run --shard 2/3 --out reports/2   # one CI job of three; then: merge reports/* --out all',
        "  parsec-conformance run --target containers --suite core/ping --client-image my/app:1 --client-cmd 'my-app --selftest'",
        '  TOKEN_PIN=… parsec-conformance run --providers pkcs11 --pkcs11-module /usr/lib/vendor/libpkcs11.so --serial 0123abcd --pin-env TOKEN_PIN',
        '',
        '  parsec-conformance run --strict --parsec sid         # the release gate',
        '  parsec-conformance run --suite pkcs11/concurrent-generate-key --repeat 5   # how flaky is it really?',
        "  parsec-conformance run --profile my-token.json --pkcs11-module … # your token's known quirks on top",
        '',
        'Exit status: 0 the gate passed (known deviations are expected failures; flaky cases pass either way),',
        '1 a case failed (with --strict also: an unexpected pass, a stale or TODO expectation entry),',
        '2 the run could not start or the command line is wrong.',
        '',
        'Expectations: fixtures/expectations/<product>.json, one file per product (parsec, softhsm2, ...); each entry',
        'names a case id or * pattern, an outcome (fail, flaky, skip), a reason with evidence or a link, and',
        'conditions (when: parsec version range, target, backend versions, variant, token uses).',
      ].join('\n'),
    )
    .action(async (flags: RunFlags, command: Command) => {
      process.exitCode = await run(flags, command.parent?.args ?? []);
    });

  program
    .command('setup')
    .description(
      'install SoftHSM2, swtpm and tpm2-tools when missing and fetch the Parsec service; with --containers, the Docker engine and the images; fast when all is there',
    )
    .addOption(new Option('--parsec <source>', `the Parsec to prepare: ${parsecChoices}`))
    .addOption(new Option('--parsec-bin <path>', 'check this parsec binary instead of a packaged one'))
    .option('--containers', 'install and start the Docker engine when missing, make the base image, build the images')
    .addOption(new Option('--base-image <image>', 'with --containers: the image to build FROM'))
    .option('--check', 'only report what is present and what is missing')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  parsec-conformance setup',
        '  parsec-conformance setup --parsec sid',
        '  parsec-conformance setup --containers',
        '  parsec-conformance setup --parsec build:trixie+direct-authenticator',
        '  parsec-conformance setup --check',
      ].join('\n'),
    )
    .action(async (flags: SetupFlags) => {
      process.exitCode = await setup(flags);
    });

  const bench = program
    .command('bench')
    .description('measure bring-up time and Ping round trips per second against a real service (bounded in time)')
    .addOption(new Option('--seconds <n>', 'seconds per Ping measurement').default('3'))
    .addOption(new Option('--concurrency <n>', 'connections for the concurrent measurement').default('4'))
    .addOption(new Option('--startups <n>', 'bring-ups to time').default('5'))
    .option(
      '--pin-matrix',
      'instead: time the whole PKCS#11 PIN matrix (run --suite pkcs11-pin) on this target, --startups times',
    )
    .option(
      '--operations',
      'instead: time every operation per provider through Parsec and straight on its backend, at 1 and --concurrency connections; bench.json, bench.md, bench.html into --out',
    )
    .addOption(new Option('--ops <list>', `with --operations: only these (${BENCH_OPERATIONS.join(',')})`))
    .addOption(new Option('--cell-ms <n>', 'with --operations: measured milliseconds per cell').default('2000'))
    .addOption(
      new Option('--warmup-ms <n>', 'with --operations: uncounted milliseconds before each cell').default('300'),
    )
    .addOption(
      new Option('--rounds <n>', 'with --operations: rounds over all cells (figures are their medians)').default('3'),
    )
    .addOption(
      new Option('--out <dir>', 'with --operations: where the bench files go').default(join(DEFAULT_OUT_DIR, 'bench')),
    );
  addTargetOptions(bench).action(async (flags: TargetFlags & BenchFlags) => {
    if (flags.operations) {
      process.exitCode = await runOperationBench(specFromFlags(flags), {
        out: flags.out,
        cellMs: wholeNumber('cell-ms', flags.cellMs, 600_000),
        warmupMs: wholeNumber('warmup-ms', flags.warmupMs, 60_000),
        rounds: wholeNumber('rounds', flags.rounds, 20),
        connections: wholeNumber('concurrency', flags.concurrency, 64),
        ops: flags.ops,
      });
      return;
    }
    if (flags.pinMatrix) {
      specFromFlags(flags); // the same checks as run's, before anything starts
      const timings = await pinMatrixBench(targetArgsOf(flags), wholeNumber('startups', flags.startups, 50), (l) =>
        process.stderr.write(`[bench] ${l}\n`),
      );
      process.stdout.write(`${JSON.stringify(timings, null, 2)}\n`);
      process.exitCode = timings.every((t) => t.exitCode === 0) ? 0 : 1;
      return;
    }
    const result = await pingBench({
      spec: specFromFlags(flags),
      seconds: wholeNumber('seconds', flags.seconds, 60),
      concurrency: wholeNumber('concurrency', flags.concurrency, 64),
      startups: wholeNumber('startups', flags.startups, 50),
      log: (l) => process.stderr.write(`[bench] ${l}\n`),
    });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  });
  addProbeTokenCommand(program);
  addDiffCommand(program);
  addMergeCommand(program);
  addTargetOptions(addSoakCommand(program));
  for (const c of program.commands) c.exitOverride();
  return program;
}

interface BenchFlags {
  seconds: string;
  concurrency: string;
  startups: string;
  pinMatrix?: boolean;
  operations?: boolean;
  ops?: string;
  cellMs: string;
  warmupMs: string;
  rounds: string;
  out: string;
}

/** Exit status 2 for a command line that cannot run (commander's own errors included), 0 after --help. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander already printed its message; help and --version end well.
      process.exit(e.exitCode === 0 ? 0 : 2);
    }
    const err = e as Error & { details?: string };
    const prefix = e instanceof UsageError ? '' : e instanceof SetupError ? 'setup failed: ' : '';
    process.stderr.write(`parsec-conformance: ${prefix}${err.message}\n${err.details ? `${err.details}\n` : ''}`);
    process.exit(2);
  }
}
