import type { KeyInfo } from '../wire';

/** What the leftover sweep needs from the admin's client. */
export interface ClientAdmin {
  listClients(): Promise<string[]>;
  deleteClient(client: string): Promise<void>;
}

/** What it needs from each known identity: its own keys. */
export interface KeyLister {
  listKeys(): Promise<KeyInfo[]>;
}

/**
 * Checks that no application owns a key on a service any more, by asking ListClients and each known
 * identity's ListKeys (so a ListClients that misses a client does not hide its keys). Whatever is left is removed with
 * DeleteClient, and a description of it is returned for the suite to fail with; undefined when nothing was left.
 */
export async function sweepLeftovers(
  admin: ClientAdmin,
  identities: ReadonlyMap<string, KeyLister>,
): Promise<string | undefined> {
  const owners = new Map<string, string[]>();
  for (const client of await admin.listClients()) owners.set(client, []);
  for (const [app, identity] of identities) {
    const keys = await identity.listKeys();
    if (keys.length > 0)
      owners.set(
        app,
        keys.map((k) => `${k.name} (provider ${k.providerId})`),
      );
  }
  if (owners.size === 0) return undefined;
  const problems: string[] = [];
  for (const app of owners.keys()) {
    try {
      await admin.deleteClient(app);
    } catch (e) {
      problems.push(`DeleteClient('${app}') failed: ${(e as Error).message}`);
    }
  }
  const still = await admin.listClients();
  if (still.length > 0) problems.push(`still listed after DeleteClient: ${still.join(', ')}`);
  const what = [...owners].map(
    ([app, keys]) => `'${app}': ${keys.length > 0 ? keys.join(', ') : '(listed by ListClients)'}`,
  );
  return `keys were left on the service: ${what.join('; ')}; removed with DeleteClient${problems.length > 0 ? `, but ${problems.join('; ')}` : ''}`;
}
