import { declareIsolationCases, type IdentityPair } from '../../fixtures/isolation';
import { freshDigest, ISOLATION_ALG, ISOLATION_KEY } from '../../fixtures/isolation-key';
import {
  defineSuite,
  expectRawStatus,
  expectStatus,
  sendMalformed,
  withOwnedKeys,
  type OwnTarget,
} from '../../harness/kit';
import { providerIdOf } from '../../harness/model/providers';
import { AuthType, opcodeCode, type ParsecClient } from '../../harness/wire';

// A Parsec of this suite's own: the run's, with the Direct authenticator and one admin application. Its clients are
// named applications: alice owns keys, bob is another application, admin-app may list and delete clients.
const ADMIN = 'admin-app';
const APPS = ['alice', 'bob', 'Alice', ADMIN];

let watched = false;

/** A client of the suite's target speaking as application `name`; the kit checks every such application's keys. */
async function app(target: OwnTarget, name: string): Promise<ParsecClient> {
  if (!watched) {
    watched = true;
    for (const a of APPS) target.watch(a, await target.client({ direct: a }));
    target.useAdmin(await target.client({ direct: ADMIN }));
  }
  return target.client({ direct: name });
}

defineSuite(
  {
    name: 'direct-isolation',
    opcode: 'ListKeys',
    description: 'with the Direct authenticator, keys belong to the application name; admins manage clients',
  },
  (s) => {
    const target = s.ownTarget({
      change: { authenticator: { type: 'direct', admins: [ADMIN] } },
      needs: 'direct',
    });
    const directUnavailable = target.unavailable;
    const providerIds = s.context.requestedProviders.map(providerIdOf);
    const generating = providerIds.filter((id) => (s.context.opcodes[id] ?? []).includes(opcodeCode('PsaGenerateKey')));
    const first = generating[0];
    const direct = directUnavailable ? { skip: directUnavailable } : {};
    const needsKeys = first === undefined ? { skip: 'no configured provider lists PsaGenerateKey' } : direct;

    s.core((c) => {
      c.case(
        'ListAuthenticators names exactly the Direct authenticator',
        async () => {
          const list = await (await app(target, 'alice')).listAuthenticators();
          expect(list.map((a) => a.id)).toEqual([AuthType.Direct]);
          expect([list[0]?.versionMaj, list[0]?.versionMin, list[0]?.versionRev]).toEqual([0, 1, 0]);
        },
        { ...direct, opcode: 'ListAuthenticators' },
      );

      for (const [title, bytes] of [
        ['an empty application name', Buffer.alloc(0)],
        ['an application name that is not UTF-8 (FF FE 80)', Buffer.from([0xff, 0xfe, 0x80])],
      ] as const) {
        c.case(
          `${title} is answered AuthenticationError`,
          async () => {
            const client = await app(target, 'alice');
            const res = await sendMalformed(
              client,
              { header: { opcode: opcodeCode('ListKeys'), authType: AuthType.Direct }, auth: bytes },
              title,
              target.log,
            );
            expectRawStatus(res, 'AuthenticationError', title);
          },
          direct,
        );
      }

      c.case(
        'ListClients by the admin lists the applications that own keys, sorted and de-duplicated',
        async ({ keys }) => {
          const [alice, bob, admin] = [await app(target, 'alice'), await app(target, 'bob'), await app(target, ADMIN)];
          const p = first as number;
          await withOwnedKeys(async (own) => {
            // bob first and twice: the answer must still be sorted and list each application once.
            for (const [who, client] of [
              ['bob', bob],
              ['bob', bob],
              ['alice', alice],
            ] as const) {
              await client.generateKey(p, own(client, p, keys.name(`clients-${who}`)), ISOLATION_KEY);
            }
            expect(await admin.listClients()).toEqual(['alice', 'bob']);
          });
        },
        { ...needsKeys, opcode: 'ListClients' },
      );

      c.case(
        'ListClients by a non-admin application is answered AdminOperation',
        async () => {
          await expectStatus((await app(target, 'bob')).listClients(), 'AdminOperation');
        },
        { ...direct, opcode: 'ListClients' },
      );

      c.case(
        'DeleteClient by a non-admin application is answered AdminOperation and deletes nothing',
        async ({ keys }) => {
          const [alice, bob] = [await app(target, 'alice'), await app(target, 'bob')];
          const p = first as number;
          await withOwnedKeys(async (own) => {
            const name = own(alice, p, keys.name('kept'));
            await alice.generateKey(p, name, ISOLATION_KEY);
            await expectStatus(bob.deleteClient('alice'), 'AdminOperation');
            expect((await alice.listKeys()).map((k) => k.name)).toContain(name);
          });
        },
        { ...needsKeys, opcode: 'DeleteClient' },
      );

      c.case(
        "DeleteClient by the admin removes every key of that application and leaves the others' keys",
        async ({ keys }) => {
          const [alice, bob, admin] = [await app(target, 'alice'), await app(target, 'bob'), await app(target, ADMIN)];
          await withOwnedKeys(async (own) => {
            const bobs: [number, string][] = [];
            for (const p of generating) {
              const name = own(bob, p, keys.name('deleted'));
              await bob.generateKey(p, name, ISOLATION_KEY);
              bobs.push([p, name]);
            }
            const kept = own(alice, first as number, keys.name('survivor'));
            await alice.generateKey(first as number, kept, ISOLATION_KEY);
            expect(await admin.listClients()).toContain('bob');

            await admin.deleteClient('bob');

            expect(await bob.listKeys()).toEqual([]);
            expect(await admin.listClients()).not.toContain('bob');
            for (const [p, name] of bobs) {
              await expectStatus(bob.signHash(p, name, ISOLATION_ALG, freshDigest().digest), 'PsaErrorDoesNotExist');
            }
            expect((await alice.listKeys()).map((k) => k.name)).toContain(kept);
            // The names are free again for bob.
            const [p0, name0] = bobs[0] as [number, string];
            await bob.generateKey(p0, name0, ISOLATION_KEY);
          });
        },
        { ...needsKeys, opcode: 'DeleteClient' },
      );

      c.case(
        "application names are case-sensitive: 'Alice' does not see alice's key",
        async ({ keys }) => {
          const [alice, upper] = [await app(target, 'alice'), await app(target, 'Alice')];
          const p = first as number;
          await withOwnedKeys(async (own) => {
            const name = own(alice, p, keys.name('case'));
            await alice.generateKey(p, name, ISOLATION_KEY);
            expect((await upper.listKeys()).map((k) => k.name)).not.toContain(name);
            await expectStatus(upper.exportPublicKey(p, name), 'PsaErrorDoesNotExist');
          });
        },
        needsKeys,
      );

      c.case(
        "the admin application cannot use another application's key: PsaErrorDoesNotExist",
        async ({ keys }) => {
          const [alice, admin] = [await app(target, 'alice'), await app(target, ADMIN)];
          const p = first as number;
          await withOwnedKeys(async (own) => {
            const name = own(alice, p, keys.name('admin-use'));
            await alice.generateKey(p, name, ISOLATION_KEY);
            await expectStatus(admin.signHash(p, name, ISOLATION_ALG, freshDigest().digest), 'PsaErrorDoesNotExist');
            await expectStatus(admin.destroyKey(p, name), 'PsaErrorDoesNotExist');
          });
        },
        { ...needsKeys, opcode: 'PsaSignHash' },
      );
    });

    s.eachProvider((c, provider) => {
      const identities = async (): Promise<IdentityPair> => ({
        owner: await app(target, 'alice'),
        other: await app(target, 'bob'),
      });
      declareIsolationCases(c, provider, identities, direct);
    });
  },
);
