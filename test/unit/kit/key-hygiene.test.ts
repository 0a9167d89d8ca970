import { sweepLeftovers, type ClientAdmin, type KeyLister } from '../../../harness/kit/key-hygiene';
import type { KeyInfo } from '../../../harness/wire';

/** An admin over a fake key store: app name -> key names; DeleteClient empties an app, as the service should. */
function store(initial: Record<string, string[]>, options: { deleteFails?: string; forgets?: string } = {}) {
  const keys = new Map(Object.entries(initial));
  const deleted: string[] = [];
  const admin: ClientAdmin = {
    listClients: async () => [...keys].filter(([app, k]) => k.length > 0 && app !== options.forgets).map(([a]) => a),
    deleteClient: async (app) => {
      deleted.push(app);
      if (app === options.deleteFails) throw new Error('storage broken');
      keys.set(app, []);
    },
  };
  const lister = (app: string): KeyLister => ({
    listKeys: async () => (keys.get(app) ?? []).map((name) => ({ name, providerId: 1 }) as unknown as KeyInfo),
  });
  return { admin, lister, deleted };
}

describe('sweepLeftovers', () => {
  it('says nothing and deletes nothing when no application owns a key', async () => {
    const { admin, lister, deleted } = store({ '0': [], '65534': [] });
    const ids = new Map([
      ['0', lister('0')],
      ['65534', lister('65534')],
    ]);
    expect(await sweepLeftovers(admin, ids)).toBeUndefined();
    expect(deleted).toEqual([]);
  });

  it('names the keys left, with their owner, and removes them with DeleteClient', async () => {
    const { admin, lister, deleted } = store({ '0': [], '65534': ['k1'], '4242': ['k2'] });
    const ids = new Map([
      ['0', lister('0')],
      ['65534', lister('65534')],
    ]);
    const report = await sweepLeftovers(admin, ids);
    expect(report).toMatch(/'65534': k1 \(provider 1\)/);
    expect(report).toMatch(/'4242': \(listed by ListClients\)/);
    expect(report).toMatch(/removed with DeleteClient$/);
    expect(deleted.sort()).toEqual(['4242', '65534']);
  });

  it('finds keys that ListClients does not list, through the identities', async () => {
    const { admin, lister, deleted } = store({ '0': ['k'] }, { forgets: '0' });
    expect(await sweepLeftovers(admin, new Map([['0', lister('0')]]))).toMatch(/'0': k/);
    expect(deleted).toEqual(['0']);
  });

  it('reports a DeleteClient that fails and what is still listed', async () => {
    const { admin, lister } = store({ '65534': ['k'] }, { deleteFails: '65534' });
    const report = await sweepLeftovers(admin, new Map([['65534', lister('65534')]]));
    expect(report).toMatch(/DeleteClient\('65534'\) failed: storage broken/);
    expect(report).toMatch(/still listed after DeleteClient: 65534/);
  });
});
