import { echoedShape, echoOf, expectRawStatus, sendMalformed, defineSuite } from '../../harness/kit';
import { eccSigningKey } from '../../harness/capabilities';
import {
  AuthType,
  encodeOperation,
  opcodeCode,
  unixPeerAuth,
  type OpcodeName,
  type OperationOf,
  type ParsecClient,
  type RawRequest,
  type StatusName,
} from '../../harness/wire';

const SESSION = 0x0a0b_0c0d_0e0f_1011n;
const P256_ECDSA_SHA256 = eccSigningKey('SecpR1', 256, { alg: 'Ecdsa', hash: 'Sha256' });
const DIGEST = Buffer.alloc(32, 0x3c);
const NO_AUTH = { authType: AuthType.None } as const;

/** A valid operation sent with the given auth header fields; the answer must be `status`, with the request echoed. */
async function expectAuthStatus<N extends OpcodeName>(
  client: ParsecClient,
  provider: number,
  opcode: N,
  operation: OperationOf<N>,
  auth: { authType: number; bytes?: Buffer },
  status: StatusName,
  what: string,
): Promise<void> {
  const code = opcodeCode(opcode);
  const request: RawRequest = {
    header: { provider, opcode: code, session: SESSION, authType: auth.authType },
    body: encodeOperation(opcode, operation),
    auth: auth.bytes ?? Buffer.alloc(0),
  };
  const res = await sendMalformed(client, request, what);
  expectRawStatus(res, status, what);
  expect(echoOf(res)).toEqual(echoedShape({ provider, session: SESSION, opcode: code }));
}

function ownUid(): number {
  return process.getuid?.() ?? 0;
}

defineSuite(
  {
    name: 'authentication-field',
    opcode: 'ListKeys',
    description: 'the auth field is checked, and operations that need an identity refuse requests without one',
  },
  (s) => {
    const unixPeer = s.context.auth.kind === 'unix-peer';
    const needsUnixPeer = unixPeer
      ? {}
      : { skip: `the service is configured with ${s.context.auth.kind}, not Unix peer credentials` };

    s.core((c) => {
      c.case('ListKeys without authentication is answered NotAuthenticated', async ({ client }) => {
        await expectAuthStatus(client, 0, 'ListKeys', {}, NO_AUTH, 'NotAuthenticated', 'ListKeys without auth');
      });

      c.case(
        'ListClients without authentication is answered NotAuthenticated',
        async ({ client }) => {
          await expectAuthStatus(client, 0, 'ListClients', {}, NO_AUTH, 'NotAuthenticated', 'ListClients without auth');
        },
        { opcode: 'ListClients' },
      );

      c.case(
        'DeleteClient without authentication is answered NotAuthenticated',
        async ({ client }) => {
          await expectAuthStatus(
            client,
            0,
            'DeleteClient',
            { client: String(ownUid()) },
            NO_AUTH,
            'NotAuthenticated',
            'DeleteClient without auth',
          );
        },
        { opcode: 'DeleteClient' },
      );

      // The run's own service has no admins configured: its client is an ordinary application.
      c.case(
        'ListClients by an authenticated non-admin is answered AdminOperation',
        async ({ client }) => {
          const res = await sendMalformed(
            client,
            { header: { opcode: opcodeCode('ListClients'), session: SESSION } },
            'ListClients by a non-admin',
          );
          expectRawStatus(res, 'AdminOperation', 'ListClients by a non-admin');
          expect(echoOf(res)).toEqual(
            echoedShape({ provider: 0, session: SESSION, opcode: opcodeCode('ListClients') }),
          );
        },
        { opcode: 'ListClients' },
      );

      c.case(
        'DeleteClient by an authenticated non-admin is answered AdminOperation and deletes nothing',
        async ({ client, keys, context }) => {
          const provider = context.providers.find((p) => p.key !== 'core' && p.key !== undefined);
          if (!provider) throw new Error('no crypto provider configured');
          const name = await keys.generate(provider.id, P256_ECDSA_SHA256, 'kept');
          const res = await sendMalformed(
            client,
            {
              header: { opcode: opcodeCode('DeleteClient'), session: SESSION },
              body: encodeOperation('DeleteClient', { client: String(ownUid()) }),
            },
            'DeleteClient by a non-admin',
          );
          expectRawStatus(res, 'AdminOperation', 'DeleteClient by a non-admin');
          const names = (await client.listKeys()).map((k) => k.name);
          expect(names).toContain(name);
        },
        { opcode: 'DeleteClient' },
      );

      c.case(
        'Unix peer credentials naming another uid is answered AuthenticationError',
        async ({ client }) => {
          const auth = { authType: AuthType.UnixPeerCredentials, bytes: unixPeerAuth(ownUid() + 1) };
          await expectAuthStatus(client, 0, 'ListKeys', {}, auth, 'AuthenticationError', 'wrong uid');
        },
        needsUnixPeer,
      );

      c.case(
        'Unix peer credentials naming uid 0xFFFFFFFF is answered AuthenticationError',
        async ({ client }) => {
          const auth = { authType: AuthType.UnixPeerCredentials, bytes: unixPeerAuth(0xffffffff) };
          await expectAuthStatus(client, 0, 'ListKeys', {}, auth, 'AuthenticationError', 'uid 0xFFFFFFFF');
        },
        needsUnixPeer,
      );

      for (const length of [0, 3, 5, 8]) {
        c.case(
          `Unix peer credentials with a ${length}-byte auth field is answered AuthenticationError`,
          async ({ client }) => {
            // The own uid first, so only the length is wrong.
            const bytes = Buffer.alloc(length);
            unixPeerAuth(ownUid()).copy(bytes, 0, 0, Math.min(4, length));
            const auth = { authType: AuthType.UnixPeerCredentials, bytes };
            await expectAuthStatus(client, 0, 'ListKeys', {}, auth, 'AuthenticationError', `${length}-byte auth`);
          },
          needsUnixPeer,
        );
      }

      c.case('Ping with auth type none and a non-empty auth field is answered Success', async ({ client }) => {
        // NoAuth reads the auth bytes and ignores them.
        const res = await sendMalformed(
          client,
          { header: { authType: AuthType.None }, auth: Buffer.from('ignored') },
          'Ping with ignored auth bytes',
        );
        expectRawStatus(res, 'Success', 'Ping with ignored auth bytes');
      });
    });

    s.eachProvider((c, provider) => {
      const p = provider.id;
      const sign = (keyName: string): OperationOf<'PsaSignHash'> => ({
        keyName,
        alg: { alg: 'Ecdsa', hash: 'Sha256' },
        hash: DIGEST,
      });

      c.case(
        'PsaGenerateKey without authentication is answered NotAuthenticated',
        async ({ client, keys }) => {
          const keyName = keys.track(p, keys.name('noauth'));
          await expectAuthStatus(
            client,
            p,
            'PsaGenerateKey',
            { keyName, attributes: P256_ECDSA_SHA256 },
            NO_AUTH,
            'NotAuthenticated',
            'GenerateKey without auth',
          );
        },
        { opcode: 'PsaGenerateKey', requires: ['PsaGenerateKey'] },
      );

      c.case(
        'PsaSignHash without authentication is answered NotAuthenticated',
        async ({ client, keys }) => {
          await expectAuthStatus(
            client,
            p,
            'PsaSignHash',
            sign(keys.name('absent')),
            NO_AUTH,
            'NotAuthenticated',
            'SignHash without auth',
          );
        },
        { opcode: 'PsaSignHash', requires: ['PsaSignHash'] },
      );

      c.case(
        'PsaSignHash with an existing key but without authentication is answered NotAuthenticated',
        async ({ client, keys }) => {
          const name = await keys.generate(p, P256_ECDSA_SHA256, 'owned');
          await expectAuthStatus(client, p, 'PsaSignHash', sign(name), NO_AUTH, 'NotAuthenticated', 'SignHash no auth');
        },
        { opcode: 'PsaSignHash', requires: ['PsaSignHash', 'PsaGenerateKey'] },
      );

      for (const opcode of ['PsaExportPublicKey', 'PsaDestroyKey'] as const) {
        c.case(
          `${opcode} without authentication is answered NotAuthenticated`,
          async ({ client, keys }) => {
            await expectAuthStatus(
              client,
              p,
              opcode,
              { keyName: keys.name('absent') },
              NO_AUTH,
              'NotAuthenticated',
              `${opcode} without auth`,
            );
          },
          { opcode, requires: [opcode] },
        );
      }

      c.case(
        'CanDoCrypto without authentication is answered NotAuthenticated',
        async ({ client }) => {
          await expectAuthStatus(
            client,
            p,
            'CanDoCrypto',
            { checkType: 'Generate', attributes: P256_ECDSA_SHA256 },
            NO_AUTH,
            'NotAuthenticated',
            'CanDoCrypto without auth',
          );
        },
        { opcode: 'CanDoCrypto', requires: ['CanDoCrypto'] },
      );

      c.case(
        'PsaGenerateRandom needs no authentication: 32 bytes are answered without it',
        async ({ client }) => {
          const code = opcodeCode('PsaGenerateRandom');
          const res = await sendMalformed(
            client,
            {
              header: { provider: p, opcode: code, session: SESSION, authType: AuthType.None },
              body: encodeOperation('PsaGenerateRandom', { size: 32 }),
              auth: Buffer.alloc(0),
            },
            'GenerateRandom without auth',
          );
          expectRawStatus(res, 'Success', 'GenerateRandom without auth');
          expect(res.header.provider).toBe(p);
          expect(res.header.session).toBe(SESSION);
        },
        { opcode: 'PsaGenerateRandom', requires: ['PsaGenerateRandom'] },
      );

      c.case(
        'PsaGenerateKey with Unix peer credentials naming another uid is answered AuthenticationError',
        async ({ client, keys }) => {
          const keyName = keys.track(p, keys.name('wronguid'));
          const auth = { authType: AuthType.UnixPeerCredentials, bytes: unixPeerAuth(ownUid() + 1) };
          await expectAuthStatus(
            client,
            p,
            'PsaGenerateKey',
            { keyName, attributes: P256_ECDSA_SHA256 },
            auth,
            'AuthenticationError',
            'GenerateKey as another uid',
          );
        },
        { opcode: 'PsaGenerateKey', requires: ['PsaGenerateKey'], ...needsUnixPeer },
      );

      c.case(
        'PsaGenerateKey with auth type JWT (2) is answered AuthenticatorNotRegistered',
        async ({ client, keys }) => {
          const keyName = keys.track(p, keys.name('jwt'));
          await expectAuthStatus(
            client,
            p,
            'PsaGenerateKey',
            { keyName, attributes: P256_ECDSA_SHA256 },
            { authType: AuthType.Jwt, bytes: Buffer.from('a.b.c') },
            'AuthenticatorNotRegistered',
            'GenerateKey with JWT',
          );
        },
        { opcode: 'PsaGenerateKey', requires: ['PsaGenerateKey'] },
      );
    });
  },
);
