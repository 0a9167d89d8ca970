import { declareIsolationCases, type IdentityPair } from '../../fixtures/isolation';
import { NOBODY, OtherUidClient, otherUidUnavailable } from '../../harness/client';
import { defineSuite, expectStatus } from '../../harness/kit';
import { ParsecClient } from '../../harness/wire';

// The run's own client is the owner (uid of the harness); a child process running as 'nobody' is the other
// application. Both talk to the run's service, which identifies them by their peer credentials.
let other: Promise<OtherUidClient> | undefined;

afterAll(async () => {
  if (other) await (await other.catch(() => undefined))?.close();
});

defineSuite(
  {
    name: 'unix-peer-isolation',
    opcode: 'ListKeys',
    description: 'with Unix peer credentials, keys belong to the uid that created them',
  },
  (s) => {
    const unavailable =
      s.context.auth.kind !== 'unix-peer'
        ? `the service is configured with ${s.context.auth.kind}, not Unix peer credentials`
        : otherUidUnavailable();
    const options = unavailable ? { skip: unavailable } : {};
    const owner = new ParsecClient({ socketPath: s.context.socketPath, auth: 'unix-peer' });
    const otherClient = (): Promise<OtherUidClient> =>
      (other ??= OtherUidClient.start({ socketPath: s.context.socketPath, ...NOBODY }));
    const identities = async (): Promise<IdentityPair> => ({ owner, other: await otherClient() });

    s.core((c) => {
      c.case(
        `a client running as uid ${NOBODY.uid} is identified as another application: its ListKeys is empty`,
        async () => {
          const nobody = await otherClient();
          expect(await nobody.listKeys()).toEqual([]);
        },
        options,
      );

      c.case(
        `ListClients by uid ${NOBODY.uid} (not an admin) is answered AdminOperation`,
        async () => {
          await expectStatus((await otherClient()).listClients(), 'AdminOperation');
        },
        { ...options, opcode: 'ListClients' },
      );

      c.case(
        `DeleteClient of the harness's uid by uid ${NOBODY.uid} (not an admin) is answered AdminOperation`,
        async () => {
          await expectStatus((await otherClient()).deleteClient(String(process.getuid?.() ?? 0)), 'AdminOperation');
        },
        { ...options, opcode: 'DeleteClient' },
      );
    });

    s.eachProvider((c, provider) => {
      declareIsolationCases(c, provider, identities, options);
    });
  },
);
