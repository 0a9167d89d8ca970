import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { TokenProfile } from '../../../harness/model/token-profile';
import { SOFTHSM2_LIBRARY } from '../../../harness/setup';
import { createSoftHsmToken } from '../../../harness/targets/native/softhsm-token';
import { quirkNames } from '../../../harness/targets/quirks';
import { isUtf8 } from '../../../harness/tokens/pin-value';
import {
  dedupe,
  descendantsOf,
  filesOf,
  filesUnder,
  findSecrets,
  harvestSecrets,
  pinForms,
  runFolderOf,
  SECRET_STORES,
  SecretWatch,
  type Finding,
  type Needle,
  type SeenFile,
  type Watched,
} from './secret-watch';
import { ROOT } from '../run-cli';

/**
 * No PIN in any report, log file, console output or process command line of a run or a probe. The test watches every
 * process's command line (which any local user can read) while the CLI runs, takes the PINs actually in use from the
 * harness's own run folders (config.toml, quirk.conf) or makes the token itself, and then searches everything the
 * command showed, wrote or kept for every form of every one of them.
 */
const CLI = join(ROOT, 'bin', 'parsec-conformance.cjs');

interface Ran {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/** The CLI as a user runs it, its output kept as bytes (a PIN need not be UTF-8); stopped after `timeoutMs`. */
function cli(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Ran> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    // The whole group the CLI leads (its Jest workers, Parsec), as a Ctrl-C would.
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGINT'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) });
    });
  });
}

/** The cases a run did not pass, from its results.json, with every known PIN form replaced by its label. */
function notPassed(outDir: string, hide: (t: string) => string): string[] {
  try {
    const results = JSON.parse(readFileSync(join(outDir, 'results.json'), 'latin1')) as {
      cases: { id: string; status: string; message: string }[];
    };
    return results.cases
      .filter((c) => c.status === 'failed' || c.status === 'unexpected-pass')
      .map((c) => hide(`${c.id}: ${c.status}: ${c.message.slice(0, 1500)}`));
  } catch (e) {
    return [`no results.json: ${(e as Error).message}`];
  }
}

/**
 * The run reached a verdict: exit 0, or with `regressionAllowed` also 1 (a case failed: the suite's own business, not
 * this test's, whose claim is about secrets; the failed cases are printed as evidence). Otherwise the cases it did
 * not pass and the tail of what it said, every known PIN form in both replaced by its label.
 */
function expectVerdict(ran: Ran, needles: readonly Needle[], outDir?: string, regressionAllowed = false): void {
  const hide = (t: string): string =>
    needles.reduce((x, n) => x.split(n.bytes.toString('latin1')).join(`<${n.label}>`), t);
  if (ran.code === 0) return;
  const failed = outDir ? notPassed(outDir, hide) : [];
  if (regressionAllowed && ran.code === 1 && !failed.some((f) => f.startsWith('no results.json'))) {
    console.log(`the run's verdict is a failure (not this test's claim); cases not passed:\n${failed.join('\n')}`);
    return;
  }
  const tail = `${ran.stdout.toString('latin1')}${ran.stderr.toString('latin1')}`.slice(-3000);
  expect({ code: ran.code, signal: ran.signal, notPassed: failed, tail: hide(tail) }).toEqual({
    code: 0,
    signal: null,
    notPassed: [],
    tail: '',
  });
}

/**
 * The files of the run folders this test's commands made: not those of another run on this machine meanwhile, whose
 * PINs may be where that run's own test puts them.
 */
function ownFiles(watched: Watched): Map<string, SeenFile> {
  return filesOf(watched, [process.pid]);
}

/**
 * Every place a PIN must not be: the console, every file the commands wrote, every command line on the machine, and
 * the raw logs and other files the commands' run folders held (all but the secret stores themselves).
 */
function placesToSearch(runs: readonly Ran[], outDirs: readonly string[], watched: Watched): [string, Buffer][] {
  const files = ownFiles(watched);
  return [
    ...runs.flatMap((r, i): [string, Buffer][] => [
      [`the console (stdout of command ${i + 1})`, r.stdout],
      [`the console (stderr of command ${i + 1})`, r.stderr],
    ]),
    ...outDirs.flatMap(filesUnder),
    ...[...watched.cmdlines].map(([line, pids]): [string, Buffer] => [
      `the command line of pid ${pids.join(', ')} (${line.split(' ')[0]})`,
      Buffer.from(line, 'latin1'),
    ]),
    ...[...files]
      .filter(([path]) => !SECRET_STORES.has(basename(path)))
      .map(([path, f]): [string, Buffer] => [`${path}, kept in a run folder`, f.content]),
  ];
}

/** Findings as a message that names each place and form but never shows a PIN. */
function shown(findings: readonly Finding[]): string[] {
  return findings.slice(0, 20).map((f) => `${f.needle} in ${f.where}: ${JSON.stringify(f.context)}`);
}

/** How many of this test's processes (it and what it started) the watch saw with a command line like `pattern`. */
function processes(watched: Watched, pattern: RegExp): number {
  const ours = descendantsOf(watched, [process.pid]);
  return [...watched.cmdlines]
    .filter(([l]) => pattern.test(l))
    .reduce((n, [, pids]) => n + pids.filter((p) => ours.has(p)).length, 0);
}

/** What was searched, for the test's log: how many places of each kind, the run folders' files by name. */
function searched(runs: readonly Ran[], outDirs: readonly string[], watched: Watched): string {
  const names = new Map<string, number>();
  const kept = [...ownFiles(watched).keys()].filter((p) => !SECRET_STORES.has(basename(p)));
  for (const p of kept) names.set(basename(p), (names.get(basename(p)) ?? 0) + 1);
  const byName = [...names]
    .sort((a, b) => b[1] - a[1])
    .map(([n, c]) => `${n} ×${c}`)
    .join(', ');
  return `${runs.flatMap((r) => [r.stdout, r.stderr]).filter((b) => b.length > 0).length} console streams, ${outDirs.flatMap(filesUnder).length} files written, ${watched.cmdlines.size} distinct command lines (${watched.samples} samples in ${watched.elapsedMs} ms), ${kept.length} files of run folders (${byName})`;
}

/** This test's processes by program, e.g. "parsec ×3": what the watch saw of the commands. */
function programs(watched: Watched): string {
  const ours = descendantsOf(watched, [process.pid]);
  const counts = new Map<string, number>();
  for (const [line, pids] of watched.cmdlines) {
    const n = pids.filter((p) => ours.has(p)).length;
    const program = basename(line.split(' ')[0] as string);
    if (n > 0) counts.set(program, (counts.get(program) ?? 0) + n);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([p, n]) => `${p} ×${n}`)
    .join(', ');
}

const PARSEC = /\/parsec -c \S+\/config\.toml$/;
/** softhsm2-util initialising a token, or the terminal (`script`) and shell it runs in: any of them shows the set-up. */
const TOKEN_INIT = /(^|[ /])softhsm2-util --init-token\b/;
/** A PIN given as an option's value (softhsm2-util's and pkcs11-tool's --pin, --so-pin, --new-pin), known or not. */
const PIN_OPTION = /--(?:so-|new-)?pin(?:=| +)(?!-)\S+/g;

/** This test's command lines that give a PIN as an option's value, the value masked. */
function pinOptions(watched: Watched): string[] {
  const ours = descendantsOf(watched, [process.pid]);
  return [...watched.cmdlines]
    .filter(([l, pids]) => pids.some((p) => ours.has(p)) && new RegExp(PIN_OPTION.source).test(l))
    .map(([l]) => l.replace(PIN_OPTION, (m) => `${m.split(/[= ]/)[0]} <masked>`));
}

let out: string;
let watch: SecretWatch | undefined;
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'pc-secrets-out-'));
});
afterEach(async () => {
  await watch?.stop();
  watch = undefined;
  rmSync(out, { recursive: true, force: true });
});

/** Runs the commands one after another with the watch on, and stops it whatever happens. */
async function underWatch(commands: (() => Promise<Ran>)[]): Promise<{ runs: Ran[]; watched: Watched }> {
  watch = await SecretWatch.start();
  const runs: Ran[] = [];
  try {
    for (const c of commands) runs.push(await c());
  } finally {
    await watch.stop();
  }
  return { runs, watched: await watch.stop() };
}

test('the watch sees a short-lived command line and finds a secret in it', async () => {
  const canary = { label: 'a canary', bytes: Buffer.from(`pc-canary-${randomBytes(6).toString('hex')}`) };
  const { watched: seen } = await underWatch([
    () =>
      new Promise<Ran>((resolvePromise, reject) => {
        const child = spawn('sh', ['-c', 'sleep 0.1; true', canary.bytes.toString()], { stdio: 'ignore' });
        child.on('error', reject);
        child.on('close', (code, signal) =>
          resolvePromise({ code, signal, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) }),
        );
      }),
  ]);
  expect(seen.samples).toBeGreaterThan(3);
  const found = findSecrets([canary], placesToSearch([], [], seen));
  expect(found.map((f) => f.where)).toEqual([expect.stringMatching(/^the command line of pid \d+ \(sh\)$/)]);
  expect(found[0]?.context).toBe('sh -c sleep 0.1; true <a canary>');
}, 10_000);

describe('a run', () => {
  test('of the PIN matrix (a quirk token and a Parsec per cell, user_pin written every way) shows no PIN', async () => {
    const { runs, watched: seen } = await underWatch([
      () => cli(['run', '--suite', 'pkcs11-pin', '--out', out], {}, 150_000),
    ]);
    const files = ownFiles(seen);
    const folders = harvestSecrets(files);
    const needles = dedupe(folders.flatMap((f) => f.needles));
    // The claim: no form of any PIN anywhere. Then the proof that the search could have found one.
    expect(shown(findSecrets(needles, placesToSearch(runs, [out], seen)))).toEqual([]);
    // And no PIN on a command line even where the test cannot know it (the SO PINs of the run's own tokens).
    expect(pinOptions(seen)).toEqual([]);
    expectVerdict(runs[0] as Ran, needles, out, true);
    // Every cell ran to a verdict: 9 ways of writing user_pin on every quirk's token.
    const reported = JSON.parse(readFileSync(join(out, 'results.json'), 'latin1')) as {
      cases: { suite: string; status: string }[];
    };
    const cells = reported.cases.filter((c) => c.suite === 'pkcs11-pin');
    expect(cells.length).toBe(quirkNames().length * 9);
    expect(cells.filter((c) => c.status === 'skipped')).toEqual([]);

    // The watch really saw the run: its token set-ups and its Parsec services.
    expect(processes(seen, TOKEN_INIT)).toBeGreaterThan(0);
    expect(processes(seen, PARSEC)).toBeGreaterThan(10);
    // It took the PINs of every quirk's token, and user_pin in every form: plain, hex:, str:, and a PIN not UTF-8.
    expect(new Set(folders.map((f) => f.quirk).filter((q) => q !== undefined))).toEqual(new Set(quirkNames()));
    const configured = folders.flatMap((f) => f.configured);
    expect(configured.some((v) => v.startsWith('hex:'))).toBe(true);
    expect(configured.some((v) => v.startsWith('str:'))).toBe(true);
    expect(configured.some((v) => !/^(hex|str):/.test(v))).toBe(true);
    expect(needles.some((n) => !isUtf8(n.bytes))).toBe(true);
    // The search finds them where they belong: each in its own run folder's secret files, which only root can read.
    const stores = [...files].filter(([p]) => SECRET_STORES.has(basename(p)));
    const found = findSecrets(
      needles,
      stores.map(([p, f]) => [p, f.content]),
    );
    expect(new Set(found.map((f) => runFolderOf(f.where)))).toEqual(
      new Set(folders.filter((f) => f.needles.length > 0).map((f) => f.dir)),
    );
    for (const [path, f] of stores) expect({ path, mode: (f.mode & 0o777).toString(8) }).toEqual({ path, mode: '600' });

    console.log(
      `PIN matrix: ${needles.length} forms of the PINs in ${folders.length} run folders; searched ${searched(runs, [out], seen)}; this test's processes: ${programs(seen)}`,
    );
  }, 180_000);

  test("on the harness's own SoftHSM2 token shows no PIN", async () => {
    const { runs, watched: seen } = await underWatch([
      () => cli(['run', '--providers', 'pkcs11', '--suite', 'crypto/psa-sign-hash-ecdsa', '--out', out], {}, 120_000),
    ]);
    const files = ownFiles(seen);
    const folders = harvestSecrets(files);
    const needles = dedupe(folders.flatMap((f) => f.needles));
    // The claim: no form of any PIN anywhere. Then the proof that the search could have found one.
    expect(shown(findSecrets(needles, placesToSearch(runs, [out], seen)))).toEqual([]);
    // And no PIN on a command line even where the test cannot know it (the SO PINs of the run's own tokens).
    expect(pinOptions(seen)).toEqual([]);
    expectVerdict(runs[0] as Ran, needles, out);

    expect(processes(seen, PARSEC)).toBeGreaterThan(0);
    // The token's PIN as the harness made it: 24 hex digits, given to Parsec as they are.
    const plain = folders.filter((f) => f.quirk === undefined).flatMap((f) => f.configured);
    expect(plain.filter((v) => /^[0-9a-f]{24}$/.test(v)).length).toBeGreaterThan(0);

    console.log(
      `harness token: ${needles.length} forms of ${plain.length} PIN(s); searched ${searched(runs, [out], seen)}; this test's processes: ${programs(seen)}`,
    );
  }, 150_000);
});

describe('a probe and a run on a token whose PINs the test holds', () => {
  let tokenDir: string;
  beforeEach(() => {
    tokenDir = mkdtempSync(join(tmpdir(), 'pc-secrets-token-'));
  });
  afterEach(() => rmSync(tokenDir, { recursive: true, force: true }));

  test('show neither PIN, from the token set-up to the end of the run', async () => {
    const profileFile = join(out, 'probe', 'profile.json');
    const vendorOut = join(out, 'vendor');
    let token: Awaited<ReturnType<typeof createSoftHsmToken>> | undefined;
    const env = (): NodeJS.ProcessEnv => ({ SOFTHSM2_CONF: token?.confPath, TOKEN_PIN: token?.userPin });
    const { runs, watched: seen } = await underWatch([
      // The native target's own set-up (softhsm-token.ts), called here rather than through the quirk-token fixture's
      // testToken(), which keeps the SO PIN to itself: the watch sees how both PINs reach softhsm2-util.
      async () => {
        token = await createSoftHsmToken(tokenDir);
        return { code: 0, signal: null, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
      },
      () =>
        cli(
          [
            'probe-token',
            ...['--module', SOFTHSM2_LIBRARY, '--serial', token?.serialNumber ?? '', '--pin-env', 'TOKEN_PIN'],
            ...['--allow-destructive', '--out', profileFile],
          ],
          env(),
          60_000,
        ),
      () =>
        cli(
          [
            'run',
            ...['--providers', 'pkcs11', '--pkcs11-module', SOFTHSM2_LIBRARY, '--serial', token?.serialNumber ?? ''],
            ...['--pin-env', 'TOKEN_PIN', '--suite', 'crypto/psa-generate-key', '--out', vendorOut],
          ],
          env(),
          120_000,
        ),
    ]);
    if (!token) throw new Error('the token was not made');
    const needles = dedupe([
      ...pinForms(Buffer.from(token.userPin), "the token's user PIN"),
      ...pinForms(Buffer.from(token.soPin), "the token's SO PIN"),
      ...harvestSecrets(ownFiles(seen)).flatMap((f) => f.needles),
    ]);
    const [, probe, run] = runs as [Ran, Ran, Ran];
    // The claim: no form of either PIN anywhere. Then the proof that the search could have found one.
    expect(shown(findSecrets(needles, placesToSearch(runs, [out], seen)))).toEqual([]);
    expect(pinOptions(seen)).toEqual([]);
    expectVerdict(probe, needles);
    expectVerdict(run, needles, vendorOut);

    // The PIN was in use: the probe logged in with it, Parsec was given it, the watch saw both at work.
    const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as TokenProfile;
    expect(profile.logins).toContainEqual(expect.objectContaining({ pin: 'given', answer: 'CKR_OK', loggedIn: true }));
    expect(harvestSecrets(ownFiles(seen)).flatMap((f) => f.configured)).toContain(token.userPin);
    expect(processes(seen, /pkcs11-probe login\b/)).toBeGreaterThan(0);
    expect(processes(seen, PARSEC)).toBeGreaterThan(0);
    expect(processes(seen, TOKEN_INIT)).toBeGreaterThan(0);

    console.log(
      `probe and vendor run: ${needles.length} forms of the user PIN and the SO PIN; searched ${searched(runs, [out], seen)}; this test's processes: ${programs(seen)}`,
    );
  }, 180_000);
});
