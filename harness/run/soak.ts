import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { answerFor } from '../capabilities';
import { caseId, clientAuthOf } from '../kit';
import { EXPECTATIONS_DIR, loadExpectationFiles, matchExpectation, type MatchFacts } from '../kit/expectations';
import type { AppliedExpectation } from '../model/expectation';
import {
  buildMix,
  driveLoad,
  judgeGrowth,
  LOAD_CASE_TITLES,
  LOAD_SUITE,
  parsecPidOf,
  sampleProcess,
  STRESS_TEST_PLAN,
  type GrowthFinding,
  type GrowthLimits,
  type GrowthVerdict,
  type LoadFailure,
  type LoadResult,
  type MixKeys,
  type MixOperation,
  type OperationCategory,
  type ResourceSample,
} from '../load';
import { startTarget, type StartedTarget, type TargetSpec } from '../targets';
import { isServiceStatusError, opcodeCode, ParsecClient } from '../wire';
import { discover } from './discover';

export interface SoakOptions {
  readonly spec: TargetSpec;
  readonly durationMs: number;
  readonly clients: number;
  readonly sampleEveryMs: number;
  readonly limits: GrowthLimits;
  readonly outDir: string;
  readonly argv: readonly string[];
  readonly log: (line: string) => void;
}

/** A failure the expectation matrix explains: the load suite's case that would show it has an entry that holds. */
export interface ExplainedFailures {
  readonly case: string;
  readonly count: number;
  readonly expectation: AppliedExpectation;
}

/**
 * A growth the expectation files explain: `fixtures/expectations/soak/` entries for `core/soak/<measure>-growth`, each
 * with the largest slope it explains (`atMost`). They live apart from the files a run reads, where they would be stale.
 */
export interface ExplainedGrowth {
  readonly case: string;
  readonly perHour: number;
  readonly expectation: AppliedExpectation;
}

export const SOAK_EXPECTATIONS_DIR = join(EXPECTATIONS_DIR, 'soak');

/** The case id a growth of this measure is known by in the expectation files. */
export const growthCaseId = (measure: GrowthFinding['measure']): string => `core/soak/${measure}-growth`;

export interface SoakReport {
  readonly formatVersion: 1;
  readonly startedAt: string;
  readonly argv: readonly string[];
  readonly target: {
    readonly kind: string;
    readonly parsecVersion: string;
    readonly parsecSource: string;
    readonly backends: Readonly<Record<string, string>>;
    readonly providers: readonly string[];
  };
  readonly plan: {
    readonly durationMs: number;
    readonly clients: number;
    readonly intervalMs: number;
    readonly jitterMs: number;
    readonly checkEveryMs: number;
    readonly sampleEveryMs: number;
    readonly limits: GrowthLimits;
  };
  readonly operationsMixed: readonly string[];
  readonly load: LoadResult;
  readonly explained: readonly ExplainedFailures[];
  /** Growth beyond the limits that an entry of fixtures/expectations/soak/ explains, up to its `atMost`. */
  readonly explainedGrowth: readonly ExplainedGrowth[];
  /** Lost or wrong answers no expectation entry explains. */
  readonly unexplained: number;
  readonly process: {
    readonly pid?: number;
    readonly unavailable?: string;
    readonly samples: readonly ResourceSample[];
  };
  readonly growth?: GrowthVerdict;
  readonly keysLeft: readonly string[];
  readonly verdict: 'pass' | 'fail';
  readonly reasons: readonly string[];
}

/** Key names of the soak's own, each tracked until it is destroyed; the rest are destroyed at the end. */
class SoakKeys implements MixKeys {
  private readonly live = new Map<string, { provider: number; name: string }>();
  private n = 0;
  private readonly tag = randomBytes(3).toString('hex');

  name(tag: string): string {
    this.n += 1;
    return `pc-soak-${this.tag}-${this.n}-${tag}`;
  }

  track(provider: number, name: string): string {
    this.live.set(`${provider}/${name}`, { provider, name });
    return name;
  }

  forget(provider: number, name: string): void {
    this.live.delete(`${provider}/${name}`);
  }

  async destroyAll(client: ParsecClient): Promise<string[]> {
    const problems: string[] = [];
    for (const { provider, name } of this.live.values()) {
      try {
        await client.destroyKey(provider, name);
      } catch (e) {
        if (isServiceStatusError(e) && e.statusName === 'PsaErrorDoesNotExist') continue;
        problems.push(`${name} on provider ${provider}: ${(e as Error).message}`);
      }
    }
    this.live.clear();
    return problems;
  }
}

/** The operations of every crypto provider the service lists, from what discovery answered. */
async function mixOf(client: ParsecClient, target: StartedTarget, keys: SoakKeys): Promise<MixOperation[]> {
  const d = await discover(client);
  const ops: MixOperation[] = [];
  for (const p of d.providers) {
    if (p.id === 0 || p.key === undefined || p.key === 'core') continue;
    const listed = new Set(d.opcodes[p.id] ?? []);
    const answers = d.capabilities[p.id];
    const vendorToken = (target.spec.providers ?? []).some(
      (s) => typeof s === 'object' && s.key === 'pkcs11' && 'module' in s && s.module !== undefined,
    );
    const categories: OperationCategory[] = p.key === 'pkcs11' && vendorToken ? ['use'] : ['use', 'lifecycle'];
    ops.push(
      ...(await buildMix(
        client,
        {
          id: p.id,
          key: p.key,
          lists: (op) => listed.has(opcodeCode(op)),
          can: (checkType, attributes) => answerFor(answers, { checkType, attributes }) === 'Success',
        },
        keys,
        categories,
      )),
    );
  }
  return ops;
}

function factsOf(target: StartedTarget): MatchFacts {
  return {
    parsecVersion: target.versions.parsec.version,
    targetKind: target.kind,
    backends: target.versions.backends,
  };
}

/** Growth beyond the limits: explained where an entry holds and its `atMost` covers the slope; otherwise a reason. */
export function explainGrowth(
  findings: readonly GrowthFinding[],
  facts: MatchFacts,
  files = loadExpectationFiles([], SOAK_EXPECTATIONS_DIR),
): { explained: ExplainedGrowth[]; unexplained: string[] } {
  const explained: ExplainedGrowth[] = [];
  const unexplained: string[] = [];
  for (const f of findings) {
    const id = growthCaseId(f.measure);
    const expectation = matchExpectation(files, id, facts);
    if (!expectation || expectation.outcome === 'skip') unexplained.push(f.problem);
    else if (expectation.atMost !== undefined && f.perHour > expectation.atMost) {
      unexplained.push(
        `${f.problem}; ${expectation.source} (${id}) explains at most ${expectation.atMost} per hour: this is more`,
      );
    } else explained.push({ case: id, perHour: f.perHour, expectation });
  }
  return { explained, unexplained };
}

function explain(
  failures: readonly LoadFailure[],
  total: number,
  target: StartedTarget,
): {
  explained: ExplainedFailures[];
  unexplained: number;
} {
  const files = loadExpectationFiles();
  const facts = factsOf(target);
  const byCase = new Map<string, number>();
  for (const f of failures) {
    const id = caseId(f.provider, LOAD_SUITE, LOAD_CASE_TITLES[f.category as OperationCategory]);
    byCase.set(id, (byCase.get(id) ?? 0) + 1);
  }
  const explained: ExplainedFailures[] = [];
  let explainedCount = 0;
  for (const [id, count] of byCase) {
    const expectation = matchExpectation(files, id, facts);
    if (expectation && expectation.outcome !== 'skip') {
      explained.push({ case: id, count, expectation });
      explainedCount += count;
    }
  }
  // Failures beyond the first ones kept cannot be attributed to a case: they stay unexplained.
  return { explained, unexplained: total - explainedCount };
}

/**
 * Starts the target as `run` does, drives the load suite's mix on every provider for the duration, samples the
 * Parsec process's memory and descriptors, and judges answers and growth. The target is stopped (logs kept in the
 * report folder) and the soak's keys destroyed, whatever happens.
 */
export async function soak(o: SoakOptions): Promise<SoakReport> {
  const startedAt = new Date();
  const target = await startTarget(o.spec, { log: o.log });
  const keys = new SoakKeys();
  const samples: ResourceSample[] = [];
  let sampler: NodeJS.Timeout | undefined;
  let client: ParsecClient | undefined;
  try {
    client = new ParsecClient({ socketPath: target.socketPath, auth: clientAuthOf(target.auth) });
    const operations = await mixOf(client, target, keys);
    o.log(
      `${operations.length} operations mixed over ${target.providers.join(', ')}: ${operations.map((op) => op.name).join('; ')}`,
    );
    const found = parsecPidOf(target);
    const t0 = Date.now();
    let processGone: string | undefined;
    const sample = (): void => {
      if (!('pid' in found) || processGone) return;
      try {
        samples.push(sampleProcess(found.pid, Date.now() - t0));
      } catch (e) {
        processGone = `the Parsec process ${found.pid} could not be read: ${(e as Error).message}`;
      }
    };
    if ('pid' in found) {
      sample();
      sampler = setInterval(sample, o.sampleEveryMs);
    } else {
      o.log(`memory and descriptors are not sampled: ${found.unavailable}`);
    }
    const checks = operations.filter((op) => / sign /.test(op.name));
    const load = await driveLoad(
      operations,
      {
        ...STRESS_TEST_PLAN,
        clients: o.clients,
        // Bounded in count too: no client can send more than the pace allows in the duration.
        requestsPerClient: Math.ceil(o.durationMs / (STRESS_TEST_PLAN.intervalMs - STRESS_TEST_PLAN.jitterMs)) + 1,
        maxDurationMs: o.durationMs,
        progress: o.log,
      },
      checks,
    );
    if (sampler) clearInterval(sampler);
    sample();
    const keysLeft = await keys.destroyAll(client);
    const { explained, unexplained } = explain(load.failures, load.lost + load.wrong, target);
    const growth = 'pid' in found ? judgeGrowth(samples, o.durationMs, o.limits) : undefined;
    const reasons: string[] = [];
    if (unexplained > 0) reasons.push(`${unexplained} lost or wrong answer(s) that no expectation entry explains`);
    if (load.stoppedEarly) reasons.push(`the load stopped early: ${load.stoppedEarly}`);
    if (processGone) reasons.push(processGone);
    const growthVerdict = explainGrowth(growth?.judged ? growth.findings : [], factsOf(target));
    reasons.push(...growthVerdict.unexplained);
    if (keysLeft.length > 0) reasons.push(`${keysLeft.length} key(s) of the soak could not be destroyed`);
    return {
      formatVersion: 1,
      startedAt: startedAt.toISOString(),
      argv: o.argv,
      target: {
        kind: target.kind,
        parsecVersion: target.versions.parsec.version,
        parsecSource: target.versions.parsec.source,
        backends: target.versions.backends,
        providers: target.providers,
      },
      plan: {
        durationMs: o.durationMs,
        clients: o.clients,
        intervalMs: STRESS_TEST_PLAN.intervalMs,
        jitterMs: STRESS_TEST_PLAN.jitterMs,
        checkEveryMs: STRESS_TEST_PLAN.checkEveryMs,
        sampleEveryMs: o.sampleEveryMs,
        limits: o.limits,
      },
      operationsMixed: operations.map((op) => op.name),
      load,
      explained,
      explainedGrowth: growthVerdict.explained,
      unexplained,
      process: { ...('pid' in found ? { pid: found.pid } : { unavailable: found.unavailable }), samples },
      ...(growth ? { growth } : {}),
      keysLeft,
      verdict: reasons.length === 0 ? 'pass' : 'fail',
      reasons,
    };
  } finally {
    if (sampler) clearInterval(sampler);
    if (client) await keys.destroyAll(client).catch(() => undefined);
    mkdirSync(o.outDir, { recursive: true });
    await target.stop({ keepLogsIn: o.outDir });
  }
}

export const SOAK_JSON = 'soak.json';
export const SOAK_MD = 'soak.md';

const fmt = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '–' : String(n));

/** The short Markdown: verdict, totals, latency per request, memory and descriptors with their slopes. */
export function soakMarkdown(r: SoakReport): string {
  const l = r.load;
  const lines = [
    `# Soak: ${r.verdict.toUpperCase()}`,
    '',
    `Parsec ${r.target.parsecVersion} (${r.target.kind}, ${r.target.parsecSource}), providers ${r.target.providers.join(', ')}; ${Math.round(r.plan.durationMs / 1000)} s planned, ${Math.round(l.elapsedMs / 1000)} s run, ${r.plan.clients} clients, ${r.plan.intervalMs} ± ${r.plan.jitterMs} ms between requests, a check every ${r.plan.checkEveryMs} ms.`,
    '',
    `- ${l.requests} requests (${l.operations} operations), ${l.answersChecked} answers checked; **${l.lost} lost, ${l.wrong} wrong**, ${r.unexplained} unexplained`,
    `- checker: ${l.checks.runs} runs, ${l.checks.failed} failed`,
    ...r.explained.map(
      (e) =>
        `- ${e.count} failure(s) explained by ${e.expectation.source} (${e.case}, ${e.expectation.outcome}): ${e.expectation.reason}`,
    ),
    ...r.explainedGrowth.map(
      (e) =>
        `- growth of ${e.perHour} per hour explained by ${e.expectation.source} (${e.case}, up to ${e.expectation.atMost ?? 'any'} per hour): ${e.expectation.reason}`,
    ),
    ...r.reasons.map((x) => `- FAIL: ${x}`),
    '',
  ];
  if (r.growth) {
    const g = r.growth;
    lines.push(
      '## Memory and descriptors',
      '',
      g.judged
        ? `After a ${g.warmupMs / 1000} s warm-up, ${g.samplesFitted} samples: RSS ${fmt(g.rssFirstKiB)} → ${fmt(g.rssLastKiB)} KiB, slope ${fmt(g.rssMiBPerHour)} MiB/hour (limit ${r.plan.limits.maxRssMiBPerHour}); descriptors slope ${fmt(g.fdsPerHour)}/hour, at most ${fmt(g.fdFirstThirdMax)} in the first third, at least ${fmt(g.fdLastThirdMin)} in the last.`
        : `Not judged: ${g.problems.join('; ')}`,
      '',
      '| t (s) | RSS (KiB) | fds |',
      '| ---: | ---: | ---: |',
      ...thin(r.process.samples, 30).map((s) => `| ${Math.round(s.atMs / 1000)} | ${s.rssKiB} | ${s.fds} |`),
      '',
    );
  } else {
    lines.push(`Memory and descriptors were not sampled: ${r.process.unavailable ?? 'unknown'}`, '');
  }
  lines.push(
    '## Latency per request (ms)',
    '',
    '| request | count | p50 | p95 | p99 | max |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...Object.entries(l.latency).map(
      ([k, v]) => `| ${k} | ${v.count} | ${fmt(v.p50Ms)} | ${fmt(v.p95Ms)} | ${fmt(v.p99Ms)} | ${fmt(v.maxMs)} |`,
    ),
    '',
  );
  if (l.failures.length > 0) {
    lines.push(
      '## First failures',
      '',
      ...l.failures.slice(0, 20).map((f) => `- ${f.atMs} ms ${f.kind} ${f.operation}: ${f.message}`),
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** At most `n` samples, evenly spread, the last one included. */
function thin<T>(list: readonly T[], n: number): T[] {
  if (list.length <= n) return [...list];
  const step = (list.length - 1) / (n - 1);
  return Array.from({ length: n }, (_, i) => list[Math.round(i * step)] as T);
}

export function writeSoakReport(r: SoakReport, outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const files = [join(outDir, SOAK_JSON), join(outDir, SOAK_MD)];
  writeFileSync(files[0] as string, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(files[1] as string, soakMarkdown(r));
  return files;
}
