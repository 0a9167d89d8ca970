import { PROVIDER_FACTS, type ProviderIdValue } from '../model/providers';
import { probeCapabilities, type CapabilityAnswers } from '../capabilities';
import { opcodeCode, type ParsecClient } from '../wire';
import type { DiscoveredAuthenticator, DiscoveredProvider } from '../context';

export interface Discovery {
  readonly parsecVersion: string;
  readonly providers: DiscoveredProvider[];
  readonly opcodes: Record<number, number[]>;
  readonly authenticators: DiscoveredAuthenticator[];
  readonly capabilities: Record<number, CapabilityAnswers>;
}

/** Asks the service what it is: the version actually run is the Core provider's, never a package label. */
export async function discover(client: ParsecClient): Promise<Discovery> {
  const listed = await client.listProviders();
  const providers: DiscoveredProvider[] = listed.map((p) => ({
    id: p.id,
    key: (PROVIDER_FACTS[p.id as ProviderIdValue]?.key as DiscoveredProvider['key']) ?? undefined,
    uuid: p.uuid,
    name: p.description,
    vendor: p.vendor,
    version: `${p.versionMaj}.${p.versionMin}.${p.versionRev}`,
  }));
  const core = providers.find((p) => p.id === 0);
  if (!core) throw new Error('ListProviders did not list the Core provider (id 0); cannot tell the Parsec version');
  const opcodes: Record<number, number[]> = {};
  for (const p of providers) opcodes[p.id] = [...(await client.listOpcodes(p.id))].sort((a, b) => a - b);
  const authenticators = (await client.listAuthenticators()).map((a) => ({
    id: a.id,
    description: a.description,
    version: `${a.versionMaj}.${a.versionMin}.${a.versionRev}`,
  }));
  const capabilities: Record<number, CapabilityAnswers> = {};
  const canDo = opcodeCode('CanDoCrypto');
  await Promise.all(
    providers
      .filter((p) => p.id !== 0 && opcodes[p.id]?.includes(canDo))
      .map(async (p) => {
        capabilities[p.id] = await probeCapabilities(client, p.id);
      }),
  );
  return { parsecVersion: core.version, providers, opcodes, authenticators, capabilities };
}
