import { NOBODY, OtherUidClient, otherUidUnavailable } from '../../harness/client';
import { defineSuite, expectStatus, type OwnTarget, type VariantDecl } from '../../harness/kit';
import { opcodeCode, type OpcodeName, type ParsecClient } from '../../harness/wire';

// One service per admin configuration (a variant each): who may call the admin operations follows the `admins`
// list of the authenticator and nothing else. Reference A3 step 13, A8: admin names are compared with the
// application name (a decimal uid with Unix peer credentials, the given name with Direct).
const ROOT = '0';
const OTHER = String(NOBODY.uid);
const CORE_OPCODES: OpcodeName[] = ['Ping', 'ListProviders', 'ListOpcodes', 'ListAuthenticators', 'ListKeys'];

interface AdminVariant extends VariantDecl {
  /** Which of the two Unix identities the configuration makes an admin. */
  readonly admin: 'root' | 'other' | 'none';
}

const otherUid = otherUidUnavailable();
const VARIANTS: readonly AdminVariant[] = [
  { name: 'no-admins', admin: 'none', target: { change: { authenticator: { type: 'unix-peer' } } } },
  { name: 'root-admin', admin: 'root', target: { change: { authenticator: { type: 'unix-peer', admins: [ROOT] } } } },
  {
    name: 'other-uid-admin',
    admin: 'other',
    target: {
      change: { authenticator: { type: 'unix-peer', admins: [OTHER] } },
      ...(otherUid ? { unavailable: otherUid } : {}),
    },
  },
];

/** The client child running as uid 65534 on a variant's target, one per target, ended by the kit after its check. */
const others = new Map<OwnTarget, Promise<OtherUidClient>>();
function otherOn(own: OwnTarget): Promise<OtherUidClient> {
  let client = others.get(own);
  if (!client) {
    client = (async () => {
      const target = await own.up();
      const other = await OtherUidClient.start({ socketPath: target.socketPath, ...NOBODY });
      own.watch(OTHER, other);
      own.atStop(() => other.close());
      return other;
    })();
    others.set(own, client);
  }
  return client;
}

async function expectAdminAnswer(call: Promise<unknown>, isAdmin: boolean, expected: unknown): Promise<void> {
  if (isAdmin) expect(await call).toEqual(expected);
  else await expectStatus(call, 'AdminOperation');
}

defineSuite(
  {
    name: 'admins-config',
    opcode: 'ListClients',
    description: 'the admin operations answer exactly the applications the admins configuration names',
  },
  (s) => {
    const byName = new Map(VARIANTS.map((v) => [v.name, v]));
    s.variants(VARIANTS, (v) => {
      const { admin } = byName.get(v.variant) as AdminVariant;
      v.core((c) => {
        c.case(
          `ListClients by root ${admin === 'root' ? 'lists no client' : 'is answered AdminOperation'}`,
          async ({ own }) => {
            const root: ParsecClient = await own.client('unix-peer');
            await expectAdminAnswer(root.listClients(), admin === 'root', []);
          },
        );

        c.case(
          `DeleteClient by root of an application without keys ${admin === 'root' ? 'answers Success' : 'is answered AdminOperation'}`,
          async ({ own }) => {
            const root = await own.client('unix-peer');
            await expectAdminAnswer(root.deleteClient('4242'), admin === 'root', undefined);
          },
          { opcode: 'DeleteClient' },
        );

        c.case(
          `ListClients by uid ${OTHER} ${admin === 'other' ? 'lists no client' : 'is answered AdminOperation'}`,
          async ({ own }) => {
            const other = await otherOn(own);
            await expectAdminAnswer(other.listClients(), admin === 'other', []);
          },
          otherUid ? { skip: otherUid } : {},
        );

        c.case(
          'ListOpcodes of Core does not advertise the admin operations, whoever the admins are',
          async ({ own }) => {
            const root = await own.client('unix-peer');
            const ops = [...(await root.listOpcodes(0))].sort((a, b) => a - b);
            expect(ops).toEqual(CORE_OPCODES.map(opcodeCode).sort((a, b) => a - b));
          },
          { opcode: 'ListOpcodes' },
        );

        c.case('ListClients without authentication is answered NotAuthenticated', async ({ own }) => {
          await expectStatus((await own.client('none')).listClients(), 'NotAuthenticated');
        });
      });
    });
  },
);
