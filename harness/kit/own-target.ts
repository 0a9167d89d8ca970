import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunContext } from '../context';
import {
  CONTAINER_CONTROL_LIMITS,
  deriveSpec,
  HARNESS_APP_NAME,
  startTarget,
  TargetStartError,
  type ProbedAuthenticator,
  type ServiceControl,
  type SpecChange,
  type StartableSpec,
  type StartedTarget,
} from '../targets';
import { isServiceStatusError, ParsecClient, type ClientAuthConfig } from '../wire';
import { clientAuthOf } from './client-auth';
import { sweepLeftovers, type ClientAdmin, type KeyLister } from './key-hygiene';
import type { LogSource } from './liveness';

/** A target a suite, a variant or a case starts for itself: the run's spec, changed as asked. */
export interface TargetRequest {
  readonly change: SpecChange;
  /** The authenticator this target needs in the Parsec build; without it, its cases skip with the probe's answer. */
  readonly needs?: ProbedAuthenticator;
  /** Another reason the cases that use it cannot run here (they skip with it). */
  readonly unavailable?: string;
}

/** Why a target like this cannot be had in this run, or undefined when it can. */
export function ownTargetUnavailable(context: RunContext, request: TargetRequest): string | undefined {
  if (context.anotherInstanceUnavailable) return context.anotherInstanceUnavailable;
  if (request.unavailable) return request.unavailable;
  if (request.needs && context.authenticatorsBuiltIn[request.needs] === false) {
    return `the Parsec build (${context.target.parsecSource}) has no ${request.needs} authenticator (cargo feature ${request.needs}-authenticator): it refuses it at start`;
  }
  return undefined;
}

/** The application name the harness has on a service with this spec (its uid with Unix peer credentials). */
export function harnessAppName(spec: StartableSpec): string {
  return spec.authenticator?.type === 'direct' ? HARNESS_APP_NAME : String(process.getuid?.() ?? 0);
}

/**
 * A target of the kit's: started on first use (so skipped cases cost nothing) and stopped by the kit, with its logs
 * kept in the report folder and a key check first: every application the kit knows of (the harness itself and the
 * identities a suite registers) must have no key left; whatever is left is removed and fails the stop.
 */
export class OwnTarget {
  readonly unavailable: string | undefined;
  readonly spec: StartableSpec | undefined;
  private started: Promise<StartedTarget> | undefined;
  private target: StartedTarget | undefined;
  private readonly identities = new Map<string, KeyLister>();
  private admin: ClientAdmin | undefined;
  private readonly atStopHooks: (() => Promise<void>)[] = [];

  constructor(
    private readonly context: RunContext,
    request: TargetRequest,
    /** Path of its logs under `<outDir>/targets/`, e.g. `admin-clients` or `admins-config/root`. */
    readonly logName: string,
  ) {
    this.unavailable = ownTargetUnavailable(context, request);
    this.spec = this.unavailable ? undefined : deriveSpec(context.spec, request.change);
  }

  /** The started target; the first call starts it, a failed start fails every call with the same error. */
  up(): Promise<StartedTarget> {
    if (this.unavailable) return Promise.reject(new Error(`this target is not available: ${this.unavailable}`));
    const spec = this.spec as StartableSpec;
    this.started ??= startTarget(spec, {}).then(
      (t) => {
        this.target = t;
        return t;
      },
      (e: unknown) => {
        // A service that did not start leaves no log behind but the excerpts of its error: keep them.
        if (e instanceof TargetStartError) this.keepStartFailure(e);
        throw e;
      },
    );
    return this.started;
  }

  private keepStartFailure(e: TargetStartError): void {
    const path = join(this.context.outDir, 'targets', `${this.logName}.start-failure.log`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${e.message}\n`);
  }

  /** A client of the target; by default the harness's own application, which the kit checks for keys at stop. */
  async client(auth?: ClientAuthConfig): Promise<ParsecClient> {
    const target = await this.up();
    return new ParsecClient({ socketPath: target.socketPath, auth: auth ?? clientAuthOf(target.auth) });
  }

  /**
   * The started service's lifecycle control (restart, signals, config rewrites, key store and socket paths); rejects
   * with the reason when its kind offers none (see `controlUnavailable`).
   */
  async control(): Promise<ServiceControl> {
    return controlOf(await this.up());
  }

  /** Another application whose keys the kit checks at stop (it must have none left). */
  watch(app: string, lister: KeyLister): void {
    this.identities.set(app, lister);
  }

  /** An admin application: with it, the kit also asks ListClients and removes leftovers with DeleteClient. */
  useAdmin(admin: ClientAdmin): void {
    this.admin = admin;
  }

  /** Runs after the key check, before the target stops (e.g. to end a client child that the check used). */
  atStop(hook: () => Promise<void>): void {
    this.atStopHooks.push(hook);
  }

  /** The last lines of its Parsec log, for failure messages. */
  readonly log: LogSource = () => this.target?.logTail() ?? '(the target has not started)';

  private stopping: Promise<void> | undefined;

  /** Key check, then stop with logs kept. Throws when keys were left (after removing them). Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    const started = await this.started?.catch(() => undefined);
    if (!started) return;
    let leftovers: string | undefined;
    try {
      leftovers = await this.keyCheck(started);
    } finally {
      for (const hook of this.atStopHooks.splice(0)) await hook().catch(() => undefined);
      await started.stop({ keepLogsIn: join(this.context.outDir, 'targets'), logPrefix: `${this.logName}.` });
    }
    if (leftovers) throw new Error(`${this.logName}: ${leftovers}`);
  }

  private async keyCheck(target: StartedTarget): Promise<string | undefined> {
    const spec = this.spec as StartableSpec;
    const me = harnessAppName(spec);
    const own = new ParsecClient({ socketPath: target.socketPath, auth: clientAuthOf(target.auth) });
    const identities = new Map<string, KeyLister>([[me, own], ...this.identities]);
    const admin = this.admin ?? ((spec.authenticator?.admins ?? []).includes(me) ? own : undefined);
    if (admin) return sweepLeftovers(admin, identities);
    const problems: string[] = [];
    for (const [app, lister] of identities) {
      const keys = await lister.listKeys();
      if (keys.length === 0) continue;
      if (lister !== own) {
        problems.push(`'${app}' still owns ${keys.map((k) => `${k.name} (provider ${k.providerId})`).join(', ')}`);
        continue;
      }
      for (const k of keys) {
        try {
          await own.destroyKey(k.providerId, k.name);
        } catch (e) {
          if (!isServiceStatusError(e, 'PsaErrorDoesNotExist')) problems.push(`${k.name}: ${(e as Error).message}`);
        }
      }
      problems.push(
        `the harness left ${keys.map((k) => `${k.name} (provider ${k.providerId})`).join(', ')}; destroyed`,
      );
    }
    return problems.length > 0 ? `keys were left on the service: ${problems.join('; ')}` : undefined;
  }
}

/** What a lifecycle case needs beyond restart, signals and config rewrites. */
export type ControlNeed = 'key-store-elsewhere' | 'rival';

/**
 * Why a run's own targets cannot give a case the lifecycle control it needs (restart, signals, config rewrites, and
 * the needs named), or undefined when they can.
 */
export function controlUnavailable(context: RunContext, needs: readonly ControlNeed[] = []): string | undefined {
  const kind = context.spec.kind;
  if (kind === 'native') return undefined;
  if (kind === 'containers') {
    if (needs.includes('key-store-elsewhere')) return CONTAINER_CONTROL_LIMITS.keyStoreElsewhere;
    if (needs.includes('rival')) return CONTAINER_CONTROL_LIMITS.rival;
    return undefined;
  }
  return `the ${kind} target starts no service of its own`;
}

/** A started target's lifecycle control, or an error that names the kind that lacks it. */
export function controlOf(target: StartedTarget): ServiceControl {
  if (!target.control)
    throw new Error(`the ${target.kind} target offers no lifecycle control (restart, signals, config)`);
  return target.control;
}

/** Started with `tryStart`: the target, or why it did not start (for cases about services that must not start). */
export type StartAttempt =
  { readonly ok: true; readonly target: StartedTarget } | { readonly ok: false; readonly error: TargetStartError };

/** The targets one case starts; the kit stops them after the case, keys checked and logs kept. */
export class CaseTargets {
  private readonly owned: OwnTarget[] = [];

  constructor(
    private readonly context: RunContext,
    private readonly logName: string,
  ) {}

  /** Starts a target of this case's own; the kit stops it after the case. */
  async start(change: SpecChange): Promise<StartedTarget> {
    const own = new OwnTarget(this.context, { change }, `${this.logName}.${this.owned.length + 1}`);
    this.owned.push(own);
    return own.up();
  }

  /** Like start(), but a target that does not come up is an answer (its error, with the logs), not a failure. */
  async tryStart(change: SpecChange): Promise<StartAttempt> {
    try {
      return { ok: true, target: await this.start(change) };
    } catch (e) {
      if (e instanceof TargetStartError) return { ok: false, error: e };
      throw e;
    }
  }

  /** Stops every target of the case; returns what went wrong (leftover keys), empty when nothing did. */
  async stopAll(): Promise<string[]> {
    const problems: string[] = [];
    for (const own of this.owned.splice(0).reverse()) {
      try {
        await own.stop();
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    return problems;
  }
}
