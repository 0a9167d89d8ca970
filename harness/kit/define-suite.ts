import { PROVIDER_FACTS, type ProviderKey } from '../model/providers';
import { readRunContext, type DiscoveredProvider, type RunContext } from '../context';
import { answerFor } from '../capabilities';
import { tokenLacks } from '../model/token-profile';
import {
  ParsecClient,
  opcodeCode,
  setRequestTimeout,
  watchRequests,
  type CheckType,
  type KeyAttributes,
  type OpcodeName,
  type SentRequest,
} from '../wire';
import { caseId, isVariantName, slugify } from './case-id';
import {
  recordCaseData,
  recordCaseMeta,
  recordCaseSpan,
  recordFailedRequest,
  recordObserved,
  type CaseFailedRequest,
  type CaseMeta,
} from './case-meta';
import { expectationFor } from './expectations';
import { KeyTracker } from './key-tracker';
import { clientAuthOf } from './client-auth';
import { logFileTail, type LogSource } from './liveness';
import { HangGuard, notRunError } from './hang-guard';
import { CaseTargets, OwnTarget, type TargetRequest } from './own-target';

/** Static facts about a suite: its file declares them once, reports and coverage checks read them. */
export interface SuiteMeta {
  /** Suite name, the file's stem (e.g. 'list-opcodes'); part of every case id. */
  readonly name: string;
  /** The operation the suite is about; cases may name another through their options. */
  readonly opcode: OpcodeName;
  readonly description: string;
  /**
   * The first segment of the ids of `core()` cases when they are not about the service as a whole, e.g. 'client' for
   * a client image of the user's run against it (`client/<image>/exit-status`). Default 'core'.
   */
  readonly scope?: string;
}

/** A configured crypto provider as the suites see it. */
export interface ProviderCtx {
  readonly key: ProviderKey;
  readonly id: number;
  readonly label: string;
  readonly info: DiscoveredProvider;
  readonly opcodes: ReadonlySet<number>;
  lists(op: OpcodeName): boolean;
  /**
   * What a correct provider does with this question: what it answered to CanDoCrypto at discovery ('Success' or a
   * status name), or 'PsaErrorNotSupported' when it does not list CanDoCrypto, or when the run's token of the user's
   * lacks a mechanism the question needs (its probed profile says so, whatever the service answered). The question
   * must be in harness/capabilities.
   */
  canDo(checkType: CheckType, attributes: KeyAttributes): string;
  /** What the service itself answered to CanDoCrypto at discovery, without the token profile's say. */
  answered(checkType: CheckType, attributes: KeyAttributes): string;
  /** Why the run's token of the user's cannot do what the question needs, or undefined. */
  tokenLacks(checkType: CheckType, attributes: KeyAttributes): string | undefined;
  /** canDo(...) === 'Success'. */
  can(checkType: CheckType, attributes: KeyAttributes): boolean;
}

export interface CaseCtx {
  /** The harness's client of the run's target. */
  readonly client: ParsecClient;
  readonly context: RunContext;
  /** Creates run-unique key names and destroys every key the case made, after the case. */
  readonly keys: KeyTracker;
  /** The last lines of the run's service log, for failure messages. */
  readonly log: LogSource;
  /** Targets of this case's own (the run's spec, changed): the kit stops them after the case. */
  readonly targets: CaseTargets;
  /** Records what the case saw (no secrets) for results.json, next to its status. */
  observe(data: Readonly<Record<string, unknown>>): void;
}

/** The context of a case in a variant: the variant's own target comes with it. */
export interface VariantCaseCtx extends CaseCtx {
  readonly own: OwnTarget;
}

export interface VariantProviderCaseCtx extends VariantCaseCtx {
  readonly provider: ProviderCtx;
}

export interface ProviderCaseCtx extends CaseCtx {
  readonly provider: ProviderCtx;
}

export interface CaseOptions {
  /** Operation under test when it differs from the suite's. */
  readonly opcode?: OpcodeName;
  /** Operations the provider must list; otherwise the case is skipped with a reason naming the missing one. */
  readonly requires?: readonly OpcodeName[];
  /** An explicit skip reason (the case is still declared and reported). */
  readonly skip?: string;
  /** The case starts targets of its own (ctx.targets): it skips where no other instance can be started. */
  readonly ownTargets?: boolean;
  readonly timeoutMs?: number;
  /**
   * A per-request timeout for this case longer than the run's (`run --request-timeout`): an allowance for requests
   * that legitimately take longer, named in harness/kit/request-allowances.ts. The Jest timeout grows with it.
   */
  readonly requestTimeoutMs?: number;
}

export interface CaseDeclarer<T> {
  case(title: string, fn: (t: T) => Promise<void>, options?: CaseOptions): void;
  /**
   * A key shared by several cases of this provider's block: created on first use (so skipped cases cost nothing),
   * destroyed after the block. The returned function gives its name; a failed creation fails each case that uses it.
   */
  sharedKey(tag: string, create: (client: ParsecClient, name: string) => Promise<void>): () => Promise<string>;
}

export interface SuiteDeclarer {
  readonly context: RunContext;
  /** Cases about the service as a whole; reported under provider 'core'. */
  core(declare: (c: CaseDeclarer<CaseCtx>) => void): void;
  /** The same cases for every configured crypto provider (table-driven: one describe block per provider). */
  eachProvider(declare: (c: CaseDeclarer<ProviderCaseCtx>, provider: ProviderCtx) => void): void;
  /**
   * Cases for one provider only (a TPM fault, a token's quirk). A run that does not ask for that provider still
   * declares them, skipped with that reason, so that the report shows them and no suite file is ever empty.
   */
  provider(key: ProviderKey, declare: (c: CaseDeclarer<ProviderCaseCtx>, provider: ProviderCtx) => void): void;
  /**
   * A target of the suite's own (the run's spec, changed as asked), started by its first case and stopped after the
   * suite by the kit: keys checked, logs kept in `<out>/targets/<suite>.*.log`. Its `unavailable` is the skip
   * reason for the cases that use it.
   */
  ownTarget(request: TargetRequest): OwnTarget;
  /**
   * One service per variant (e.g. per configuration): each variant's cases run on its own target, and their ids get
   * the variant as a segment, `<provider>/<suite>/<variant>/<slug>`, so expectation files can match it. A variant's
   * target is stopped after its last case; its cases skip with the reason when it cannot be had here.
   */
  variants(list: readonly VariantDecl[], declare: (v: VariantDeclarer) => void): void;
}

export interface VariantDecl {
  /** Part of the case ids: lower-case letters, digits, '.', '+', '#' and '-'. */
  readonly name: string;
  /** The variant's own service; without one, its cases start theirs (ctx.targets) or need none. */
  readonly target?: TargetRequest;
}

export interface VariantDeclarer {
  readonly variant: string;
  readonly own: OwnTarget;
  core(declare: (c: CaseDeclarer<VariantCaseCtx>) => void): void;
  eachProvider(declare: (c: CaseDeclarer<VariantProviderCaseCtx>, provider: ProviderCtx) => void): void;
  /** As `SuiteDeclarer.provider`, on the variant's service. */
  provider(key: ProviderKey, declare: (c: CaseDeclarer<VariantProviderCaseCtx>, provider: ProviderCtx) => void): void;
}

function providerCtxs(context: RunContext, keys: readonly ProviderKey[] = context.requestedProviders): ProviderCtx[] {
  return keys.map((key) => {
    const info = context.providers.find((p) => p.key === key);
    const facts = Object.values(PROVIDER_FACTS).find((f) => f.key === key);
    if (!facts) throw new Error(`no provider facts for '${key}'`);
    const opcodes = new Set(context.opcodes[facts.id] ?? []);
    const answers = context.capabilities[facts.id];
    const answered = (checkType: CheckType, attributes: KeyAttributes): string =>
      answerFor(answers, { checkType, attributes });
    // On a token of the user's, what the token lacks (its probed profile, not the service's word) is not supported;
    // a refusal of the service's own (a deprecated hash, a bad size) stays what it is.
    const profile = key === 'pkcs11' ? context.tokenProfile : undefined;
    const lacks = (checkType: CheckType, attributes: KeyAttributes): string | undefined =>
      profile ? tokenLacks(profile, checkType, attributes) : undefined;
    const canDo = (checkType: CheckType, attributes: KeyAttributes): string => {
      const answer = answered(checkType, attributes);
      return answer === 'Success' && lacks(checkType, attributes) !== undefined ? 'PsaErrorNotSupported' : answer;
    };
    return {
      canDo,
      answered,
      tokenLacks: lacks,
      can: (checkType: CheckType, attributes: KeyAttributes) => canDo(checkType, attributes) === 'Success',
      key,
      id: facts.id,
      label: facts.label,
      // A requested provider the service did not list still gets its cases declared; they fail loudly.
      info: info ?? { id: facts.id, key, uuid: '', name: '(not listed by the service)', vendor: '', version: '' },
      opcodes,
      lists: (op: OpcodeName) => opcodes.has(opcodeCode(op)),
    };
  });
}

/** A request as results.json names it: the provider by its key where the harness knows it. */
function failedRequestOf(r: SentRequest): CaseFailedRequest {
  const facts = (PROVIDER_FACTS as Readonly<Record<number, { key: string } | undefined>>)[r.provider];
  return {
    opcode: r.opcode,
    provider: facts?.key ?? String(r.provider),
    ...(r.status !== undefined ? { status: r.status } : {}),
    summary: r.summary,
  };
}

function missingOpcode(
  provider: ProviderCtx | undefined,
  requires: readonly OpcodeName[] | undefined,
): string | undefined {
  if (!provider || !requires) return undefined;
  const missing = requires.find((op) => !provider.lists(op));
  if (missing === undefined) return undefined;
  const code = `0x${opcodeCode(missing).toString(16).padStart(2, '0')}`;
  return `${missing} (${code}) not listed by provider ${provider.label} (${provider.id})`;
}

/**
 * Declares a suite: Jest `describe(<provider>) > describe(<suite>) > test(<title>)`, case ids derived from those
 * three, metadata recorded for the reporters, skips with reasons, known deviations applied as `test.failing`.
 */
export function defineSuite(meta: SuiteMeta, declare: (s: SuiteDeclarer) => void): void {
  const context = readRunContext();
  const testFile = expect.getState().testPath ?? meta.name;
  const client = new ParsecClient({ socketPath: context.socketPath, auth: clientAuthOf(context.auth) });
  // Every client of this worker that sets no timeout of its own waits this long for an answer.
  if (context.requestTimeoutMs !== undefined) setRequestTimeout(context.requestTimeoutMs);
  const guard = new HangGuard({
    metaDir: context.metaDir,
    socketPath: context.socketPath,
    serviceLog: context.serviceLog,
  });
  const seen = new Set<string>();
  const preexisting = new Set(context.keysAtStart.map((k) => `${k.providerId}/${k.name}`));
  const log: LogSource = () => logFileTail(context.serviceLog);
  const own: OwnTarget[] = [];
  // Whatever the kit started for this file is stopped at its end at the latest, also when cases were skipped.
  afterAll(async () => {
    const problems: string[] = [];
    for (const t of own) await t.stop().catch((e: Error) => problems.push(e.message));
    if (problems.length > 0) throw new Error(problems.join('\n'));
  });

  interface Block {
    /** `skip`: why the variant's cases cannot run here (its service cannot be had). */
    readonly variant?: { readonly name: string; readonly own: OwnTarget; readonly skip: string | undefined };
    /** Why none of the block's cases can run in this run (a provider the run does not ask for). */
    readonly skip?: string;
    /** Hooks of the block, registered with its first case (Jest refuses hooks in a block without cases). */
    readonly onFirstCase?: () => void;
  }

  const declareCases = <T extends CaseCtx>(
    providerKey: string,
    provider: ProviderCtx | undefined,
    makeCtx: (base: CaseCtx) => T,
    body: (c: CaseDeclarer<T>) => void,
    block: Block = {},
  ): void => {
    const inSuite = (fn: () => void) =>
      describe(meta.name, () => (block.variant ? describe(block.variant.name, fn) : fn()));
    describe(providerKey, () => {
      inSuite(() => {
        const shared = new KeyTracker(client, context.runId, `${providerKey}/${meta.name}`, preexisting);
        let hooked = false;
        const hooks = (): void => {
          if (hooked) return;
          hooked = true;
          afterAll(async () => {
            const leftovers = await shared.destroyAll();
            if (leftovers.length > 0) throw new Error(`could not destroy shared keys: ${leftovers.join('; ')}`);
          });
          block.onFirstCase?.();
        };
        body({
          sharedKey(tag, create) {
            let pending: Promise<string> | undefined;
            return () => {
              pending ??= (async () => {
                const name = shared.track(provider?.id ?? 0, shared.name(tag));
                await create(client, name);
                return name;
              })();
              return pending;
            };
          },
          case(title, fn, options = {}) {
            hooks();
            const id = caseId(providerKey, meta.name, title, block.variant?.name);
            if (seen.has(id)) throw new Error(`duplicate case id ${id}: case titles must be unique within a suite`);
            if (slugify(title) === '') throw new Error(`case title '${title}' has no usable characters for an id`);
            seen.add(id);
            const skipReason =
              block.skip ??
              options.skip ??
              block.variant?.skip ??
              (options.ownTargets ? context.anotherInstanceUnavailable : undefined) ??
              missingOpcode(provider, options.requires);
            // The expectation matrix's entry: a known failure, a flaky case (either outcome), or a skip with reason.
            const expectation = skipReason ? undefined : expectationFor(context, id, block.variant?.name);
            const skipped =
              skipReason ??
              (expectation?.outcome === 'skip'
                ? `skipped by ${expectation.source} (${expectation.case}): ${expectation.reason}`
                : undefined);
            const record: CaseMeta = {
              id,
              suite: meta.name,
              ...(block.variant ? { variant: block.variant.name } : {}),
              provider: providerKey,
              opcode: options.opcode ?? meta.opcode,
              title,
              ...(skipped ? { skipReason: skipped } : {}),
              ...(expectation ? { expectation } : {}),
            };
            recordCaseMeta(context.metaDir, testFile, record);
            if (skipped) {
              test.skip(title, () => undefined);
              return;
            }
            const run = async (): Promise<void> => {
              // After the service stopped answering, nothing more is sent: the case is reported as not run.
              const gone = guard.refresh();
              if (gone) {
                const notRun = notRunError(gone);
                recordObserved(context.metaDir, id, notRun.message);
                throw notRun;
              }
              const restoreTimeout =
                options.requestTimeoutMs !== undefined ? setRequestTimeout(options.requestTimeoutMs) : undefined;
              const keys = new KeyTracker(client, context.runId, id, preexisting);
              const targets = new CaseTargets(context, `${meta.name}/${id.split('/').slice(2).join('.')}`);
              let failure: unknown;
              const startedAt = new Date().toISOString();
              let lastSent: SentRequest | undefined;
              const sent: SentRequest[] = [];
              const unwatch = watchRequests((r) => {
                lastSent = r;
                sent.push(r);
              });
              try {
                const observe = (data: Readonly<Record<string, unknown>>) => recordCaseData(context.metaDir, id, data);
                await fn(makeCtx({ client, context, keys, log, targets, observe }));
              } catch (caught) {
                // A request that got no answer in time: a Ping tells a hanging operation from a service that is gone.
                const verdict = await guard.judge(id, sent, caught);
                const e = verdict ?? caught;
                // The body's last request, before cleanup sends its own: no key material, no secret (harness/wire).
                if (lastSent) recordFailedRequest(context.metaDir, id, failedRequestOf(lastSent));
                if (expectation) recordObserved(context.metaDir, id, (e as Error).message.split('\n')[0] ?? String(e));
                // A flaky entry accepts the failure (the report says which outcome this run saw); only the case body's.
                if (expectation?.outcome !== 'flaky' || verdict) failure = e;
              }
              unwatch();
              // Keys are destroyed even when the case failed; a key that cannot be destroyed fails the case.
              const leftovers = await keys.destroyAll();
              const targetProblems = await targets.stopAll();
              recordCaseSpan(context.metaDir, { id, startedAt, endedAt: new Date().toISOString() });
              if (restoreTimeout !== undefined) setRequestTimeout(restoreTimeout);
              if (failure !== undefined) throw failure;
              if (leftovers.length > 0)
                throw new Error(`could not destroy keys created by the case: ${leftovers.join('; ')}`);
              if (targetProblems.length > 0) throw new Error(targetProblems.join('\n'));
            };
            // A case allowed longer requests gets a Jest timeout that leaves room for them and its cleanup.
            const jestTimeout =
              options.requestTimeoutMs !== undefined
                ? Math.max(options.timeoutMs ?? 60_000, options.requestTimeoutMs + 30_000)
                : options.timeoutMs;
            (expectation?.outcome === 'fail' ? test.failing : test)(title, run, jestTimeout);
          },
        });
      });
    });
  };

  const providers = providerCtxs(context);
  // One provider's cases (eachProvider declares every requested one this way): on its context when the run asks for
  // it, otherwise declared skipped with the reason.
  const oneProvider = <T extends CaseCtx>(
    key: ProviderKey,
    makeCtx: (base: CaseCtx, provider: ProviderCtx) => T,
    body: (c: CaseDeclarer<T>, provider: ProviderCtx) => void,
    block: Block = {},
  ): void => {
    const requested = providers.find((p) => p.key === key);
    const provider = requested ?? (providerCtxs(context, [key])[0] as ProviderCtx);
    const skip = requested
      ? undefined
      : `provider ${key} is not part of this run (it asks for ${context.requestedProviders.join(', ') || 'none'})`;
    declareCases(
      key,
      provider,
      (base) => makeCtx(base, provider),
      (c) => body(c, provider),
      skip ? { ...block, skip } : block,
    );
  };
  declare({
    context,
    core(body) {
      declareCases(meta.scope ?? 'core', undefined, (base) => base, body);
    },
    eachProvider(body) {
      for (const { key } of providers) oneProvider(key, (base, provider) => ({ ...base, provider }), body);
    },
    provider(key, body) {
      oneProvider(key, (base, provider) => ({ ...base, provider }), body);
    },
    ownTarget(request) {
      const target = new OwnTarget(context, request, meta.name);
      own.push(target);
      return target;
    },
    variants(list, body) {
      for (const decl of list) {
        if (!isVariantName(decl.name)) {
          throw new Error(
            `variant name '${decl.name}' of ${meta.name} must be lower-case letters, digits, '.', '+', '#', '-'`,
          );
        }
        const request = decl.target ?? {
          change: {},
          unavailable: `variant ${decl.name} declares no service of its own`,
        };
        const target = new OwnTarget(context, request, `${meta.name}/${decl.name}`);
        own.push(target);
        // The variant's target goes as soon as its last block of cases is done, not at the end of the file.
        let openBlocks = 0;
        const block: Block = {
          variant: { name: decl.name, own: target, skip: decl.target ? target.unavailable : undefined },
          onFirstCase: () => {
            openBlocks += 1;
            afterAll(async () => {
              openBlocks -= 1;
              if (openBlocks === 0) await target.stop();
            });
          },
        };
        body({
          variant: decl.name,
          own: target,
          core(declareBody) {
            declareCases('core', undefined, (base) => ({ ...base, own: target }), declareBody, block);
          },
          eachProvider(declareBody) {
            for (const { key } of providers) {
              oneProvider(key, (base, provider) => ({ ...base, own: target, provider }), declareBody, block);
            }
          },
          provider(key, declareBody) {
            oneProvider(key, (base, provider) => ({ ...base, own: target, provider }), declareBody, block);
          },
        });
      }
    },
  });
}
