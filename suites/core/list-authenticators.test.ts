import { defineSuite } from '../../harness/kit';
import { AuthType } from '../../harness/wire';

defineSuite(
  {
    name: 'list-authenticators',
    opcode: 'ListAuthenticators',
    description: 'ListAuthenticators names the one configured authenticator',
  },
  (s) => {
    const configured = { 'unix-peer': AuthType.UnixPeerCredentials, direct: AuthType.Direct, none: AuthType.None }[
      s.context.auth.kind
    ];
    s.core((c) => {
      c.case('lists exactly the configured authenticator, version 0.1.0', async ({ client }) => {
        const list = await client.listAuthenticators();
        expect(list.map((a) => a.id)).toEqual([configured]);
        expect(list[0]?.description.length).toBeGreaterThan(0);
        expect([list[0]?.versionMaj, list[0]?.versionMin, list[0]?.versionRev]).toEqual([0, 1, 0]);
      });
    });
  },
);
