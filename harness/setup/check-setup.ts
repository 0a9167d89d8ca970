import type { ProviderKey } from '../model/providers';
import { readDebianParsec } from './debian-parsec';
import { machineDebianMirror } from './debian-mirror';
import { PARSEC_SUITES, type ParsecSuite } from './parsec-suites';
import { findProjectRoot, parsecCacheRoot } from './project-root';
import { resolveParsecLocally, type LocalResolution, type ParsecChoice } from './resolve-parsec';
import { SetupError } from './setup-error';
import { aptAvailable, checkSystemPackages, installCommand, isRoot, type RequirementStatus } from './system-packages';

export interface CheckOptions extends ParsecChoice {
  readonly providers?: readonly ProviderKey[];
  readonly projectRoot?: string;
}

export interface SetupReport {
  readonly ok: boolean;
  readonly root: boolean;
  readonly aptAvailable: boolean;
  readonly mirror?: string;
  readonly systemPackages: readonly RequirementStatus[];
  /** What `ensureSetup` would use, or the suite it would fetch, or why it cannot. */
  readonly parsec: LocalResolution | { readonly kind: 'error'; readonly message: string };
  readonly debianCache: Readonly<Record<ParsecSuite, { readonly dir: string; readonly packageVersion?: string }>>;
  /** The report as human lines, for the CLI. */
  readonly lines: readonly string[];
}

/** What is present, without installing or downloading anything (`setup --check`). */
export function checkSetup(opts: CheckOptions = {}): SetupReport {
  const cacheRoot = parsecCacheRoot(opts.projectRoot ?? findProjectRoot());
  const systemPackages = checkSystemPackages(opts.providers);
  let parsec: SetupReport['parsec'];
  try {
    parsec = resolveParsecLocally(opts, cacheRoot);
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    parsec = { kind: 'error', message: err.message };
  }
  const debianCache = Object.fromEntries(
    (Object.keys(PARSEC_SUITES) as ParsecSuite[]).map((suite) => {
      const cached = readDebianParsec(cacheRoot, suite);
      return [suite, { dir: `${cacheRoot}/${suite}`, packageVersion: cached?.packageVersion }];
    }),
  ) as SetupReport['debianCache'];
  const report: Omit<SetupReport, 'lines'> = {
    ok: systemPackages.every((r) => r.present) && parsec.kind === 'found',
    root: isRoot(),
    aptAvailable: aptAvailable(),
    mirror: machineDebianMirror(),
    systemPackages,
    parsec,
    debianCache,
  };
  return { ...report, lines: formatSetupReport(report) };
}

/** Human lines for the CLI. */
export function formatSetupReport(report: Omit<SetupReport, 'lines'>): string[] {
  const lines = report.systemPackages.map((r) =>
    r.present ? `ok       ${r.package}` : `missing  ${r.package} (${r.missing.join(', ')})`,
  );
  const missing = report.systemPackages.filter((r) => !r.present).map((r) => r.package);
  if (missing.length > 0) lines.push(`         install with: ${installCommand(missing)}`);
  const p = report.parsec;
  if (p.kind === 'found') {
    const version = p.parsec.packageVersion ? ` ${p.parsec.packageVersion}` : '';
    lines.push(`ok       parsec${version} (${p.parsec.origin}) ${p.parsec.path}`);
  } else if (p.kind === 'fetch') {
    lines.push(`missing  parsec: Debian ${p.suite} build not downloaded yet (run setup to fetch it)`);
  } else {
    lines.push(`error    parsec: ${p.message}`);
  }
  for (const [suite, c] of Object.entries(report.debianCache)) {
    lines.push(`cache    debian:${suite} ${c.packageVersion ?? '(not downloaded)'}`);
  }
  if (!report.aptAvailable)
    lines.push('note     apt-get is not available: install packages by hand and use --parsec-bin');
  lines.push(`mirror   ${report.mirror ?? '(none found in the apt configuration)'}`);
  return lines;
}
