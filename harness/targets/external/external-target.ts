import { statSync } from 'node:fs';
import { PROVIDER_FACTS, type ProviderIdValue, type ProviderKey } from '../../model/providers';
import { AuthType, ParsecClient } from '../../wire';
import { HARNESS_APP_NAME } from '../config/service-config';
import { parsecVersionOf } from '../parsec-version';
import type { ExternalSpec } from '../spec';
import type { StartOptions } from '../start-options';
import type { ClientAuth, StartedTarget } from '../started-target';

/** Why attaching failed, with what to do about it. */
export class ExternalTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExternalTargetError';
  }
}

/**
 * A Parsec the harness did not start: nothing is started, stopped or removed, and the service keeps every key it
 * had (the suites never destroy a key that existed before the run). The authenticator is discovered, not assumed.
 */
export async function attachExternalTarget(spec: ExternalSpec, options: StartOptions = {}): Promise<StartedTarget> {
  const started = Date.now();
  const o = { socketPath: spec.socket, providers: spec.providers, appName: spec.appName, log: options.log };
  let isSocket = false;
  try {
    isSocket = statSync(o.socketPath).isSocket();
  } catch (e) {
    throw new ExternalTargetError(
      `no Parsec socket at ${o.socketPath} (${(e as Error).message}); start the service or give the socket of a running one`,
    );
  }
  if (!isSocket) throw new ExternalTargetError(`${o.socketPath} exists but is not a Unix socket`);
  const anonymous = new ParsecClient({ socketPath: o.socketPath, auth: 'none', readTimeoutMs: 10_000 });
  try {
    await anonymous.ping();
  } catch (e) {
    throw new ExternalTargetError(`the service at ${o.socketPath} does not answer Ping: ${(e as Error).message}`);
  }
  const startupMs = Date.now() - started;

  const authenticators = await anonymous.listAuthenticators();
  const configured = authenticators[0]?.id;
  let auth: ClientAuth;
  if (configured === AuthType.UnixPeerCredentials) auth = { kind: 'unix-peer' };
  else if (configured === AuthType.Direct) auth = { kind: 'direct', appName: o.appName ?? HARNESS_APP_NAME };
  else {
    throw new ExternalTargetError(
      `the service's authenticator (id ${configured ?? 'none'}) is not one the harness can use yet: Unix peer credentials (3) or Direct (1)`,
    );
  }

  const listed = (await anonymous.listProviders())
    .map((p) => PROVIDER_FACTS[p.id as ProviderIdValue]?.key)
    .filter((k): k is ProviderKey => k === 'mbed' || k === 'pkcs11' || k === 'tpm');
  const missing = (o.providers ?? []).filter((k) => !listed.includes(k));
  if (missing.length > 0) {
    throw new ExternalTargetError(
      `the service at ${o.socketPath} does not list provider(s) ${missing.join(', ')}; it lists: ${listed.join(', ') || 'none the harness knows'}`,
    );
  }
  const providers = o.providers ?? listed;
  const version = await parsecVersionOf(o.socketPath);
  o.log?.(`attached to Parsec ${version} at ${o.socketPath}: providers ${providers.join(', ')}, auth ${auth.kind}`);

  // Nothing of ours to stop: the service belongs to someone else.
  const stop = async (): Promise<void> => undefined;
  return {
    kind: 'external',
    spec,
    socketPath: o.socketPath,
    auth,
    providers,
    // What runs behind the socket is not the harness's to know: only what the service says.
    versions: { parsec: { version, source: `external:${o.socketPath}` }, backends: {} },
    logs: () => [],
    logTail: () => '(the log of a service the harness did not start is not available to it)',
    // It has no logs of the harness's and the harness gave it no secret.
    redact: (text: string) => text,
    startupMs,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
