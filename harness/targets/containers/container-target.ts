import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, realpathSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { createRunDir, registerCleanup, sweepStaleRunDirs } from '../../lifecycle';
import { renderParsecConfig } from '../config/parsec-config';
import {
  authenticatorOf,
  configuredPkcs11Pin,
  harnessBackendsOf,
  harnessTokenQuirk,
  pinSecrets,
  serviceConfig,
  type HarnessToken,
} from '../config/service-config';
import { LOGIN_ATTEMPTS_FILE, quirkConfigText, quirkTokenPin } from '../quirks';
import { readLoginAttempts, type TokenObservations } from '../token-observations';
import { redact, tailFile, type TargetLog } from '../logs';
import { serialFromShowSlots, TOKEN_LABEL } from '../native/softhsm-token';
import { parsecVersionOf } from '../parsec-version';
import { waitForPing } from '../readiness';
import { describeParsecSource, type ContainersSpec } from '../spec';
import type { StartOptions } from '../start-options';
import { StartedService } from '../started-service';
import type { ClientAuth, TargetVersions } from '../started-target';
import { TargetStartError } from '../target-start-error';
import { DPKG_QUERY_FORMAT, parseDpkgQuery } from '../../setup';
import { componentVersions, VERSION_PACKAGES } from '../versions';
import { ensureTargetImages, type TargetImages } from './container-images';
import { removeEphemeralImages, sessionLabels, sweepStaleContainers, TARGET_LABEL } from './container-session';
import { configureTestcontainers } from './testcontainers-env';
import { IN_MODULE_LIBS, librariesMissingIn } from './module-libraries';
import { containerControl } from './container-service-control';
import type { ServiceControl } from '../service-control';
import type { BackendControls } from '../backend-controls';
import { containerBackendControls } from './container-backend-controls';
import type { ParsecConfigSpec } from '../config/parsec-config';

/** Where the shared folders appear inside the containers. */
const IN_PARSEC = '/run/parsec-conformance';
const IN_P11 = '/run/p11';
const IN_SECRETS = '/run/token-secrets';
const IN_QUIRK = '/run/quirk';
const IN_TOKEN_STATE = '/run/token-state';
const SOFTHSM2_IN_CONTAINER = '/usr/lib/softhsm/libsofthsm2.so';
/** The TCTI of the swtpm container, seen from the Parsec container that shares its network namespace. */
const SWTPM_TCTI = 'swtpm:host=127.0.0.1,port=2321';
const P11_CLIENT = '/usr/local/lib/p11-kit-client.so';

const LOG_TAIL_LINES = 30;
const STOP_TIMEOUT_MS = 3000;

interface Parts {
  /** The quirk token in the SoftHSM2 container, when the token has a quirk. */
  quirk?: { readonly appPin: Buffer };
  configuredPin?: string;
  readonly runDir: string;
  readonly id: string;
  readonly secrets: string[];
  readonly containers: { name: string; container: StartedTestContainer }[];
  readonly logFiles: { name: string; path: string; stream: WriteStream }[];
  unregister?: () => void;
  /** Parsec's config as started (container paths), for the lifecycle control's rewrites. */
  config?: ParsecConfigSpec;
}

/** Parsec's log first, then the backends' in a fixed order (they start in parallel). */
function logsOf(parts: Parts): TargetLog[] {
  const order = ['parsec', 'softhsm2', 'swtpm'];
  return parts.logFiles
    .map((l) => ({ name: l.name, path: l.path }))
    .sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}

/** A log consumer that copies the container's output into a file of the run dir, as it comes. */
function logInto(parts: Parts, name: string): (stream: Readable) => void {
  const path = join(parts.runDir, 'logs', `${name}.log`);
  const out = createWriteStream(path, { flags: 'a', mode: 0o600 });
  parts.logFiles.push({ name, path, stream: out });
  return (stream) => stream.pipe(out);
}

async function stopAll(parts: Parts): Promise<void> {
  // Parsec first: the backends it talks to go after it, so its last log lines are about its own shutdown.
  for (const { container } of [...parts.containers].reverse()) {
    try {
      await container.stop({ timeout: STOP_TIMEOUT_MS, remove: true, removeVolumes: true });
    } catch {
      // Already gone; the session cleanup removes whatever is left by label.
    }
  }
  parts.containers.length = 0;
  await Promise.all(parts.logFiles.map((l) => new Promise<void>((resolve) => l.stream.end(resolve))));
}

/** After a restart of the Parsec container: its old log stream ended with the stop; the new one appends to the file. */
async function reattachParsecLog(parts: Parts, since: Date): Promise<void> {
  const container = parts.containers.find((c) => c.name === 'parsec')?.container;
  if (!container) return;
  const old = parts.logFiles.findIndex((l) => l.name === 'parsec');
  if (old >= 0) parts.logFiles.splice(old, 1)[0]?.stream.end();
  logInto(parts, 'parsec')(await container.logs({ since: Math.floor(since.getTime() / 1000) }));
}

function teardownFiles(parts: Parts): void {
  rmSync(parts.runDir, { recursive: true, force: true });
  parts.unregister?.();
}

/** Parsec, SoftHSM2 and swtpm, each in its own container, reached by tests only through Unix sockets. */
export class ContainerTarget extends StartedService<ContainersSpec> {
  readonly kind = 'containers';
  readonly control: ServiceControl | undefined;
  readonly backendControls: BackendControls;

  constructor(
    spec: ContainersSpec,
    auth: ClientAuth,
    versions: TargetVersions,
    startupMs: number,
    readonly images: TargetImages,
    private readonly run: Parts,
  ) {
    const faults = containerBackendControls(run.containers.find((c) => c.name === 'swtpm')?.container.getId());
    const releaseFaults = faults.release;
    super(spec, auth, versions, startupMs, {
      logs: () => logsOf(run),
      // A frozen swtpm first: Parsec's shutdown may wait on it.
      stopService: () => {
        releaseFaults();
        return stopAll(run);
      },
      removeAll: async () => {
        teardownFiles(run);
        await removeEphemeralImages(images.ephemeral);
      },
      secrets: run.secrets,
    });
    this.backendControls = faults.controls;
    this.control = run.config
      ? containerControl({
          hostDir: join(run.runDir, 'parsec'),
          containerDir: IN_PARSEC,
          config: run.config,
          secrets: run.secrets,
          parsec: () => run.containers.find((c) => c.name === 'parsec')?.container,
          logPath: () => join(run.runDir, 'logs', 'parsec.log'),
          reattachLog: (since) => reattachParsecLog(run, since),
        })
      : undefined;
  }

  get socketPath(): string {
    return join(this.run.runDir, 'parsec', 'parsec.sock');
  }

  tokenObservations(): TokenObservations | undefined {
    return observationsOf(this.run);
  }

  /** Container ids by role (parsec, softhsm2, swtpm), e.g. for fault injection. */
  get containerIds(): Readonly<Record<string, string>> {
    return Object.fromEntries(this.run.containers.map((c) => [c.name, c.container.getId()]));
  }
}

/** The quirk token's record of login attempts, described without PIN bytes. */
function observationsOf(parts: Parts): TokenObservations | undefined {
  if (!parts.quirk) return undefined;
  const file = join(parts.runDir, 'token-state', LOGIN_ATTEMPTS_FILE);
  return { loginAttempts: readLoginAttempts(file, parts.quirk.appPin, parts.configuredPin) };
}

function labels(parts: Parts, role: string): Record<string, string> {
  return { ...sessionLabels(), [TARGET_LABEL]: parts.id, 'org.parsec-conformance.role': role };
}

async function startToken(parts: Parts, image: string, quirk: string | undefined): Promise<HarnessToken> {
  const userPin = randomBytes(12).toString('hex');
  const token = {
    userPin,
    soPin: randomBytes(12).toString('hex'),
    appPin: quirk ? quirkTokenPin(quirk) : Buffer.from(userPin),
  };
  parts.secrets.push(token.userPin, token.soPin, ...pinSecrets(token.appPin));
  const quirkMounts = [];
  if (quirk) {
    // The quirk token runs in the SoftHSM2 container, in front of SoftHSM2; what it records lands on this side.
    const quirkDir = join(parts.runDir, 'quirk');
    mkdirSync(quirkDir, { mode: 0o700 });
    mkdirSync(join(parts.runDir, 'token-state'), { mode: 0o700 });
    const conf = quirkConfigText({
      quirk,
      module: SOFTHSM2_IN_CONTAINER,
      realPin: userPin,
      appPin: token.appPin,
      stateDir: IN_TOKEN_STATE,
    });
    writeFileSync(join(quirkDir, 'quirk.conf'), conf, { mode: 0o600 });
    parts.quirk = { appPin: token.appPin };
    quirkMounts.push(
      { source: quirkDir, target: IN_QUIRK, mode: 'ro' as const },
      { source: join(parts.runDir, 'token-state'), target: IN_TOKEN_STATE },
    );
  }
  const secrets = join(parts.runDir, 'token-secrets');
  mkdirSync(secrets, { mode: 0o700 });
  // Read once by the container's entrypoint, removed as soon as the token is up.
  writeFileSync(join(secrets, 'pins'), `${token.soPin}\n${token.userPin}\n`, { mode: 0o600 });
  try {
    const container = await new GenericContainer(image)
      .withNetworkMode('none')
      .withEnvironment({ TOKEN_LABEL })
      .withBindMounts([
        { source: join(parts.runDir, 'p11'), target: IN_P11 },
        { source: secrets, target: IN_SECRETS, mode: 'ro' },
        ...quirkMounts,
      ])
      .withLabels(labels(parts, 'softhsm2'))
      .withLogConsumer(logInto(parts, 'softhsm2'))
      .withWaitStrategy(Wait.forLogMessage(/P11_KIT_SERVER_ADDRESS=/))
      .withStartupTimeout(30_000)
      .start();
    parts.containers.push({ name: 'softhsm2', container });
    const slots = await container.exec(['softhsm2-util', '--show-slots']);
    const serialNumber = serialFromShowSlots(slots.output, TOKEN_LABEL);
    if (serialNumber === undefined) {
      throw new TargetStartError(`the SoftHSM2 container lists no token labelled ${TOKEN_LABEL}`, {
        'softhsm2-util --show-slots': slots.output,
      });
    }
    return { ...token, serialNumber };
  } finally {
    rmSync(secrets, { recursive: true, force: true });
  }
}

async function startSwtpm(parts: Parts, image: string): Promise<StartedTestContainer> {
  const container = await new GenericContainer(image)
    .withNetworkMode('none')
    .withLabels(labels(parts, 'swtpm'))
    .withLogConsumer(logInto(parts, 'swtpm'))
    .withWaitStrategy(Wait.forLogMessage(/swtpm ready/))
    .withStartupTimeout(30_000)
    .start();
  parts.containers.push({ name: 'swtpm', container });
  return container;
}

async function versionsIn(container: StartedTestContainer, extra: string[] = []): Promise<Record<string, string>> {
  try {
    const r = await container.exec(['dpkg-query', '-W', '-f', DPKG_QUERY_FORMAT, ...VERSION_PACKAGES, ...extra]);
    return parseDpkgQuery(r.output);
  } catch {
    return {};
  }
}

async function bringUp(
  spec: ContainersSpec,
  images: TargetImages,
  parts: Parts,
  log: (l: string) => void,
  readyMs: number,
) {
  const needs = harnessBackendsOf(spec);
  mkdirSync(join(parts.runDir, 'parsec'), { mode: 0o755 });
  mkdirSync(join(parts.runDir, 'p11'), { mode: 0o700 });
  mkdirSync(join(parts.runDir, 'logs'), { mode: 0o700 });

  // Both backends start at once; settled both, so that one failing leaves no half-started other behind.
  const [tokenStart, swtpmStart] = await Promise.allSettled([
    needs.token && images.softhsm2 ? startToken(parts, images.softhsm2, harnessTokenQuirk(spec)) : undefined,
    needs.swtpm && images.swtpm ? startSwtpm(parts, images.swtpm) : undefined,
  ]);
  for (const r of [tokenStart, swtpmStart]) if (r.status === 'rejected') throw r.reason;
  const token = tokenStart.status === 'fulfilled' ? tokenStart.value : undefined;
  const swtpm = swtpmStart.status === 'fulfilled' ? swtpmStart.value : undefined;
  if (token) log(`SoftHSM2 token ${token.serialNumber} served over p11-kit from its container`);
  if (swtpm) log('swtpm up in its container');

  const config = serviceConfig(
    spec,
    {
      ...(token ? { token, harnessModule: P11_CLIENT } : {}),
      ...(swtpm ? { swtpmTcti: SWTPM_TCTI } : {}),
    },
    { allowRoot: true, socketPath: `${IN_PARSEC}/parsec.sock`, sqliteDbPath: `${IN_PARSEC}/kim-mappings.sqlite3` },
  );
  parts.secrets.push(...config.secrets);
  parts.configuredPin = configuredPkcs11Pin(config.value);
  parts.config = config.value;
  writeFileSync(join(parts.runDir, 'parsec', 'config.toml'), renderParsecConfig(config.value), { mode: 0o600 });

  const vendor = await vendorModuleBinds(spec, images.parsec, log);
  let parsec = new GenericContainer(images.parsec)
    .withEntrypoint(['parsec'])
    .withCommand(['-c', `${IN_PARSEC}/config.toml`])
    .withBindMounts([
      { source: join(parts.runDir, 'parsec'), target: IN_PARSEC },
      ...(token ? [{ source: join(parts.runDir, 'p11'), target: IN_P11 }] : []),
      ...vendor.binds,
    ])
    .withLabels(labels(parts, 'parsec'))
    .withLogConsumer(logInto(parts, 'parsec'))
    .withWaitStrategy(Wait.forLogMessage(/Parsec is ready/))
    .withStartupTimeout(readyMs);
  // With the harness's swtpm, Parsec joins its network namespace: loopback only, where the TPM listens.
  parsec = parsec.withNetworkMode(swtpm ? `container:${swtpm.getId()}` : 'none');
  parsec = parsec.withEnvironment({
    ...vendor.env,
    ...(token ? { P11_KIT_SERVER_ADDRESS: `unix:path=${IN_P11}/p11.sock` } : {}),
  });
  let started: StartedTestContainer;
  try {
    started = await parsec.start();
  } catch (e) {
    // testcontainers' words for a container that ended before its wait strategy saw the line.
    if (/Log stream ended/.test((e as Error).message)) {
      throw new TargetStartError(
        'the Parsec container exited before it was ready (its log ends without "Parsec is ready")',
      );
    }
    throw e;
  }
  parts.containers.push({ name: 'parsec', container: started });

  const socketPath = join(parts.runDir, 'parsec', 'parsec.sock');
  const ready = await waitForPing(socketPath, { timeoutMs: readyMs });
  if (!ready.ok) throw new TargetStartError(ready.reason);
}

/**
 * A PKCS#11 module of yours in the Parsec container: the module at its own path (read-only), the files it needs at
 * theirs, the libraries it links against that the image lacks, and the environment variables it reads.
 */
async function vendorModuleBinds(
  spec: ContainersSpec,
  image: string,
  log: (l: string) => void,
): Promise<{ binds: { source: string; target: string; mode?: 'ro' }[]; env: Record<string, string> }> {
  const p = spec.providers.find((x) => x.key === 'pkcs11');
  if (p?.key !== 'pkcs11' || p.module === undefined) return { binds: [], env: {} };
  const mounts = p.mounts ?? [];
  const libs = await librariesMissingIn(image, [p.module, ...mounts]);
  const env: Record<string, string> = {};
  for (const name of p.passEnv ?? []) {
    const value = process.env[name];
    if (value === undefined)
      throw new TargetStartError(`${name} is to be passed to the PKCS#11 module, but it is not set`);
    env[name] = value;
  }
  if (libs.length > 0) env.LD_LIBRARY_PATH = IN_MODULE_LIBS;
  log(
    `the PKCS#11 module ${p.module} is bound into the Parsec container${mounts.length > 0 ? ` with ${mounts.join(', ')}` : ''}${libs.length > 0 ? `, and ${libs.length} librar${libs.length === 1 ? 'y' : 'ies'} the image lacks (${libs.map((l) => l.soname).join(', ')})` : ''}`,
  );
  return {
    binds: [
      { source: realpathSync(p.module), target: p.module, mode: 'ro' },
      ...mounts.map((m) => ({ source: m, target: m })),
      ...libs.map((l) => ({
        source: realpathSync(l.host),
        target: `${IN_MODULE_LIBS}/${l.soname}`,
        mode: 'ro' as const,
      })),
    ],
    env,
  };
}

/**
 * Starts the three containers a spec needs (the token and the TPM first, then Parsec against them) from images built
 * once per content, ready once Parsec logs that it is and answers Ping through its socket. On any failure every
 * container is removed and a TargetStartError thrown that carries each container's log.
 */
export async function startContainerTarget(spec: ContainersSpec, o: StartOptions = {}): Promise<ContainerTarget> {
  const log = o.log ?? (() => undefined);
  configureTestcontainers();
  // Image builds are setup, not bring-up: the clock starts once every image is there.
  const images = await ensureTargetImages(spec, log);
  const started = Date.now();
  await sweepStaleContainers(log);
  sweepStaleRunDirs({ log });
  const runDir = createRunDir();
  const parts: Parts = { runDir, id: runDir.split('-').pop() ?? '', secrets: [], containers: [], logFiles: [] };
  parts.unregister = registerCleanup(() => rmSync(runDir, { recursive: true, force: true }));
  const readyMs = o.readyTimeoutMs ?? 30_000;
  try {
    await bringUp(spec, images, parts, log, readyMs);
  } catch (err) {
    // Asked while the containers that did start still run: a failed run's report records the backends too.
    const backends = await containerBackends(parts).catch(() => undefined);
    await stopAll(parts);
    const token = observationsOf(parts);
    const logs = Object.fromEntries(
      logsOf(parts).map((l) => [`${l.name} container log`, tailFile(l.path, LOG_TAIL_LINES, parts.secrets)]),
    );
    teardownFiles(parts);
    await removeEphemeralImages(images.ephemeral);
    const vendorModule = spec.providers.find((p) => p.key === 'pkcs11' && p.module !== undefined);
    const hint =
      vendorModule?.key === 'pkcs11'
        ? ` (the PKCS#11 module ${vendorModule.module} runs inside the Parsec container: give the files it needs with --pkcs11-mount and the variables it reads with --pkcs11-env; see the parsec container log)`
        : '';
    const reason = `${redact(err instanceof TargetStartError ? err.reason : (err as Error).message, parts.secrets)}${hint}`;
    const failure = new TargetStartError(
      err instanceof TargetStartError ? reason : `container target start failed: ${reason}`,
      { ...logs, ...(err instanceof TargetStartError ? err.logs : {}) },
      token,
    );
    failure.backends = backends;
    throw failure;
  }
  const startupMs = Date.now() - started;
  let versions: TargetVersions;
  try {
    versions = await containerVersions(spec, images, parts);
  } catch (e) {
    await stopAll(parts);
    teardownFiles(parts);
    await removeEphemeralImages(images.ephemeral);
    throw new TargetStartError(`Parsec answered Ping but not ListProviders: ${(e as Error).message}`);
  }
  log(
    `Parsec ${versions.parsec.version} (${versions.parsec.source}) answered Ping after ${startupMs} ms in containers`,
  );
  return new ContainerTarget(spec, authenticatorOf(spec.authenticator).client, versions, startupMs, images, parts);
}

/** What runs: the version Parsec reports, and each component as the container that runs it has it installed. */
async function containerVersions(spec: ContainersSpec, images: TargetImages, parts: Parts): Promise<TargetVersions> {
  const byRole = Object.fromEntries(parts.containers.map((c) => [c.name, c.container]));
  const inParsec = byRole.parsec ? await versionsIn(byRole.parsec, ['parsec-service']) : {};
  const packageVersion = inParsec['parsec-service'];
  return {
    parsec: {
      version: await parsecVersionOf(join(parts.runDir, 'parsec', 'parsec.sock')),
      source: describeParsecSource(spec.parsec),
      image: images.parsec,
      ...(packageVersion ? { packageVersion } : {}),
      ...(spec.parsec.from === 'build' ? { features: spec.parsec.features } : {}),
    },
    backends: await containerBackends(parts, inParsec),
  };
}

/** Each backend as the container that runs it has it installed (the ones that started, on a failed start). */
async function containerBackends(
  parts: Parts,
  parsecPackages?: Record<string, string>,
): Promise<Record<string, string>> {
  const byRole = Object.fromEntries(parts.containers.map((c) => [c.name, c.container]));
  const inParsec = parsecPackages ?? (byRole.parsec ? await versionsIn(byRole.parsec) : {});
  const inToken = byRole.softhsm2 ? await versionsIn(byRole.softhsm2) : {};
  const inTpm = byRole.swtpm ? await versionsIn(byRole.swtpm) : {};
  const pick = (from: Record<string, string>, components: string[]) =>
    Object.fromEntries(Object.entries(componentVersions(from)).filter(([c]) => components.includes(c)));
  return {
    ...pick(inParsec, byRole.swtpm ? ['tpm2-tss', 'tcti-swtpm', 'mbedtls'] : ['mbedtls']),
    ...(byRole.softhsm2 ? { ...pick(inToken, ['softhsm2']), ...pick(inParsec, ['p11-kit']) } : {}),
    ...pick(inTpm, ['swtpm', 'libtpms']),
  };
}
