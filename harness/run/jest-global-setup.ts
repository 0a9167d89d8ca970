import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CONTEXT_ENV, CONTEXT_FORMAT, shareServiceLogRedactor, type RunContext } from '../context';
import { clientAuthOf } from '../kit/client-auth';
import { createRunDir, registerCleanup } from '../lifecycle';
import {
  anotherInstanceUnavailable,
  featuresShown,
  probeAuthenticators,
  providerKeysOf,
  startTarget,
  type StartedTarget,
} from '../targets';
import { ParsecClient, setRequestTimeout } from '../wire';
import { resolveParsecTool } from '../interop';
import { discover } from './discover';
import { runOptionsFromEnv } from './options';
import { progress, runState } from './run-state';
import { profileVendorToken } from './vendor-token';

/** Brings the run's target up from its spec, asks it what it offers, and writes the run context the suites load. */
export default async function globalSetup(): Promise<void> {
  const options = runOptionsFromEnv();
  // Discovery and the reporter's run checks run in this process: they wait no longer than the cases do.
  if (options.requestTimeoutMs !== undefined) setRequestTimeout(options.requestTimeoutMs);
  const state = runState();
  const t0 = Date.now();
  const metaDir = createRunDir(tmpdir(), 'meta');
  state.metaDir = metaDir;
  state.unregisterMeta = registerCleanup(() => rmSync(metaDir, { recursive: true, force: true }));

  // A token of the user's is probed before Parsec has it open: what it lacks sets the expectations.
  mkdirSync(options.outDir, { recursive: true });
  const vendor = await profileVendorToken(options.spec, options.outDir, progress);
  const target: StartedTarget = await startTarget(options.spec, { log: progress });
  state.target = target;
  // The reporters quote the service's log per case; they redact it with the target's own secrets, in this process.
  shareServiceLogRedactor((text) => target.redact(text));
  try {
    const client = new ParsecClient({ socketPath: target.socketPath, auth: clientAuthOf(target.auth) });
    const discoveryStart = Date.now();
    const found = await discover(client);
    const keysAtStart = (await client.listKeys()).map((k) => ({ providerId: k.providerId, name: k.name }));
    const another = anotherInstanceUnavailable(options.spec);
    // Suites that start services of their own need to know what this build can be configured with.
    const built = await probeAuthenticators(options.spec, progress);
    const v = target.versions;
    // Debian's parsec-tool of the same suite, for the interop suites; its version is recorded with the backends.
    const parsecTool = await resolveParsecTool(options.spec, progress);
    const toolVersion = parsecTool.kind !== 'unavailable' ? parsecTool.version : undefined;
    const context: RunContext = {
      formatVersion: CONTEXT_FORMAT,
      runId: randomBytes(3).toString('hex'),
      startedAt: new Date(t0).toISOString(),
      spec: options.spec,
      socketPath: target.socketPath,
      auth: target.auth,
      ...(target.logs()[0] ? { serviceLog: target.logs()[0]?.path } : {}),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      target: {
        kind: target.kind,
        parsecVersion: found.parsecVersion,
        parsecSource: v.parsec.source,
        parsecBinary: v.parsec.binary ?? v.parsec.image ?? v.parsec.source,
        ...(v.parsec.packageVersion ? { packageVersion: v.parsec.packageVersion } : {}),
        features: v.parsec.features ?? featuresShown(built),
        backends: { ...v.backends, ...(toolVersion ? { 'parsec-tool': toolVersion } : {}) },
        startupMs: target.startupMs,
      },
      authenticatorsBuiltIn: built,
      ...(another ? { anotherInstanceUnavailable: another } : {}),
      parsecTool,
      providers: found.providers,
      requestedProviders: target.providers.length > 0 ? target.providers : (providerKeysOf(options.spec) ?? []),
      opcodes: found.opcodes,
      authenticators: found.authenticators,
      capabilities: found.capabilities,
      keysAtStart,
      ...(vendor ? { tokenProfile: vendor.profile, vendorToken: vendor.token } : {}),
      ...(options.profiles && options.profiles.length > 0 ? { expectationProfiles: options.profiles } : {}),
      metaDir,
      outDir: resolve(options.outDir),
    };
    const contextPath = join(metaDir, 'context.json');
    writeFileSync(contextPath, JSON.stringify(context, null, 2));
    state.contextPath = contextPath;
    process.env[CONTEXT_ENV] = contextPath;
    const backends = Object.entries(v.backends)
      .map(([k, ver]) => `${k} ${ver}`)
      .join(', ');
    progress(
      `Parsec ${found.parsecVersion} (${target.kind}, ${v.parsec.source}) ready in ${target.startupMs} ms, discovery ${Date.now() - discoveryStart} ms (${Object.values(found.capabilities).reduce((n, a) => n + Object.keys(a).length, 0)} CanDoCrypto answers): ${found.providers.map((p) => `${p.key ?? p.id} ${p.version}`).join(', ')}${backends ? `; ${backends}` : ''}`,
    );
  } catch (e) {
    await target.stop();
    // The target did start: the failed run's report still records its backends (writeStartFailure reads them).
    if (e instanceof Error) Object.assign(e, { backends: target.versions.backends });
    throw e;
  }
}
