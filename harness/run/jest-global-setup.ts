import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { registerCleanup } from '../lifecycle';
import { ensureSetup } from '../setup';
import { startNativeTarget } from '../targets/native';
import { attachExternalTarget } from '../targets/external';
import type { StartedTarget } from '../targets/target';
import { PROVIDER_KEYS } from '../model/providers';
import { ParsecClient } from '../wire';
import { clientAuthOf } from '../kit/client-auth';
import { CONTEXT_ENV, type RunContext } from '../context';
import { discover } from './discover';
import { ENV, runOptionsFromEnv } from './options';
import { progress, runState } from './run-state';

/** Brings the target up once per run, asks it what it offers, and writes the run context the suites load. */
export default async function globalSetup(): Promise<void> {
  const options = runOptionsFromEnv();
  const state = runState();
  const t0 = Date.now();
  const metaDir = mkdtempSync(join(tmpdir(), `parsec-conformance-${process.pid}-meta-`));
  state.metaDir = metaDir;
  state.unregisterMeta = registerCleanup(() => rmSync(metaDir, { recursive: true, force: true }));

  let target: StartedTarget;
  if (options.socket) {
    target = await attachExternalTarget({
      socketPath: options.socket,
      ...(options.providers ? { providers: options.providers } : {}),
      ...(process.env[ENV.appName] ? { appName: process.env[ENV.appName] } : {}),
      log: progress,
    });
  } else {
    const parsec = await ensureSetup({
      ...(options.parsecSuite ? { parsecSuite: options.parsecSuite } : {}),
      ...(options.parsecBin ? { parsecBin: options.parsecBin } : {}),
      log: progress,
    });
    progress(`setup ready in ${Date.now() - t0} ms; Parsec from ${parsec.origin}: ${parsec.path}`);
    target = await startNativeTarget({ parsec, providers: options.providers ?? PROVIDER_KEYS, log: progress });
  }
  state.target = target;
  const { parsec } = target;
  try {
    const client = new ParsecClient({ socketPath: target.socketPath, auth: clientAuthOf(target.auth) });
    const discoveryStart = Date.now();
    const found = await discover(client);
    const keysAtStart = (await client.listKeys()).map((k) => ({ providerId: k.providerId, name: k.name }));
    const context: RunContext = {
      formatVersion: 1,
      runId: randomBytes(3).toString('hex'),
      startedAt: new Date(t0).toISOString(),
      socketPath: target.socketPath,
      auth: target.auth,
      target: {
        kind: target.kind,
        parsecVersion: found.parsecVersion,
        parsecBinary: parsec.path,
        parsecOrigin: parsec.origin,
        ...(parsec.packageVersion ? { packageVersion: parsec.packageVersion } : {}),
        startupMs: target.startupMs,
      },
      providers: found.providers,
      requestedProviders: target.providers,
      opcodes: found.opcodes,
      authenticators: found.authenticators,
      capabilities: found.capabilities,
      keysAtStart,
      metaDir,
    };
    const contextPath = join(metaDir, 'context.json');
    writeFileSync(contextPath, JSON.stringify(context, null, 2));
    state.contextPath = contextPath;
    process.env[CONTEXT_ENV] = contextPath;
    progress(
      `Parsec ${found.parsecVersion} ready in ${target.startupMs} ms, discovery ${Date.now() - discoveryStart} ms (${Object.values(found.capabilities).reduce((n, a) => n + Object.keys(a).length, 0)} CanDoCrypto answers): ${found.providers.map((p) => `${p.key ?? p.id} ${p.version}`).join(', ')}`,
    );
  } catch (e) {
    await target.stop();
    throw e;
  }
}
