import type { ProviderKey } from '../model/providers';
import type { NativeTarget } from '../targets/native';
import type { KeyInfo } from '../wire';
import { startSecondInstance } from './second-instance';

/** With Unix peer credentials an application is named by its decimal uid: root, the admin of the admin target. */
export const ROOT_APP = '0';

/**
 * A second Parsec, next to the run's own, with Unix peer credentials and root ('0') as its only admin, so a suite
 * can call ListClients and DeleteClient as an admin. The binary is the run's (same --parsec / --parsec-bin choice,
 * read from the environment the CLI passes to Jest). The caller stops it.
 */
export function startAdminTarget(providers: readonly ProviderKey[]): Promise<NativeTarget> {
  return startSecondInstance({ providers, authenticator: 'UnixPeerCredentials', admins: [ROOT_APP] });
}

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
 * Checks that no application owns a key on the admin target any more, by asking ListClients and each known
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
  return `keys were left on the admin target: ${what.join('; ')}; removed with DeleteClient${problems.length > 0 ? `, but ${problems.join('; ')}` : ''}`;
}
