import type { ParsecClient } from '../../../harness/wire';

type TrackerModule = typeof import('../../../harness/kit/key-tracker');

/** Jest gives every test file its own module registry; two loads stand for two files in one worker. */
function freshModule(): TrackerModule {
  let mod: TrackerModule | undefined;
  jest.isolateModules(() => {
    mod = jest.requireActual('../../../harness/kit/key-tracker') as TrackerModule;
  });
  return mod as TrackerModule;
}

describe('KeyTracker names', () => {
  const client = {} as ParsecClient;
  it('stay unique when the module is loaded again in the same process', () => {
    const a = new (freshModule().KeyTracker)(client, 'run1', 'x/y/a');
    const b = new (freshModule().KeyTracker)(client, 'run1', 'x/y/b');
    const names = [a.name(), a.name(), b.name(), b.name()];
    expect(new Set(names).size).toBe(4);
    for (const n of names) expect(n).toMatch(/^pc-run1-[0-9a-f]{6}-\d+-key$/);
  });
});

describe('KeyTracker cleanup', () => {
  it('destroys what it tracked, but never a key that existed before the run', async () => {
    const destroyed: string[] = [];
    const client = {
      destroyKey: async (provider: number, name: string) => {
        destroyed.push(`${provider}/${name}`);
      },
    } as unknown as ParsecClient;
    const { KeyTracker } = freshModule();
    const keys = new KeyTracker(client, 'run1', 'x/y/z', new Set(['1/.']));
    keys.track(1, '.'); // a case that tried to create '.' where the user already had one
    keys.track(1, 'pc-run1-new');
    keys.track(2, '.'); // same name on another provider was not there before
    expect(await keys.destroyAll()).toEqual([]);
    expect(destroyed).toEqual(['2/.', '1/pc-run1-new']);
  });
});
