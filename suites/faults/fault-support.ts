import { eccKeyPair } from '../../harness/capabilities/catalogue/keys';
import { clientAuthOf, controlOf } from '../../harness/kit';
import { curveOf } from '../../harness/oracle/curves';
import { parseEcPublicKey } from '../../harness/oracle/keys';
import { checkEcdsaSignature, digestOf } from '../../harness/oracle/signatures';
import type { RunContext } from '../../harness/context';
import { CONTAINER_BACKEND_LIMITS } from '../../harness/targets/containers/container-backend-controls';
import type { SpecChange, StartedTarget, SwtpmControls, TokenControls } from '../../harness/targets';
import type { CaseTargets } from '../../harness/kit/own-target';
import { providerIdOf, type ProviderKey } from '../../harness/model/providers';
import { isServiceStatusError, ParsecClient, ServiceStatusError, TransportError } from '../../harness/wire';

// Shared by the fault suites and the lifecycle cases that break a backend (TPM reset, token removed): where a fault
// can be caused, clients with short read timeouts, Ping latency measured meanwhile, and cleaning up a broken target.

/** The read timeout of a client whose request may hang: the verdict "no answer" comes from it. */
export const HANG_TIMEOUT_MS = 2000;
/** Ping on another connection counts as answered "meanwhile" within this. */
export const PING_WITHIN_MS = 1000;

/** Why the run's own targets offer no control of this backend (or of swtpm restarts), or undefined when they do. */
export function backendUnavailable(
  context: RunContext,
  backend: 'swtpm' | 'swtpm-restart' | 'token',
): string | undefined {
  const spec = context.spec;
  if (spec.kind === 'containers') {
    if (backend === 'token') return `${CONTAINER_BACKEND_LIMITS.token}; this case runs on the native target`;
    if (backend === 'swtpm-restart')
      return `${CONTAINER_BACKEND_LIMITS.swtpmRestart}; this case runs on the native target`;
  }
  if (spec.kind === 'external') return 'the external target starts no backend of its own';
  if (backend !== 'token') {
    const tpm = spec.providers.find((p) => p.key === 'tpm');
    if (!tpm) return 'the run configures no TPM provider';
    if (tpm.tcti !== undefined)
      return `the TPM is the user's (${tpm.tcti}): the harness kills or resets only a swtpm it started`;
  } else {
    const p11 = spec.providers.find((p) => p.key === 'pkcs11');
    if (!p11) return 'the run configures no PKCS#11 provider';
    if (p11.module !== undefined)
      return `the token is the user's (${p11.module}): the harness removes only a token it made`;
  }
  return undefined;
}

export function swtpmOf(target: StartedTarget): SwtpmControls {
  const swtpm = target.backendControls?.swtpm;
  if (!swtpm) throw new Error(`the ${target.kind} target offers no swtpm controls`);
  return swtpm;
}

export function tokenOf(target: StartedTarget): TokenControls {
  const token = target.backendControls?.token;
  if (!token) throw new Error(`the ${target.kind} target offers no SoftHSM2 token controls`);
  return token;
}

/** A client of the target as the harness's application, giving up on an answer after `readTimeoutMs`. */
export function clientOf(target: StartedTarget, readTimeoutMs = 10_000): ParsecClient {
  return new ParsecClient({ socketPath: target.socketPath, auth: clientAuthOf(target.auth), readTimeoutMs });
}

/** What a request came to, in words for messages and observations: `Success`, a status name, or the transport's. */
export async function outcomeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'Success';
  } catch (e) {
    if (e instanceof ServiceStatusError) return e.statusName;
    if (e instanceof TransportError) return `${e.phase} ${e.reason}${e.timeoutMs ? ` after ${e.timeoutMs} ms` : ''}`;
    throw e;
  }
}

/** Milliseconds a Ping took on a connection of its own (Infinity when it got no answer within `timeoutMs`). */
export async function pingMs(target: StartedTarget, timeoutMs = 5000): Promise<number> {
  const started = Date.now();
  try {
    await clientOf(target, timeoutMs).ping();
    return Date.now() - started;
  } catch (e) {
    if (e instanceof TransportError) return Infinity;
    throw e;
  }
}

/** Pings every `everyMs` until `work` settles; returns the latencies (the work's own failure is the caller's). */
export async function pingsDuring(target: StartedTarget, work: Promise<unknown>, everyMs = 100): Promise<number[]> {
  let done = false;
  void work.then(
    () => (done = true),
    () => (done = true),
  );
  const latencies: number[] = [];
  while (!done) {
    latencies.push(await pingMs(target));
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return latencies;
}

/**
 * Destroys every key on a target of the case's own (they are all the case's). A backend a fault left broken may refuse:
 * then Parsec is restarted (where the target can) and the keys destroyed again; what is still left fails the case.
 */
export async function destroyEveryKey(target: StartedTarget): Promise<void> {
  const client = clientOf(target);
  const attempt = async () => {
    const left: string[] = [];
    for (const k of await client.listKeys()) {
      try {
        await client.destroyKey(k.providerId, k.name);
      } catch (e) {
        if (!isServiceStatusError(e, 'PsaErrorDoesNotExist'))
          left.push(`${k.name} (provider ${k.providerId}): ${(e as Error).message}`);
      }
    }
    return left;
  };
  let left = await attempt();
  if (left.length > 0 && target.control) {
    await controlOf(target).restart();
    left = await attempt();
  }
  if (left.length > 0) throw new Error(`keys the case made could not be destroyed: ${left.join('; ')}`);
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const P256 = curveOf('SecpR1', 256);
const MESSAGE = Buffer.from('parsec-conformance fault suites');

/** An ECDSA P-256 SHA-256 signing key, as every fault case makes its "key made before". */
export const EC_SIGNING_KEY = eccKeyPair(P256);

/** SignHash with the key, checked by the oracle against the key's exported public key. */
export async function expectSigns(client: ParsecClient, provider: number, keyName: string): Promise<void> {
  const publicKey = parseEcPublicKey(P256, await client.exportPublicKey(provider, keyName));
  const signature = await client.signHash(
    provider,
    keyName,
    { alg: 'Ecdsa', hash: 'Sha256' },
    digestOf('Sha256', MESSAGE),
  );
  checkEcdsaSignature(P256, publicKey, 'Sha256', MESSAGE, signature);
}

/** The run's spec change that sets Parsec's worker thread count (its default is the machine's CPU count). */
export function withThreadPool(context: RunContext, threads: number): SpecChange {
  const base = context.spec.kind === 'external' ? undefined : context.spec.extraConfig;
  return { extraConfig: { core_settings: { ...base?.core_settings, thread_pool_size: threads } } };
}

/** A latency for messages and observations (JSON has no Infinity). */
export function describeMs(ms: number): number | string {
  return ms === Infinity ? 'no answer' : ms;
}

/** Fails with what was at fault when a Ping on another connection took `limitMs` or longer (or got no answer). */
export function expectPingWithin(latencyMs: number, limitMs: number, situation: string): void {
  if (latencyMs < limitMs) return;
  const got = latencyMs === Infinity ? 'got no answer before its own timeout' : `was answered after ${latencyMs} ms`;
  throw new Error(`${situation}: Ping on another connection ${got}, expected within ${limitMs} ms`);
}

/** What a fault case's body gets from `faultCase`. */
export interface FaultFrame {
  readonly target: StartedTarget;
  /** A client with the default read timeout. */
  readonly client: ParsecClient;
  /** Runs `lift` when the case ends, also when it failed (newest first): it must be harmless when already done. */
  atEnd(lift: () => Promise<unknown>): void;
}

/**
 * The frame every fault case shares: a target of the case's own (the run's spec with `change`), a client, and, when
 * asked, a P-256 signing key made before the fault; then the body; at the end, even when the body failed, whatever
 * the body asked to lift, and every key destroyed.
 */
export async function faultCase(
  targets: CaseTargets,
  body: (f: FaultFrame) => Promise<void>,
  o: { readonly change?: SpecChange; readonly keyBefore?: { readonly provider: number; readonly name: string } } = {},
): Promise<void> {
  const target = await targets.start(o.change ?? {});
  const client = clientOf(target);
  const lifts: (() => Promise<unknown>)[] = [];
  try {
    if (o.keyBefore) await client.generateKey(o.keyBefore.provider, o.keyBefore.name, EC_SIGNING_KEY);
    await body({ target, client, atEnd: (lift) => lifts.push(lift) });
  } finally {
    try {
      for (const lift of lifts.reverse()) await lift();
    } finally {
      await destroyEveryKey(target);
    }
  }
}

/**
 * While (or after) a backend's fault, the rest of the service is unaffected: Ping on another connection answers within
 * PING_WITHIN_MS (observed as `observeAs`), and each of `others` makes a P-256 key that signs (checked by the oracle).
 */
export async function expectOthersAnswer(
  f: { readonly target: StartedTarget; readonly client: ParsecClient },
  ctx: { readonly keys: { name(tag: string): string }; observe(data: Readonly<Record<string, unknown>>): void },
  others: readonly ProviderKey[],
  what: { readonly situation: string; readonly observeAs: string; readonly keyTag: string },
): Promise<void> {
  const ping = await pingMs(f.target);
  ctx.observe({ [what.observeAs]: describeMs(ping) });
  expectPingWithin(ping, PING_WITHIN_MS, what.situation);
  for (const key of others) {
    const name = ctx.keys.name(`${key}-${what.keyTag}`);
    await f.client.generateKey(providerIdOf(key), name, EC_SIGNING_KEY);
    await expectSigns(f.client, providerIdOf(key), name);
  }
}
