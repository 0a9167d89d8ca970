import { BENCH_OPERATIONS, type BenchOperation, type BenchResult, type LatencySummary } from '../model/bench-result';
import type {
  BackendFigures,
  ClientComparison,
  Measurement,
  OperationResult,
  ProviderBench,
} from '../model/bench-result';
import { PROVIDER_FACTS, providerIdOf, type ProviderKey } from '../model/providers';
import { startTarget, type ClientAuth, type StartedTarget, type TargetSpec } from '../targets';
import { formatOpcode, opcodeCode, ParsecClient, type AuthConfig } from '../wire';
import { ensureBenchTools } from './backend-tools';
import { DirectBackends, HELPER_OPS } from './direct-backends';
import { OPERATIONS, type ParsecWorkload } from './operations';
import { rawCall, rawGenerateRandom, RAW_PING } from './raw-client';
import { benchGoals } from './goals';
import { combineRounds, overheadOf, summarize } from './stats';
import { timedLoop, timedPair, type LoopSamples, type TimedCall } from './timed-loop';

export interface OperationBenchOptions {
  /** What to bring up: the same spec a run takes. */
  readonly spec: TargetSpec;
  /** Uncounted calls before each cell's measured stretch. */
  readonly warmupMs: number;
  /** The measured stretch of each cell: every cell is bounded by warmupMs + cellMs (plus one call). */
  readonly cellMs: number;
  /** The concurrent connection count measured besides 1. */
  readonly connections: number;
  /** Every cell is measured this many times, in rounds over all cells; figures are the rounds' medians. */
  readonly rounds: number;
  /** Only these operations (all when omitted). */
  readonly operations?: readonly BenchOperation[];
  readonly log: (line: string) => void;
}

function authOf(auth: ClientAuth): AuthConfig {
  if (auth.kind === 'direct') return { direct: auth.appName };
  return auth.kind;
}

const KEY_PREFIX = `parsec-conformance-bench-${process.pid}-`;

const LABEL: Record<ProviderKey, string> = { mbed: 'Mbed Crypto', pkcs11: 'PKCS#11', tpm: 'TPM' };

/** The rounds of every cell, keyed `provider/operation/side/connections`. */
type Collected = Map<string, LatencySummary[]>;

function record(collected: Collected, key: string, s: LoopSamples): LatencySummary {
  const summary = summarize(s.samplesNs, s.calls, s.elapsedNs);
  collected.set(key, [...(collected.get(key) ?? []), summary]);
  return summary;
}

function measurements(collected: Collected, prefix: string): Record<string, Measurement> {
  const out: Record<string, Measurement> = {};
  for (const [key, rounds] of collected) {
    if (!key.startsWith(`${prefix}/`)) continue;
    const c = key.slice(prefix.length + 1);
    out[c] = combineRounds(Number(c), rounds);
  }
  return out;
}

function backendDescription(provider: ProviderKey, target: StartedTarget): string {
  const b = target.versions.backends;
  if (provider === 'pkcs11') return `SoftHSM2 ${b.softhsm2 ?? ''} through PKCS#11, called from C (pkcs11-bench)`.trim();
  if (provider === 'tpm')
    return `swtpm ${b.swtpm ?? ''} through the TSS's ESYS ${b['tpm2-tss'] ?? ''}, called from C (tpm-bench)`;
  return `Node ${process.version} crypto (OpenSSL ${process.versions.openssl})`;
}

const BACKEND_NOTE: Record<ProviderKey, string> = {
  mbed:
    'a different implementation: OpenSSL through Node, in process, as a software baseline; Mbed Crypto itself is ' +
    "linked into Parsec and has no separate entry point. Node's ECDSA hashes its 32-byte input first",
  pkcs11:
    "the bench's own SoftHSM2 token, made like Parsec's, token objects as Parsec makes them; one session per thread",
  tpm:
    "the bench's own swtpm, started like Parsec's (swtpm serves one connection, which Parsec holds); keys stay " +
    'loaded, where Parsec loads a key from its saved context for each operation; one caller, as a TPM runs one ' +
    'command at a time',
};

/**
 * Times every operation each provider lists, through Parsec and straight on its backend, at 1 and N connections, in
 * `rounds` rounds; then the harness's client against hand-built request bytes. Keys it makes are destroyed.
 */
export async function operationBench(o: OperationBenchOptions): Promise<BenchResult> {
  const started = Date.now();
  const wanted = o.operations ?? BENCH_OPERATIONS;
  const target = await startTarget(o.spec, { log: o.log });
  let backends: DirectBackends | undefined;
  try {
    const providers = target.providers;
    const needsHelpers = providers.some((p) => p !== 'mbed');
    if (needsHelpers) backends = await DirectBackends.start(await ensureBenchTools(o.log), providers);
    const client = new ParsecClient({ socketPath: target.socketPath, auth: authOf(target.auth) });
    const core = (await client.listProviders()).find((p) => p.id === 0);
    const parsecVersion = core
      ? `${core.versionMaj}.${core.versionMin}.${core.versionRev}`
      : target.versions.parsec.version;
    const counts = [...new Set([1, o.connections])];
    const collected: Collected = new Map();
    const results: Partial<Record<ProviderKey, ProviderBench>> = {};
    let keyCounter = 0;
    const keyName = () => `${KEY_PREFIX}${(keyCounter += 1)}`;

    for (const provider of providers) {
      const id = providerIdOf(provider);
      const listed = new Set(await client.listOpcodes(id));
      const workloads = new Map<BenchOperation, ParsecWorkload>();
      const failures = new Map<BenchOperation, string>();
      const failureLogs = new Map<BenchOperation, string>();
      const backendFailures = new Map<BenchOperation, string>();
      const notSupported = new Map<BenchOperation, string>();
      for (const op of wanted) {
        const spec = OPERATIONS[op];
        if (!listed.has(opcodeCode(spec.opcode))) {
          const never = op === 'mac' ? ' (the service accepts no MAC opcode: it answers OpcodeDoesNotExist)' : '';
          notSupported.set(
            op,
            `${formatOpcode(opcodeCode(spec.opcode))} not listed by provider ${LABEL[provider]} (${id})${never}`,
          );
          continue;
        }
        try {
          workloads.set(op, await spec.parsec({ client, provider: id, keyName }));
        } catch (e) {
          failures.set(op, `setting up: ${(e as Error).message}`);
          failureLogs.set(op, target.logTail(15));
        }
      }
      try {
        for (let round = 1; round <= o.rounds; round += 1) {
          for (const [op, workload] of workloads) {
            if (failures.has(op)) continue;
            const base = `${provider}/${op}`;
            try {
              for (const c of counts) {
                const loop = { warmupMs: o.warmupMs, measureMs: o.cellMs, connections: c };
                const s = record(collected, `${base}/parsec/${c}`, await timedLoop(workload.call, loop));
                o.log(`round ${round} ${base} parsec ×${c}: p50 ${s.p50Ms} ms, ${s.perSecond}/s`);
              }
            } catch (e) {
              failures.set(op, (e as Error).message);
              failureLogs.set(op, target.logTail(15));
              o.log(`round ${round} ${base} parsec FAILED: ${(e as Error).message}`);
              continue;
            }
            if (backendFailures.has(op)) continue;
            try {
              await timeBackend(provider, op, base, counts, o, backends, collected, round);
            } catch (e) {
              backendFailures.set(op, (e as Error).message);
            }
          }
        }
      } finally {
        for (const w of workloads.values()) await w.cleanup().catch((e: Error) => o.log(`cleanup: ${e.message}`));
      }
      const operations = {} as Record<BenchOperation, OperationResult>;
      for (const op of wanted) {
        operations[op] = operationResult(provider, op, target, collected, {
          notSupported: notSupported.get(op),
          failed: failures.get(op),
          serviceLog: failureLogs.get(op),
          backendFailed: backendFailures.get(op),
        });
      }
      results[provider] = { provider, backend: backendDescription(provider, target), operations };
    }

    const clientComparisons = await compareClients(client, target, providers, o);
    const keysLeftBehind = (await client.listKeys())
      .map((k) => k.name)
      .filter((n) => n.startsWith(KEY_PREFIX))
      .sort();
    const result: Omit<BenchResult, 'goals'> = {
      schema: 'parsec-conformance-bench/1',
      parsecVersion,
      target: `${target.kind} (${target.versions.parsec.source})`,
      targetKind: target.kind,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      settings: { warmupMs: o.warmupMs, cellMs: o.cellMs, connections: counts, rounds: o.rounds },
      backends: { ...target.versions.backends, node: process.version, openssl: process.versions.openssl },
      providers: results,
      client: clientComparisons,
      keysLeftBehind,
    };
    return { ...result, goals: benchGoals(result) };
  } finally {
    await backends?.close();
    await target.stop();
  }
}

async function timeBackend(
  provider: ProviderKey,
  op: BenchOperation,
  base: string,
  counts: readonly number[],
  o: OperationBenchOptions,
  backends: DirectBackends | undefined,
  collected: Collected,
  round: number,
): Promise<void> {
  if (provider === 'mbed') {
    const node = OPERATIONS[op].node;
    if (!node) return;
    // Node's crypto runs on this one thread: more "connections" would only queue behind each other.
    const s = record(
      collected,
      `${base}/backend/1`,
      await timedLoop(node(), { warmupMs: o.warmupMs, measureMs: o.cellMs, connections: 1 }),
    );
    o.log(`round ${round} ${base} node ×1: p50 ${s.p50Ms} ms, ${s.perSecond}/s`);
    return;
  }
  const helperOp = HELPER_OPS[op];
  if (!helperOp || !backends) return;
  // A TPM runs one command at a time and swtpm serves one connection: the TPM is timed with one caller.
  for (const c of provider === 'tpm' ? [1] : counts) {
    const s = record(
      collected,
      `${base}/backend/${c}`,
      await backends.time(provider, helperOp, o.warmupMs, o.cellMs, c),
    );
    o.log(`round ${round} ${base} backend ×${c}: p50 ${s.p50Ms} ms, ${s.perSecond}/s`);
  }
}

function operationResult(
  provider: ProviderKey,
  op: BenchOperation,
  target: StartedTarget,
  collected: Collected,
  why: { notSupported?: string; failed?: string; serviceLog?: string; backendFailed?: string },
): OperationResult {
  const workload = OPERATIONS[op].workload;
  if (why.notSupported) return { status: 'not-supported', reason: why.notSupported, workload, parsec: {} };
  const parsec = measurements(collected, `${provider}/${op}/parsec`);
  if (why.failed) {
    return {
      status: 'failed',
      reason: why.failed,
      workload,
      parsec,
      ...(why.serviceLog ? { serviceLog: why.serviceLog } : {}),
    };
  }
  const byConnections = measurements(collected, `${provider}/${op}/backend`);
  const timedOnBackend = provider === 'mbed' ? OPERATIONS[op].node !== undefined : HELPER_OPS[op] !== undefined;
  let backend: BackendFigures | undefined;
  if (timedOnBackend) {
    const note = [BACKEND_NOTE[provider], why.backendFailed ? `failed: ${why.backendFailed}` : '']
      .filter((n) => n)
      .join('; ');
    backend = { implementation: backendDescription(provider, target), byConnections, note };
  }
  const p1 = parsec['1'];
  const b1 = byConnections['1'];
  return {
    status: 'measured',
    workload,
    parsec,
    ...(backend ? { backend } : {}),
    ...(p1 && b1 ? { overhead: overheadOf(p1.median, b1.median) } : {}),
  };
}

async function compareClients(
  client: ParsecClient,
  target: StartedTarget,
  providers: readonly ProviderKey[],
  o: OperationBenchOptions,
): Promise<Record<string, ClientComparison>> {
  const rawOk =
    (request: Buffer, what: string): TimedCall =>
    async () => {
      const answer = await rawCall(target.socketPath, request);
      if (answer.status !== 0) throw new Error(`raw ${what} answered status ${answer.status}`);
    };
  const random = providers[0] === undefined ? undefined : providerIdOf(providers[0]);
  const pairs: Array<[string, string, TimedCall, TimedCall]> = [
    ['ping', 'Ping to Core', async () => void (await client.ping()), rawOk(RAW_PING, 'Ping')],
  ];
  if (random !== undefined) {
    pairs.push([
      'generate-random',
      `PsaGenerateRandom of 32 bytes on ${PROVIDER_FACTS[random].label}`,
      async () => void (await client.generateRandom(random, 32)),
      rawOk(rawGenerateRandom(random, 32), 'PsaGenerateRandom'),
    ]);
  }
  const collected: Collected = new Map();
  // Both clients share each cell, call for call, so a busy moment of the machine costs both the same.
  const loop = { warmupMs: o.warmupMs, measureMs: 2 * o.cellMs };
  for (let round = 1; round <= o.rounds; round += 1) {
    for (const [key, , harness, raw] of pairs) {
      const [hs, rs] = await timedPair(harness, raw, loop);
      const h = record(collected, `${key}/harness/1`, hs);
      const r = record(collected, `${key}/raw/1`, rs);
      o.log(`round ${round} client ${key}: harness p50 ${h.p50Ms} ms, raw p50 ${r.p50Ms} ms`);
    }
  }
  const out: Record<string, ClientComparison> = {};
  for (const [key, request] of pairs) {
    const harness = measurements(collected, `${key}/harness`)['1'] as Measurement;
    const raw = measurements(collected, `${key}/raw`)['1'] as Measurement;
    out[key] = { request, harness, raw, p50Ratio: overheadOf(harness.median, raw.median).p50Ratio };
  }
  return out;
}
