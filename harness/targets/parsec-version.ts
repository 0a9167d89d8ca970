import { ParsecClient } from '../wire';

/** The version the service says it is: the Core provider's in ListProviders, never a package label. */
export async function parsecVersionOf(socketPath: string): Promise<string> {
  const listed = await new ParsecClient({ socketPath, auth: 'none', readTimeoutMs: 10_000 }).listProviders();
  const core = listed.find((p) => p.id === 0);
  if (!core) throw new Error('ListProviders did not list the Core provider (id 0); cannot tell the Parsec version');
  return `${core.versionMaj}.${core.versionMin}.${core.versionRev}`;
}
