import { defineSuite } from '../../harness/kit';
import { PROVIDER_FACTS, providerIdOf } from '../../harness/model/providers';

const VERSION = /^\d+\.\d+\.\d+$/;

defineSuite(
  {
    name: 'list-providers',
    opcode: 'ListProviders',
    description: 'ListProviders names every configured provider, Core last',
  },
  (s) => {
    const { context } = s;
    s.core((c) => {
      c.case('lists the configured providers in configuration order with Core last', async ({ client }) => {
        const ids = (await client.listProviders()).map((p) => p.id);
        expect(ids).toEqual([...context.requestedProviders.map(providerIdOf), 0]);
      });

      c.case('describes Core with its documented UUID, an empty vendor and a release version', async ({ client }) => {
        const core = (await client.listProviders()).find((p) => p.id === 0);
        expect(core).toBeDefined();
        expect(core?.uuid).toBe(PROVIDER_FACTS[0].uuid);
        expect(core?.vendor).toBe('');
        expect(`${core?.versionMaj}.${core?.versionMin}.${core?.versionRev}`).toMatch(VERSION);
        expect(core?.versionMaj).toBeGreaterThanOrEqual(1);
      });

      c.case('gives the same answer twice', async ({ client }) => {
        expect(await client.listProviders()).toEqual(await client.listProviders());
      });
    });

    s.eachProvider((c, provider) => {
      c.case('is listed once with its documented id and UUID, a name and a version', async ({ client }) => {
        const entries = (await client.listProviders()).filter((p) => p.id === provider.id);
        expect(entries).toHaveLength(1);
        const [entry] = entries;
        expect(entry?.uuid).toBe(PROVIDER_FACTS[provider.id as keyof typeof PROVIDER_FACTS].uuid);
        expect(entry?.description.length).toBeGreaterThan(0);
        expect(`${entry?.versionMaj}.${entry?.versionMin}.${entry?.versionRev}`).toMatch(VERSION);
      });
    });
  },
);
