import { NOBODY, OtherUidClient, otherUidUnavailable } from '../../harness/client';
import { defineSuite, expectStatus, withOwnedKeys, type Identity, type OwnTarget } from '../../harness/kit';
import { providerIdOf } from '../../harness/model/providers';
import { opcodeCode, ParsecClient, type OpcodeName } from '../../harness/wire';
import { freshDigest, ISOLATION_ALG, ISOLATION_KEY, p256Verifies } from '../../fixtures/isolation-key';

// A Parsec of this suite's own (the run's, with root ('0') as the only admin of its Unix-peer authenticator). The
// harness (root) is the admin; a child process running as 'nobody' (uid 65534) is an ordinary application. Nothing
// else talks to this instance, so the exact client lists below are the service's whole state.
const ROOT_APP = '0';
const OTHER_APP = String(NOBODY.uid);
/** Reference A5: Core advertises these and nothing else, admin opcodes included, whatever the admins are. */
const CORE_OPCODES: OpcodeName[] = ['Ping', 'ListProviders', 'ListOpcodes', 'ListAuthenticators', 'ListKeys'];

interface Instance {
  /** root: the configured admin. */
  readonly admin: ParsecClient;
  /** uid 65534: not an admin. */
  readonly other: OtherUidClient;
  /** The same socket without authentication (auth type 0). */
  readonly anonymous: ParsecClient;
}

let instance: Promise<Instance> | undefined;

/** The suite's target and its clients, made by the first case that needs them; the kit checks keys and stops it. */
function up(target: OwnTarget): Promise<Instance> {
  instance ??= (async () => {
    const started = await target.up();
    const other = await OtherUidClient.start({ socketPath: started.socketPath, ...NOBODY });
    // The kit's key check at the end asks each application, not only ListClients; the child goes after it.
    target.watch(OTHER_APP, other);
    target.atStop(() => other.close());
    return {
      admin: await target.client('unix-peer'),
      other,
      anonymous: await target.client('none'),
    };
  })();
  return instance;
}

/** The identity signs a fresh digest with its key and Node's crypto verifies it under `publicKey`. */
async function signsUnder(identity: Identity, provider: number, name: string, publicKey: Buffer): Promise<boolean> {
  const { message, digest } = freshDigest();
  return p256Verifies(publicKey, message, await identity.signHash(provider, name, ISOLATION_ALG, digest));
}

function holds(keys: readonly { providerId: number; name: string }[], provider: number, name: string): boolean {
  return keys.some((k) => k.providerId === provider && k.name === name);
}

defineSuite(
  {
    name: 'admin-clients',
    opcode: 'ListClients',
    description: 'an admin application lists the applications that own keys and deletes them with their keys',
  },
  (s) => {
    const target = s.ownTarget({
      change: { authenticator: { type: 'unix-peer', admins: [ROOT_APP] } },
      unavailable: otherUidUnavailable(),
    });
    const unavailable = target.unavailable;
    const generating = s.context.requestedProviders
      .map(providerIdOf)
      .filter((id) => (s.context.opcodes[id] ?? []).includes(opcodeCode('PsaGenerateKey')));
    const first = generating[0];
    const skip = unavailable ? { skip: unavailable } : {};
    const needsKeys = first === undefined ? { skip: 'no configured provider lists PsaGenerateKey' } : skip;

    s.core((c) => {
      // First case of the file: nothing has touched the instance yet.
      c.case(
        'ListClients by the admin on a fresh service lists no client',
        async () => {
          const { admin } = await up(target);
          expect(await admin.listClients()).toEqual([]);
        },
        skip,
      );

      c.case(
        `ListClients by the admin after root and uid ${NOBODY.uid} created a key in each provider lists each once, sorted`,
        async ({ keys }) => {
          const { admin, other } = await up(target);
          await withOwnedKeys(async (own) => {
            // uid 65534 first: a list kept in creation order would start with it; one key per provider each, so a
            // list that is not de-duplicated names each application several times.
            for (const identity of [other, admin]) {
              for (const p of generating) {
                await identity.generateKey(p, own(identity, p, keys.name('listed')), ISOLATION_KEY);
              }
            }
            const listed = await admin.listClients();
            expect(listed).toEqual([ROOT_APP, OTHER_APP]);
          });
        },
        needsKeys,
      );

      c.case(
        `an application whose keys were all destroyed is no longer listed by ListClients`,
        async ({ keys }) => {
          const { admin, other } = await up(target);
          const p = first as number;
          await withOwnedKeys(async (own) => {
            const name = own(other, p, keys.name('gone'));
            await other.generateKey(p, name, ISOLATION_KEY);
            expect(await admin.listClients()).toEqual([OTHER_APP]);
            await other.destroyKey(p, name);
            expect(await admin.listClients()).toEqual([]);
          });
        },
        needsKeys,
      );

      c.case(
        `ListClients by uid ${NOBODY.uid} (not an admin) is answered AdminOperation`,
        async () => {
          await expectStatus((await up(target)).other.listClients(), 'AdminOperation');
        },
        skip,
      );

      c.case(
        `DeleteClient of root by uid ${NOBODY.uid} (not an admin) is answered AdminOperation and deletes nothing`,
        async ({ keys }) => {
          const { admin, other } = await up(target);
          const p = first as number;
          await withOwnedKeys(async (own) => {
            const name = own(admin, p, keys.name('kept'));
            await admin.generateKey(p, name, ISOLATION_KEY);
            const publicKey = await admin.exportPublicKey(p, name);
            await expectStatus(other.deleteClient(ROOT_APP), 'AdminOperation');
            expect(holds(await admin.listKeys(), p, name)).toBe(true);
            expect(await admin.listClients()).toEqual([ROOT_APP]);
            expect(await signsUnder(admin, p, name, publicKey)).toBe(true);
          });
        },
        { ...needsKeys, opcode: 'DeleteClient' },
      );

      c.case(
        `DeleteClient of itself by uid ${NOBODY.uid} (not an admin) is answered AdminOperation and keeps its keys`,
        async ({ keys }) => {
          const { other } = await up(target);
          const p = first as number;
          await withOwnedKeys(async (own) => {
            const name = own(other, p, keys.name('self'));
            await other.generateKey(p, name, ISOLATION_KEY);
            await expectStatus(other.deleteClient(OTHER_APP), 'AdminOperation');
            expect(holds(await other.listKeys(), p, name)).toBe(true);
          });
        },
        { ...needsKeys, opcode: 'DeleteClient' },
      );

      c.case(
        'ListClients without authentication is answered NotAuthenticated',
        async () => {
          await expectStatus((await up(target)).anonymous.listClients(), 'NotAuthenticated');
        },
        skip,
      );

      c.case(
        'DeleteClient without authentication is answered NotAuthenticated and deletes nothing',
        async ({ keys }) => {
          const { admin, anonymous } = await up(target);
          const p = first as number;
          await withOwnedKeys(async (own) => {
            const name = own(admin, p, keys.name('anon'));
            await admin.generateKey(p, name, ISOLATION_KEY);
            await expectStatus(anonymous.deleteClient(ROOT_APP), 'NotAuthenticated');
            expect(holds(await admin.listKeys(), p, name)).toBe(true);
          });
        },
        { ...needsKeys, opcode: 'DeleteClient' },
      );

      c.case(
        `DeleteClient of uid ${NOBODY.uid} by the admin removes its keys in every provider, frees their names and keeps root's keys`,
        async ({ keys }) => {
          const { admin, other } = await up(target);
          await withOwnedKeys(async (own) => {
            const created: { p: number; mine: string; theirs: string; rootPublic: Buffer; oldPublic: Buffer }[] = [];
            for (const p of generating) {
              const mine = own(admin, p, keys.name('root'));
              const theirs = own(other, p, keys.name('deleted'));
              await admin.generateKey(p, mine, ISOLATION_KEY);
              await other.generateKey(p, theirs, ISOLATION_KEY);
              created.push({
                p,
                mine,
                theirs,
                rootPublic: await admin.exportPublicKey(p, mine),
                oldPublic: await other.exportPublicKey(p, theirs),
              });
            }
            expect(await admin.listClients()).toEqual([ROOT_APP, OTHER_APP]);

            await admin.deleteClient(OTHER_APP);

            expect(await other.listKeys()).toEqual([]);
            expect(await admin.listClients()).toEqual([ROOT_APP]);
            const rootKeys = await admin.listKeys();
            for (const { p, mine, theirs, rootPublic, oldPublic } of created) {
              expect(holds(rootKeys, p, mine)).toBe(true);
              expect(await signsUnder(admin, p, mine, rootPublic)).toBe(true);
              // The name is free again: a new key (another public key) is created under it and works.
              await other.generateKey(p, theirs, ISOLATION_KEY);
              const newPublic = await other.exportPublicKey(p, theirs);
              expect(newPublic.equals(oldPublic)).toBe(false);
              expect(await signsUnder(other, p, theirs, newPublic)).toBe(true);
            }
          });
        },
        { ...needsKeys, opcode: 'DeleteClient' },
      );

      // Nothing in PSA or the Parsec book says what deleting an application without keys answers. Parsec's
      // DeleteClient removes whatever keys the name owns; for a name that owns none the sane answer of an idempotent
      // delete is Success with nothing changed, which is what is asserted.
      c.case(
        'DeleteClient by the admin of an application that owns no key answers Success and changes nothing',
        async ({ keys }) => {
          const { admin, other } = await up(target);
          const p = first as number;
          await withOwnedKeys(async (own) => {
            const mine = own(admin, p, keys.name('bystander'));
            const theirs = own(other, p, keys.name('bystander'));
            await admin.generateKey(p, mine, ISOLATION_KEY);
            await other.generateKey(p, theirs, ISOLATION_KEY);
            await admin.deleteClient('4242');
            expect(await admin.listClients()).toEqual([ROOT_APP, OTHER_APP]);
            expect(holds(await admin.listKeys(), p, mine)).toBe(true);
            expect(holds(await other.listKeys(), p, theirs)).toBe(true);
          });
        },
        { ...needsKeys, opcode: 'DeleteClient' },
      );

      c.case(
        'ListOpcodes of Core on a service with an admin does not advertise ListClients or DeleteClient',
        async () => {
          const { admin } = await up(target);
          const ops = [...(await admin.listOpcodes(0))].sort((a, b) => a - b);
          expect(ops).toEqual(CORE_OPCODES.map(opcodeCode).sort((a, b) => a - b));
        },
        { ...skip, opcode: 'ListOpcodes' },
      );

      c.case(
        'ListClients by the admin sent to a crypto provider is answered PsaErrorNotSupported',
        async () => {
          await expectStatus((await up(target)).admin.call('ListClients', first as number, {}), 'PsaErrorNotSupported');
        },
        first === undefined ? { skip: 'no configured crypto provider' } : skip,
      );
    });

    s.eachProvider((c, provider) => {
      const p = provider.id;
      const needs = { requires: ['PsaGenerateKey', 'PsaSignHash', 'PsaExportPublicKey'] as const, ...skip };

      c.case(
        `ListClients by the admin lists uid ${NOBODY.uid} once for its two keys in this provider`,
        async ({ keys }) => {
          const { admin, other } = await up(target);
          await withOwnedKeys(async (own) => {
            for (const tag of ['one', 'two']) {
              await other.generateKey(p, own(other, p, keys.name(tag)), ISOLATION_KEY);
            }
            expect(await admin.listClients()).toEqual([OTHER_APP]);
          });
        },
        needs,
      );

      c.case(
        `DeleteClient by the admin removes the key of uid ${NOBODY.uid} in this provider`,
        async ({ keys }) => {
          const { admin, other } = await up(target);
          await withOwnedKeys(async (own) => {
            const name = own(other, p, keys.name('removed'));
            await other.generateKey(p, name, ISOLATION_KEY);
            expect(holds(await other.listKeys(), p, name)).toBe(true);
            await admin.deleteClient(OTHER_APP);
            expect(await other.listKeys()).toEqual([]);
            await expectStatus(other.exportPublicKey(p, name), 'PsaErrorDoesNotExist');
            await expectStatus(other.signHash(p, name, ISOLATION_ALG, freshDigest().digest), 'PsaErrorDoesNotExist');
          });
        },
        { ...needs, opcode: 'DeleteClient' },
      );

      c.case(
        `after DeleteClient the key name of uid ${NOBODY.uid} in this provider can be created anew`,
        async ({ keys }) => {
          const { admin, other } = await up(target);
          await withOwnedKeys(async (own) => {
            const name = own(other, p, keys.name('reborn'));
            await other.generateKey(p, name, ISOLATION_KEY);
            const oldPublic = await other.exportPublicKey(p, name);
            await admin.deleteClient(OTHER_APP);
            await other.generateKey(p, name, ISOLATION_KEY);
            const newPublic = await other.exportPublicKey(p, name);
            expect(newPublic.equals(oldPublic)).toBe(false);
            expect(await signsUnder(other, p, name, newPublic)).toBe(true);
            expect((await other.listKeys()).map((k) => [k.providerId, k.name])).toEqual([[p, name]]);
          });
        },
        { ...needs, opcode: 'DeleteClient' },
      );

      c.case(
        `DeleteClient of uid ${NOBODY.uid} keeps root's key of the same name in this provider usable`,
        async ({ keys }) => {
          const { admin, other } = await up(target);
          await withOwnedKeys(async (own) => {
            const name = keys.name('same-name');
            own(admin, p, name);
            own(other, p, name);
            await admin.generateKey(p, name, ISOLATION_KEY);
            await other.generateKey(p, name, ISOLATION_KEY);
            const rootPublic = await admin.exportPublicKey(p, name);
            await admin.deleteClient(OTHER_APP);
            expect(await other.listKeys()).toEqual([]);
            expect(holds(await admin.listKeys(), p, name)).toBe(true);
            expect(await signsUnder(admin, p, name, rootPublic)).toBe(true);
          });
        },
        { ...needs, opcode: 'DeleteClient' },
      );

      c.case(
        `DeleteClient by uid ${NOBODY.uid} (not an admin) leaves root's key in this provider usable`,
        async ({ keys }) => {
          const { admin, other } = await up(target);
          await withOwnedKeys(async (own) => {
            const name = own(admin, p, keys.name('guarded'));
            await admin.generateKey(p, name, ISOLATION_KEY);
            const rootPublic = await admin.exportPublicKey(p, name);
            await expectStatus(other.deleteClient(ROOT_APP), 'AdminOperation');
            expect(holds(await admin.listKeys(), p, name)).toBe(true);
            expect(await signsUnder(admin, p, name, rootPublic)).toBe(true);
          });
        },
        { ...needs, opcode: 'DeleteClient' },
      );
    });
  },
);
