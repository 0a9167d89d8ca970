import { join } from 'node:path';
import {
  freshDigest,
  ISOLATION_ALG,
  ISOLATION_KEY,
  NOBODY,
  OtherUidClient,
  otherUidUnavailable,
  secondInstanceUnavailable,
  p256Verifies,
  ROOT_APP,
  startAdminTarget,
  sweepLeftovers,
  withOwnedKeys,
  type Identity,
  type KeyLister,
} from '../../harness/auth';
import { defineSuite, expectStatus } from '../../harness/kit';
import { providerIdOf } from '../../harness/model/providers';
import { readRunContext } from '../../harness/context';
import { runOptionsFromEnv } from '../../harness/run/options';
import type { NativeTarget } from '../../harness/targets/native';
import { opcodeCode, ParsecClient, type OpcodeName } from '../../harness/wire';

// A second Parsec, started for this file with Unix peer credentials and root ('0') as its only admin. The harness
// (root) is the admin; a child process running as 'nobody' (uid 65534) is an ordinary application. Nothing else
// talks to this instance, so the exact client lists below are the service's whole state.
const START_TIMEOUT_MS = 60_000;
const OTHER_APP = String(NOBODY.uid);
/** Reference A5: Core advertises these and nothing else, admin opcodes included, whatever the admins are. */
const CORE_OPCODES: OpcodeName[] = ['Ping', 'ListProviders', 'ListOpcodes', 'ListAuthenticators', 'ListKeys'];

interface Instance {
  readonly target: NativeTarget;
  /** root: the configured admin. */
  readonly admin: ParsecClient;
  /** uid 65534: not an admin. */
  readonly other: OtherUidClient;
  /** The same socket without authentication (auth type 0). */
  readonly anonymous: ParsecClient;
}

const unavailable = secondInstanceUnavailable() ?? otherUidUnavailable();
let instance: Promise<Instance> | undefined;

async function bringUp(): Promise<Instance> {
  const target = await startAdminTarget(readRunContext().requestedProviders);
  try {
    const other = await OtherUidClient.start({ socketPath: target.socketPath, ...NOBODY });
    return {
      target,
      admin: new ParsecClient({ socketPath: target.socketPath, auth: 'unix-peer' }),
      other,
      anonymous: new ParsecClient({ socketPath: target.socketPath, auth: 'none' }),
    };
  } catch (e) {
    await target.stop();
    throw e;
  }
}

beforeAll(() => {
  if (unavailable) return;
  instance = bringUp();
  // A failed start is reported by every case that needs the instance; keep it from being an unhandled rejection.
  instance.catch(() => undefined);
}, START_TIMEOUT_MS);

afterAll(async () => {
  const started = await instance?.catch(() => undefined);
  if (!started) return;
  let leftovers: string | undefined;
  try {
    // The main run's key hygiene check does not see this instance: check it here.
    leftovers = await sweepLeftovers(
      started.admin,
      new Map<string, KeyLister>([
        [ROOT_APP, started.admin],
        [OTHER_APP, started.other],
      ]),
    );
  } finally {
    await started.other.close();
    // Its run dir goes with it: keep its (PIN-redacted) log next to the run's reports.
    await started.target.stop({ keepLogAt: join(runOptionsFromEnv().outDir, 'admin-target.parsec.log') });
  }
  if (leftovers) throw new Error(leftovers);
}, START_TIMEOUT_MS);

async function up(): Promise<Instance> {
  if (!instance) throw new Error('the admin target was not started');
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
          const { admin } = await up();
          expect(await admin.listClients()).toEqual([]);
        },
        skip,
      );

      c.case(
        `ListClients by the admin after root and uid ${NOBODY.uid} created a key in each provider lists each once, sorted`,
        async ({ keys }) => {
          const { admin, other } = await up();
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
          const { admin, other } = await up();
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
          await expectStatus((await up()).other.listClients(), 'AdminOperation');
        },
        skip,
      );

      c.case(
        `DeleteClient of root by uid ${NOBODY.uid} (not an admin) is answered AdminOperation and deletes nothing`,
        async ({ keys }) => {
          const { admin, other } = await up();
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
          const { other } = await up();
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
          await expectStatus((await up()).anonymous.listClients(), 'NotAuthenticated');
        },
        skip,
      );

      c.case(
        'DeleteClient without authentication is answered NotAuthenticated and deletes nothing',
        async ({ keys }) => {
          const { admin, anonymous } = await up();
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
          const { admin, other } = await up();
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
          const { admin, other } = await up();
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
          const { admin } = await up();
          const ops = [...(await admin.listOpcodes(0))].sort((a, b) => a - b);
          expect(ops).toEqual(CORE_OPCODES.map(opcodeCode).sort((a, b) => a - b));
        },
        { ...skip, opcode: 'ListOpcodes' },
      );

      c.case(
        'ListClients by the admin sent to a crypto provider is answered PsaErrorNotSupported',
        async () => {
          await expectStatus((await up()).admin.call('ListClients', first as number, {}), 'PsaErrorNotSupported');
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
          const { admin, other } = await up();
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
          const { admin, other } = await up();
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
          const { admin, other } = await up();
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
          const { admin, other } = await up();
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
          const { admin, other } = await up();
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
